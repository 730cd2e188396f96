#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: faults around a single report. Each must give one clear message on stderr,
# exit status 1, and leave any existing report as it was.
#   output folder missing, read-only, full (/dev/full and a full tmpfs); output path that is a
#   folder or a symbolic link; fonts or catalog missing; a layout file whose fonts point outside
#   the fonts folder; a 100 MB submission refused by the size cap, a 5 MB one by a city file's cap;
#   a FIFO or device as any input, refused without waiting; -o naming an input (exit 2, the file
#   unchanged); PNG pages as one folder replaced as a unit (no stale page, the old set kept on
#   failure); newlines and control characters in file names escaped.
# usage: bash fault_test.sh CERTREPORT_BINARY SOURCE_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: bash fault_test.sh CERTREPORT_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$(realpath "$1")
SRC=$(realpath "$2")
COHORT=$SRC/samples/cohort
export CERTREPORT_ASSETS=$SRC/assets
unset SOURCE_DATE_EPOCH
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-fault.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
check() {
    local name=$1
    shift
    if "$@" >"$TMP/why" 2>&1; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        head -n 20 "$TMP/why" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
}
# fails_with WANT_TEXT CMD...: exit status 1, exactly one line on stderr containing WANT_TEXT,
# nothing on stdout.
fails_with() {
    local want=$1
    shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    [ $rc -eq 1 ] || { echo "exit status $rc, expected 1"; cat "$TMP/err"; return 1; }
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || { echo "stderr is not one line:"; cat "$TMP/err"; return 1; }
    grep -qF -- "$want" "$TMP/err" || { echo "stderr lacks \"$want\":"; cat "$TMP/err"; return 1; }
    [ ! -s "$TMP/out" ] || { echo "stdout not empty"; return 1; }
}
render() { # render ARGS...: gold-city's report against the cohort
    "$CR" render "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" \
        --cohort "$COHORT" "$@"
}
export -f render fails_with
export CR COHORT TMP

render -o "$TMP/good.pdf" 2>/dev/null
cp "$TMP/good.pdf" "$TMP/good.orig"

check "output folder missing" fails_with "its folder does not exist" render -o "$TMP/missing/r.pdf"
check "output path is a folder" fails_with "is a directory" render -o "$TMP"
ln -s "$TMP/good.pdf" "$TMP/link.pdf"
check "output path is a symbolic link" fails_with "is a symbolic link" render -o "$TMP/link.pdf"
check "the link's target untouched" cmp "$TMP/good.pdf" "$TMP/good.orig"
check "/dev/full" fails_with "No space left on device" render -o /dev/full
check "/dev/stdout works (a device, written directly)" bash -c 'render -o /dev/stdout | head -c 5 | grep -q "%PDF-"'

MNT=$TMP/mnt
mkdir -p "$MNT"
export MNT
unshare -rm bash -c '
    mount -t tmpfs -o size=4m tmpfs "$MNT"
    render -o "$MNT/r.pdf" 2>/dev/null
    md5sum "$MNT/r.pdf" >"$TMP/ro-before"
    mount -o remount,ro "$MNT"
    fails_with "Read-only file system" render -o "$MNT/r.pdf" >"$TMP/ro-why" 2>&1; echo $? >"$TMP/ro-rc"
    md5sum "$MNT/r.pdf" >"$TMP/ro-after"
    ls -a "$MNT" >"$TMP/ro-ls"'
check "read-only folder: one clear message, exit 1" bash -c '[ "$(cat "$TMP/ro-rc")" = 0 ] || { cat "$TMP/ro-why"; exit 1; }'
check "read-only folder: the report intact" cmp "$TMP/ro-before" "$TMP/ro-after"

unshare -rm bash -c '
    mount -t tmpfs -o size=4m tmpfs "$MNT"
    render -o "$MNT/r.pdf" 2>/dev/null
    md5sum "$MNT/r.pdf" >"$TMP/full-before"
    dd if=/dev/zero of="$MNT/filler" bs=16k 2>/dev/null
    fails_with "No space left on device" render -o "$MNT/r.pdf" >"$TMP/full-why" 2>&1; echo $? >"$TMP/full-rc"
    md5sum "$MNT/r.pdf" >"$TMP/full-after"
    ls -a "$MNT" | grep -c "tmp" >"$TMP/full-tmp"'
check "full disk: one clear message, exit 1" bash -c '[ "$(cat "$TMP/full-rc")" = 0 ] || { cat "$TMP/full-why"; exit 1; }'
check "full disk: the report intact" cmp "$TMP/full-before" "$TMP/full-after"
check "full disk: no temporary file left" bash -c '[ "$(cat "$TMP/full-tmp")" = 0 ]'

# Assets with a piece missing.
A=$TMP/assets
cp -r "$SRC/assets" "$A"
check "fonts missing" fails_with "fonts folder not found" env CERTREPORT_ASSETS="$A" \
    "$CR" render "$COHORT/gold-city.submission.xml" --cohort "$COHORT" -o "$TMP/nofonts.pdf"
mkdir -p "$TMP/fonts-empty/assets" "$TMP/fonts-empty/fonts"
cp -r "$SRC/assets/." "$TMP/fonts-empty/assets/"
cp -r "$SRC/layouts" "$TMP/fonts-empty/layouts"
check "a font file missing" fails_with "NotoSans-Regular.ttf" env CERTREPORT_ASSETS="$TMP/fonts-empty/assets" \
    "$CR" render "$COHORT/gold-city.submission.xml" --cohort "$COHORT" -o "$TMP/nofont.pdf"
check "catalog missing" fails_with "nowhere.xml" render --catalog "$TMP/nowhere.xml" -o "$TMP/nocat.pdf"
rm "$A/catalog-2023.xml"
check "default catalog missing" fails_with "catalog-2023.xml" env CERTREPORT_ASSETS="$A" \
    "$CR" score "$COHORT/gold-city.submission.xml"
sed 's|regular="NotoSans-Regular.ttf"|regular="../../../../etc/passwd"|' "$SRC/layouts/default.xml" >"$TMP/evil-layout.xml"
check "layout font outside the fonts folder" fails_with "evil-layout.xml" render --layout "$TMP/evil-layout.xml" -o "$TMP/evil.pdf"
check "nothing written by any failure" bash -c 'ls "$TMP"/*.pdf | grep -v -e good.pdf -e link.pdf | grep . && exit 1; exit 0'

# A 100 MB submission: refused by the size cap (its size, from fstat, before a byte is read),
# with a clear message. A 5 MB one too: a submission's own cap is 4 MiB.
head -c 100000000 /dev/zero | tr '\0' ' ' >"$TMP/huge.submission.xml"
check "100 MB submission refused by the size cap" fails_with "too large" "$CR" score "$TMP/huge.submission.xml"
head -c 5000000 "$TMP/huge.submission.xml" >"$TMP/big.submission.xml"
check "5 MB submission refused by the submission's cap" fails_with "the limit is 4194304" "$CR" score "$TMP/big.submission.xml"
cp "$TMP/big.submission.xml" "$TMP/big.audit.xml"
check "5 MB audit log refused by the audit log's cap" fails_with "the limit is 4194304" \
    "$CR" score "$COHORT/gold-city.submission.xml" --audit "$TMP/big.audit.xml"

# A FIFO (nobody writing to it) or a device as an input: refused at once, never waited on.
# (timeout only guards against a hang.)
mkfifo "$TMP/fifo.xml"
check "FIFO as a submission: refused" fails_with "fifo.xml: is a FIFO, not a regular file" \
    timeout 60 "$CR" score "$TMP/fifo.xml"
check "FIFO as an audit log: refused" fails_with "fifo.xml: is a FIFO, not a regular file" \
    timeout 60 "$CR" score "$COHORT/gold-city.submission.xml" --audit "$TMP/fifo.xml"
check "FIFO as a peers file: refused" fails_with "fifo.xml: is a FIFO, not a regular file" \
    timeout 60 "$CR" render "$COHORT/gold-city.submission.xml" --peers "$TMP/fifo.xml" -o "$TMP/fifo.pdf"
check "FIFO as a catalog: refused" fails_with "fifo.xml: is a FIFO, not a regular file" \
    timeout 60 "$CR" score "$COHORT/gold-city.submission.xml" --catalog "$TMP/fifo.xml"
check "FIFO to validate: refused" fails_with "fifo.xml: is a FIFO, not a regular file" \
    timeout 60 "$CR" validate "$TMP/fifo.xml"
check "a device as a submission: refused" fails_with "/dev/zero: is a device, not a regular file" \
    timeout 60 "$CR" score /dev/zero

# ---- inputs are never outputs: -o naming an input is a usage error, the file unchanged ----
# usage_keeps WHAT FILE CMD...: exit status 2, FILE byte for byte as it was
usage_keeps() {
    local what=$1 file=$2
    shift 2
    local before
    before=$(md5sum <"$file")
    "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    [ $rc -eq 2 ] || { echo "exit status $rc, expected 2"; cat "$TMP/err"; return 1; }
    grep -qF "is an input ($what)" "$TMP/err" || { echo "stderr lacks \"$what\":"; cat "$TMP/err"; return 1; }
    [ "$(md5sum <"$file")" = "$before" ] || { echo "$file changed"; return 1; }
}
export -f usage_keeps
IN=$TMP/inputs
mkdir -p "$IN"
cp "$COHORT/gold-city.submission.xml" "$COHORT/gold-city.audit.xml" "$IN/"
"$CR" stats "$COHORT" -o "$IN/peers.xml" 2>/dev/null
cp "$SRC/layouts/default.xml" "$IN/layout.xml"
cp "$SRC/assets/catalog-2023.xml" "$IN/catalog.xml"
ln -s gold-city.submission.xml "$IN/link.pdf"
rin() { "$CR" render "$IN/gold-city.submission.xml" --audit "$IN/gold-city.audit.xml" --peers "$IN/peers.xml" "$@"; }
export -f rin
export IN
check "render X -o X: exit 2, X unchanged" usage_keeps "the submission" "$IN/gold-city.submission.xml" rin -o "$IN/gold-city.submission.xml"
check "render -o the audit log: exit 2, unchanged" usage_keeps "the audit log" "$IN/gold-city.audit.xml" rin -o "$IN/gold-city.audit.xml"
check "render -o the peers file: exit 2, unchanged" usage_keeps "the peers file" "$IN/peers.xml" rin -o "$IN/peers.xml"
check "render -o the layout: exit 2, unchanged" usage_keeps "the layout" "$IN/layout.xml" rin --layout "$IN/layout.xml" -o "$IN/layout.xml"
check "render -o the catalog: exit 2, unchanged" usage_keeps "the catalog" "$IN/catalog.xml" rin --catalog "$IN/catalog.xml" -o "$IN/catalog.xml"
check "render -o a link to the submission: exit 2, unchanged" usage_keeps "the submission" "$IN/gold-city.submission.xml" rin -o "$IN/link.pdf"
check "render -o ./X (another spelling): exit 2, unchanged" usage_keeps "the submission" "$IN/gold-city.submission.xml" \
    bash -c 'cd "$IN" && rin -o ./gold-city.submission.xml'
check "render --cohort -o a file of the cohort: exit 2, unchanged" usage_keeps "a file of the cohort folder" "$IN/gold-city.audit.xml" \
    "$CR" render "$IN/gold-city.submission.xml" --cohort "$IN" -o "$IN/gold-city.audit.xml"
check "stats -o a file of the cohort: exit 2, unchanged" usage_keeps "a file of the cohort folder" "$IN/gold-city.submission.xml" \
    "$CR" stats "$IN" -o "$IN/gold-city.submission.xml"
check "cohort -o the peers file: exit 2, unchanged" usage_keeps "the peers file" "$IN/peers.xml" \
    "$CR" cohort "$COHORT" --peers "$IN/peers.xml" -o "$IN/peers.xml"
check "cohort -o a file of the cohort: exit 2, unchanged" usage_keeps "a file of the cohort folder" "$IN/gold-city.audit.xml" \
    "$CR" cohort "$IN" -o "$IN/gold-city.audit.xml"

# ---- PNG: the pages are one unit ----
rin --format png -o "$TMP/pages" 2>/dev/null
n_gold=$(ls "$TMP/pages" | wc -l)
check "render --format png -o DIR: DIR/1.png ... N.png, nothing else" bash -c \
    '[ "$2" -ge 10 ] && [ "$(ls "$1" | sort -n | tail -1)" = "$2.png" ] && [ -z "$(ls -A "$TMP" | grep "^\.certreport-tmp-")" ]' _ "$TMP/pages" "$n_gold"
# small-town is a page shorter than gold-city (README's table of page counts)
"$CR" render "$COHORT/small-town.submission.xml" --audit "$COHORT/small-town.audit.xml" --peers "$IN/peers.xml" \
    --format png -o "$TMP/pages" 2>/dev/null
n_short=$(ls "$TMP/pages" | wc -l)
check "a shorter report over a longer one: no stale pages" bash -c \
    '[ "$2" -lt "$3" ] && [ "$(ls "$1" | sort -n | tail -1)" = "$2.png" ]' _ "$TMP/pages" "$n_short" "$n_gold"
mkdir "$TMP/notpages" && echo keep >"$TMP/notpages/notes.txt"
check "png onto a folder that is not a page set: refused, left alone" bash -c \
    'fails_with "is not a folder of pages" rin --format png -o "$1" && [ "$(cat "$1/notes.txt")" = keep ] && [ "$(ls "$1")" = notes.txt ]' _ "$TMP/notpages"
ln -s "$TMP/notpages" "$TMP/pageslink"
check "png onto a symbolic link: refused, left alone" bash -c \
    'fails_with "is a symbolic link" rin --format png -o "$1" && [ -L "$1" ] && [ "$(ls "$2")" = notes.txt ]' _ "$TMP/pageslink" "$TMP/notpages"
# A failed render (the disk fills while the pages are written) leaves the previous set exactly as
# it was, and no temporary.
unshare -rm bash -c '
    mount -t tmpfs -o size=3m tmpfs "$MNT"
    rin --format png -o "$MNT/set" 2>/dev/null
    (cd "$MNT/set" && md5sum *) >"$TMP/set-before"
    dd if=/dev/zero of="$MNT/filler" bs=1k count=$(( $(df -k --output=avail "$MNT" | tail -1) - 400 )) 2>/dev/null
    rin --format png -o "$MNT/set" >/dev/null 2>"$TMP/set-err"; echo $? >"$TMP/set-rc"
    (cd "$MNT/set" && md5sum *) >"$TMP/set-after"
    ls -A "$MNT" | grep -c "^\.certreport-tmp-" >"$TMP/set-tmp"'
check "png set, disk full mid-set: exit 1, says so" bash -c '[ "$(cat "$1")" = 1 ] && grep -q "No space left on device" "$2"' _ "$TMP/set-rc" "$TMP/set-err"
check "png set, disk full mid-set: the previous set exactly as it was" cmp "$TMP/set-before" "$TMP/set-after"
check "png set, disk full mid-set: no temporary left" bash -c '[ "$(cat "$1")" = 0 ]' _ "$TMP/set-tmp"

# ---- messages survive: a newline in a file name is escaped, one line per message ----
check "a newline in -o's folder name: one line, escaped" fails_with 'miss\ning/r.pdf: cannot write: its folder does not exist' \
    rin -o "$TMP/miss"$'\n'"ing/r.pdf"
check "a control character in an input's name: one line, escaped" fails_with 'no\x01such.xml: cannot open' \
    "$CR" score "$TMP/no"$'\001'"such.xml"

echo "faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
