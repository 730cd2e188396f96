#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: cohort batch runs.
# usage: bash batch_test.sh CERTREPORT_BINARY SOURCE_DIR GENCOHORT_BINARY
#
# A malformed city among good ones; re-runs that render nothing; one city changed against a frozen
# peers file; shards that together render exactly the cohort; the same bytes whatever -j; SIGTERM
# and a crashing worker mid-run; a read-only and a full output folder (tmpfs mounts in a private
# user and mount namespace); usage errors; progress output; the manifest's contents. Issue #12:
# kills at 20 random points then a clean run; the output folder's lock (refused, --wait);
# truncated or replaced reports rendered again; a link at one city's output; PNG sets that
# shrink; newlines in file names; -o the cohort folder; GNU parallel shards and merge.
# Prints one line per check, then "N passed, M failed"; exits 1 if any check failed.
set -u

if [ $# -ne 3 ]; then
    echo "usage: bash batch_test.sh CERTREPORT_BINARY SOURCE_DIR GENCOHORT_BINARY" >&2
    exit 2
fi
CR=$(realpath "$1")
SRC=$(realpath "$2")
GEN=$(realpath "$3")
export CERTREPORT_ASSETS=$SRC/assets
unset SOURCE_DATE_EPOCH

TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-batch.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0

# check NAME COMMAND...: runs a check; on failure prints what it said.
check() {
    local name=$1
    shift
    if "$@" >"$TMP/why" 2>&1; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        head -n 30 "$TMP/why" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
}

# run OUT ERR ARGS...: the program with stdout and stderr to files; returns its status.
run() {
    local out=$1 err=$2
    shift 2
    "$CR" "$@" >"$out" 2>"$err"
}

status_is() { # status_is WANT GOT
    [ "$1" = "$2" ] || { echo "exit status $2, expected $1"; return 1; }
}

has() { # has FILE TEXT: the file contains TEXT (fixed string)
    grep -qF -- "$2" "$1" || { echo "$1 lacks: $2"; echo "--- $1:"; head -n 20 "$1"; return 1; }
}

lacks() {
    ! grep -qF -- "$2" "$1" || { echo "$1 has: $2"; return 1; }
}

no_temporaries() { # no_temporaries DIR: nothing half-written is left
    local left
    left=$(find "$1" -name '.certreport-tmp-*' -o -name '*.tmp.*')
    [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

count_pdfs() {
    find "$1" -maxdepth 1 -name '*.pdf' | wc -l
}

all_pdfs_whole() { # every PDF in DIR is complete and valid
    local f bad=0
    for f in "$1"/*.pdf; do
        qpdf --check "$f" >/dev/null 2>&1 || { echo "damaged: $f"; bad=1; }
    done
    return $bad
}

sums() { # sums DIR: checksums of the reports, sorted by name
    (cd "$1" && find . -maxdepth 2 \( -name '*.pdf' -o -name '*.png' \) -not -path './.*' -print0 | sort -z | xargs -0 -r md5sum)
}
export -f sums

manifest_field() { # manifest_field MANIFEST_CSV ID COLUMN: one value
    python3 - "$@" <<'EOF'
import csv, sys
path, cid, col = sys.argv[1:4]
with open(path, newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        if row['id'] == cid:
            print(row[col])
            break
EOF
}

COHORT=$TMP/cohort
cp -r "$SRC/samples/cohort" "$COHORT"
rm -f "$COHORT/EXPECTED.md"
NCITIES=$(ls "$COHORT"/*.submission.xml | wc -l)

# ---- one malformed city among good ones ----
printf '<?xml version="1.0" encoding="UTF-8"?>\n<submission id="broken" cycle="2023">\n  <city name="Broken"\n</submission>\n' \
    >"$COHORT/broken.submission.xml"
OUT=$TMP/out
run "$TMP/o1" "$TMP/e1" batch "$COHORT" -o "$OUT" -j 2
rc=$?
check "malformed city: exit status 1" status_is 1 $rc
check "malformed city: named as file:line" grep -qE "broken\.submission\.xml:[0-9]+: " "$TMP/e1"
check "malformed city: summary counts it" has "$TMP/o1" "$((NCITIES + 1)) cities: $NCITIES rendered, 0 unchanged, 1 failed"
check "malformed city: peers computed without it" has "$TMP/o1" "peer statistics over $NCITIES of $((NCITIES + 1)) cities (1 left out)"
check "malformed city: the others rendered" test "$(count_pdfs "$OUT")" -eq "$NCITIES"
check "malformed city: every PDF valid" all_pdfs_whole "$OUT"
check "malformed city: no temporary file" no_temporaries "$OUT"
check "manifest: failed row with its message" \
    bash -c '[ "$1" = failed ] && [[ "$2" == *broken.submission.xml:* ]]' _ \
    "$(manifest_field "$OUT/manifest.csv" broken status)" "$(manifest_field "$OUT/manifest.csv" broken message)"
check "manifest: Tempe scored as in the samples" \
    bash -c '[ "$1 $2 $3 $4 $5" = "Tempe 31 72 gold gold" ]' _ \
    "$(manifest_field "$OUT/manifest.csv" gold-city city)" "$(manifest_field "$OUT/manifest.csv" gold-city criteria_met)" \
    "$(manifest_field "$OUT/manifest.csv" gold-city percent)" "$(manifest_field "$OUT/manifest.csv" gold-city eligible_tier)" \
    "$(manifest_field "$OUT/manifest.csv" gold-city awarded_tier)"
check "manifest: Montréal not certified, core LC1 missing" \
    bash -c '[ "$1|$2|$3" = "|LC1|rendered" ]' _ \
    "$(manifest_field "$OUT/manifest.csv" montreal awarded_tier)" "$(manifest_field "$OUT/manifest.csv" montreal core_missing)" \
    "$(manifest_field "$OUT/manifest.csv" montreal status)"
check "manifest: bytes are the file's size" \
    bash -c '[ "$1" = "$(stat -c %s "$2")" ]' _ "$(manifest_field "$OUT/manifest.csv" bogota bytes)" "$OUT/bogota.pdf"
check "manifest.json is valid and lists every city" \
    python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert len(m["cities"])==int(sys.argv[2]), len(m["cities"]); assert all(len(c["hash"] or "x"*32)==32 for c in m["cities"])' \
    "$OUT/manifest.json" "$((NCITIES + 1))"
check "progress: plain lines when not on a terminal" has "$TMP/e1" "certreport batch: $NCITIES/$NCITIES reports (100%)"

# ---- the staff's cohort overview ----
run "$TMP/ov1" "$TMP/ove1" cohort "$COHORT" -o "$TMP/overview.pdf"
check "cohort overview with a malformed city: exit status 1, names it" \
    bash -c '[ "$1" = 1 ] && grep -qE "broken\.submission\.xml:[0-9]+: " "$2" && grep -q "1 city left out" "$2"' _ $? "$TMP/ove1"
check "cohort overview: a valid PDF" qpdf --check "$TMP/overview.pdf"
pdftotext "$TMP/overview.pdf" - 2>/dev/null | tr -s ' \n' ' ' >"$TMP/overview.txt"
check "cohort overview: title, applicants, the city left out" bash -c \
    'grep -q "Cohort overview 2023" "$1" && grep -q "$2 cities submitted a valid self-assessment" "$1" && grep -q "1 city was left out" "$1"' \
    _ "$TMP/overview.txt" "$NCITIES"
check "cohort overview: every valid city listed" bash -c \
    'for n in Tempe Denver Montréal Bogotá "São Paulo" Medellín; do grep -q "$n" "$1" || { echo "missing $n"; exit 1; }; done' _ "$TMP/overview.txt"
check "cohort overview: tier distribution and criteria adoption" bash -c \
    'grep -q "Tier distribution" "$1" && grep -q "Platinum" "$1" && grep -q "DM1" "$1"' _ "$TMP/overview.txt"
run "$TMP/ov2" "$TMP/ove2" cohort "$COHORT"
check "cohort without -o: usage error" status_is 2 $?

# ---- one rule for a cohort folder: stats, batch, cohort and render --cohort alike ----
# The samples plus one invalid city, an audit log without its submission, a FIFO and a folder
# named like submissions. `timeout 60` only guards against a hang (a FIFO read would wait for a
# writer forever); no check here is about speed.
ODD=$TMP/odd
mkdir "$ODD"
cp "$COHORT"/*.xml "$ODD/"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<submission id="broken" cycle="2023">\n  <city name="Broken"\n</submission>\n' \
    >"$ODD/broken.submission.xml"
cp "$COHORT/bogota.audit.xml" "$ODD/orphan.audit.xml"
mkfifo "$ODD/fifo.submission.xml"
mkdir "$ODD/x.submission.xml"
SUMMARY="peer statistics over $NCITIES of $((NCITIES + 1)) cities; left out (invalid files): broken"
odd_warnings() { # odd_warnings STDERR: the three oddities named as DIR/NAME: warning: ...
    has "$1" "$ODD/fifo.submission.xml: warning: is a FIFO, not a regular file; skipped" &&
        has "$1" "$ODD/x.submission.xml: warning: is a folder, not a regular file; skipped" &&
        has "$1" "$ODD/orphan.audit.xml: warning: an audit log without its submission (orphan.submission.xml); skipped" &&
        grep -qE "^$ODD/broken\.submission\.xml:[0-9]+: " "$1"
}
timeout 60 "$CR" stats "$ODD" -o "$TMP/odd-peers.xml" >"$TMP/os" 2>"$TMP/oe"
check "odd cohort, stats: exit 0" status_is 0 $?
check "odd cohort, stats: warnings and the invalid city named" odd_warnings "$TMP/oe"
check "odd cohort, stats: the cities used and left out" has "$TMP/oe" "certreport stats: $SUMMARY"
check "odd cohort, stats: recorded in the peers file" bash -c \
    'grep -q "<cohort cities=\"$2\" used=\"$3\">" "$1" && grep -q "<left-out id=\"broken\"/>" "$1"' _ \
    "$TMP/odd-peers.xml" $((NCITIES + 1)) "$NCITIES"
timeout 60 "$CR" stats "$ODD" -o "$TMP/odd-strict.xml" --strict >"$TMP/os2" 2>"$TMP/oe2"
check "odd cohort, stats --strict: exit 1, nothing written" \
    bash -c '[ "$1" = 1 ] && [ ! -e "$2" ] && grep -q "^certreport stats: --strict: 3 warnings and 1 city left out; nothing written$" "$3"' \
    _ $? "$TMP/odd-strict.xml" "$TMP/oe2"
timeout 60 "$CR" batch "$ODD" -o "$TMP/oddout" -j 2 --quiet >"$TMP/ob" 2>"$TMP/obe"
check "odd cohort, batch: exit 1 (one city failed)" status_is 1 $?
check "odd cohort, batch: warnings and the invalid city named" odd_warnings "$TMP/obe"
check "odd cohort, batch: the cities used and left out" has "$TMP/obe" "certreport batch: $SUMMARY"
check "odd cohort, batch: summary" has "$TMP/ob" \
    "$((NCITIES + 1)) cities: $NCITIES rendered, 0 unchanged, 1 failed; peer statistics over $NCITIES of $((NCITIES + 1)) cities (1 left out)"
timeout 60 "$CR" batch "$ODD" -o "$TMP/oddfrozen" -j 2 --quiet --peers "$TMP/odd-peers.xml" >/dev/null 2>&1
check "odd cohort, batch: the same statistics as stats (same reports as against its peers file)" \
    bash -c 'diff <(cd "$1" && md5sum *.pdf) <(cd "$2" && md5sum *.pdf)' _ "$TMP/oddout" "$TMP/oddfrozen"
timeout 60 "$CR" batch "$ODD" -o "$TMP/oddstrict" --quiet --strict >"$TMP/ob3" 2>"$TMP/obe3"
check "odd cohort, batch --strict: exit 1, nothing rendered" \
    bash -c '[ "$1" = 1 ] && [ -z "$(find "$2" -name "*.pdf")" ] && grep -q "\-\-strict: 3 warnings and 1 city left out; nothing rendered" "$3"' \
    _ $? "$TMP/oddstrict" "$TMP/obe3"
timeout 60 "$CR" cohort "$ODD" -o "$TMP/odd-overview.pdf" >"$TMP/oc" 2>"$TMP/oce"
check "odd cohort, cohort: exit 1 (a city left out), the overview written" \
    bash -c '[ "$1" = 1 ] && qpdf --check "$2" >/dev/null' _ $? "$TMP/odd-overview.pdf"
check "odd cohort, cohort: warnings and the invalid city named" odd_warnings "$TMP/oce"
check "odd cohort, cohort: the cities used and left out" has "$TMP/oce" "certreport cohort: $SUMMARY"
check "odd cohort, cohort: the overview counts the valid cities" bash -c \
    'pdftotext "$1" - | tr -s " \n" " " | grep -q "$2 cities submitted a valid self-assessment"' _ "$TMP/odd-overview.pdf" "$NCITIES"
timeout 60 "$CR" render "$ODD/gold-city.submission.xml" --audit "$ODD/gold-city.audit.xml" --cohort "$ODD" \
    -o "$TMP/odd-render.pdf" >"$TMP/or" 2>"$TMP/ore"
check "odd cohort, render --cohort: exit 0" status_is 0 $?
check "odd cohort, render --cohort: warnings and the invalid city named" odd_warnings "$TMP/ore"
check "odd cohort, render --cohort: the cities used and left out" has "$TMP/ore" "certreport render: $SUMMARY"
check "odd cohort, render --cohort: the batch's report (the same statistics)" cmp "$TMP/odd-render.pdf" "$TMP/oddout/gold-city.pdf"
timeout 60 "$CR" render "$ODD/gold-city.submission.xml" --audit "$ODD/gold-city.audit.xml" --cohort "$ODD" \
    -o "$TMP/odd-render2.pdf" --strict >/dev/null 2>&1
check "odd cohort, render --cohort --strict: exit 1, no file" \
    bash -c '[ "$1" = 1 ] && [ ! -e "$2" ]' _ $? "$TMP/odd-render2.pdf"

# ---- a re-run renders nothing ----
sums "$OUT" >"$TMP/sums1"
stat -c '%n %Y %i' "$OUT"/*.pdf >"$TMP/stat1"
rm "$COHORT/broken.submission.xml"
run "$TMP/o2" "$TMP/e2" batch "$COHORT" -o "$OUT" --quiet
rc=$?
check "re-run: exit status 0" status_is 0 $rc
check "re-run: renders nothing and says so" has "$TMP/o2" "$NCITIES cities: 0 rendered, $NCITIES unchanged, 0 failed"
check "re-run: says nothing changed" has "$TMP/o2" "nothing changed since the last run"
check "re-run: files untouched" bash -c 'stat -c "%n %Y %i" "$1"/*.pdf | cmp - "$2"' _ "$OUT" "$TMP/stat1"
check "--quiet: no progress" lacks "$TMP/e2" "reports ("
run "$TMP/o3" "$TMP/e3" batch "$COHORT" -o "$OUT" --force --quiet -j 1
check "--force: renders all again" has "$TMP/o3" "$NCITIES cities: $NCITIES rendered, 0 unchanged, 0 failed"
sums "$OUT" >"$TMP/sums3"
check "same bytes with -j 1 and -j 2" cmp "$TMP/sums1" "$TMP/sums3"
# Each city's files are read twice in all: once by pass 1, which scores the city and hashes the
# bytes it parsed (issue #18: not read again for the hash), and once by the worker rendering it.
strace -f -qq -e trace=open,openat -o "$TMP/reads.trace" "$CR" batch "$COHORT" -o "$TMP/reads" \
    --quiet -j 1 >/dev/null 2>&1
check "a city's files are read once by pass 1 and once by its worker" \
    bash -c '[ "$(grep -c "/bogota\.submission\.xml\"" "$1") $(grep -c "/bogota\.audit\.xml\"" "$1")" = "1 1" ] &&
        [ "$(grep -c "bogota\.submission\.xml\"" "$1") $(grep -c "bogota\.audit\.xml\"" "$1")" = "2 2" ]' _ "$TMP/reads.trace"
rm "$OUT/hamilton.pdf"
run "$TMP/o4" "$TMP/e4" batch "$COHORT" -o "$OUT" --quiet
check "a deleted report is rendered again" has "$TMP/o4" "$NCITIES cities: 1 rendered, $((NCITIES - 1)) unchanged"

# ---- one city's answers change against a frozen peers file ----
"$CR" stats "$COHORT" -o "$TMP/peers.xml" >/dev/null 2>&1
FROZEN=$TMP/frozen
run "$TMP/o5" "$TMP/e5" batch "$COHORT" -o "$FROZEN" --peers "$TMP/peers.xml" --quiet
check "frozen peers: all rendered" has "$TMP/o5" "$NCITIES cities: $NCITIES rendered"
stat -c '%n %Y %i' "$FROZEN"/*.pdf | grep -v '/hamilton.pdf ' >"$TMP/stat5"
hash_before=$(manifest_field "$FROZEN/manifest.csv" hamilton hash)
met_before=$(manifest_field "$FROZEN/manifest.csv" hamilton criteria_met)
# Hamilton now answers yes to one more criterion (the first "no" in its submission).
python3 - "$COHORT/hamilton.submission.xml" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p, encoding='utf-8').read()
s2 = re.sub(r'answer="no"', 'answer="yes"', s, count=1)
assert s2 != s, "no answer to change"
open(p, 'w', encoding='utf-8').write(s2)
EOF
sleep 1 # a new second, so a rewritten file would show in its mtime
run "$TMP/o6" "$TMP/e6" batch "$COHORT" -o "$FROZEN" --peers "$TMP/peers.xml" --quiet
check "one city changed: only it is re-rendered" has "$TMP/o6" "$NCITIES cities: 1 rendered, $((NCITIES - 1)) unchanged, 0 failed"
check "one city changed: the others untouched" \
    bash -c 'stat -c "%n %Y %i" "$1"/*.pdf | grep -v "/hamilton.pdf " | cmp - "$2"' _ "$FROZEN" "$TMP/stat5"
check "one city changed: its hash and score changed" \
    bash -c '[ "$1" != "$2" ] && [ "$3" = $(( $4 + 1 )) ]' _ "$hash_before" \
    "$(manifest_field "$FROZEN/manifest.csv" hamilton hash)" "$(manifest_field "$FROZEN/manifest.csv" hamilton criteria_met)" "$met_before"
# Without a frozen file the cohort's statistics changed too, so every report is out of date.
run "$TMP/o7" "$TMP/e7" batch "$COHORT" -o "$OUT" --quiet
check "computed peers changed: every report re-rendered" has "$TMP/o7" "$NCITIES cities: $NCITIES rendered, 0 unchanged"
# A different layout file is an input too.
sed 's/<!--.*-->//' "$SRC/layouts/default.xml" | sed '$a<!-- changed -->' >"$TMP/layout.xml"
run "$TMP/o8" "$TMP/e8" batch "$COHORT" -o "$FROZEN" --peers "$TMP/peers.xml" --layout "$TMP/layout.xml" --quiet
check "a changed layout file re-renders every report" has "$TMP/o8" "$NCITIES cities: $NCITIES rendered"

# ---- progress since the previous cycle ----
PREV=$SRC/tests/data/previous
"$CR" batch "$COHORT" -o "$FROZEN" --peers "$TMP/peers.xml" --quiet >/dev/null 2>&1 # back to the default layout
run "$TMP/v1" "$TMP/ve1" batch "$COHORT" -o "$FROZEN" --peers "$TMP/peers.xml" --previous "$PREV" --quiet
check "--previous: only the city with a previous assessment re-rendered" \
    has "$TMP/v1" "$NCITIES cities: 1 rendered, $((NCITIES - 1)) unchanged"
check "--previous: the report shows the change" bash -c \
    'pdftotext "$1/gold-city.pdf" - | tr -s " \n" " " | grep -q "since the 2022 assessment"' _ "$FROZEN"
check "--previous: the newly met criteria are named" bash -c \
    'pdftotext "$1/gold-city.pdf" - | tr -s " \n" " " | grep -q "Newly met: DM3"' _ "$FROZEN"
check "--previous: a city without one shows no change line" bash -c \
    '! pdftotext "$1/bogota.pdf" - | grep -q "since the 20"' _ "$FROZEN"
run "$TMP/v2" "$TMP/ve2" render "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" \
    --peers "$TMP/peers.xml" --previous "$PREV/gold-city.submission.xml" -o "$TMP/prev.pdf"
check "render --previous: the same report as the batch" cmp "$TMP/prev.pdf" "$FROZEN/gold-city.pdf"
run "$TMP/v3" "$TMP/ve3" render "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" \
    --peers "$TMP/peers.xml" --previous "$COHORT/bogota.submission.xml" -o "$TMP/prev2.pdf"
check "render --previous of another city: exit status 1" status_is 1 $?
check "render --previous of another city: no file" test ! -e "$TMP/prev2.pdf"
run "$TMP/v4" "$TMP/ve4" batch "$COHORT" -o "$FROZEN" --peers "$TMP/peers.xml" --quiet
check "without --previous again: that city re-rendered" has "$TMP/v4" "$NCITIES cities: 1 rendered"

# ---- shards ----
SH=$TMP/shards
for k in 1 2 3; do
    run "$TMP/s$k" "$TMP/se$k" batch "$COHORT" -o "$SH" --peers "$TMP/peers.xml" --shard $k/3 --quiet
    check "shard $k/3: exit status 0" status_is 0 $?
done
check "shards: together exactly the cohort, each city once" python3 - "$SH" "$COHORT" <<'EOF'
import csv, os, sys
out, cohort = sys.argv[1:3]
ids = []
for k in (1, 2, 3):
    with open(os.path.join(out, f"manifest-{k}-of-3.csv"), newline='', encoding='utf-8') as f:
        ids += [r['id'] for r in csv.DictReader(f) if r['status'] == 'rendered']
want = sorted(n[:-len('.submission.xml')] for n in os.listdir(cohort) if n.endswith('.submission.xml'))
assert sorted(ids) == want, (sorted(ids), want)
pdfs = sorted(n[:-4] for n in os.listdir(out) if n.endswith('.pdf'))
assert pdfs == want, pdfs
EOF
check "shards: the same bytes as one run" bash -c 'diff <(cd "$1" && md5sum *.pdf) <(cd "$2" && md5sum *.pdf)' _ "$SH" "$FROZEN"
run "$TMP/s4" "$TMP/se4" batch "$COHORT" -o "$SH" --shard 2/3
check "--shard without --peers: usage error" status_is 2 $?
run "$TMP/s5" "$TMP/se5" batch "$COHORT" -o "$SH" --peers "$TMP/peers.xml" --shard 4/3
check "--shard 4/3: usage error" status_is 2 $?
run "$TMP/s6" "$TMP/se6" batch "$COHORT" -o "$SH" -j 0
check "-j 0: usage error" status_is 2 $?
run "$TMP/s7" "$TMP/se7" batch "$COHORT"
check "no -o: usage error" status_is 2 $?

# ---- PNG pages ----
run "$TMP/p1" "$TMP/pe1" batch "$COHORT" -o "$TMP/png" --format png --quiet
check "png: exit status 0" status_is 0 $?
check "png: one file per page, in the page set folder" bash -c '[ "$(ls "$1"/gold-city.png.d/*.png | wc -l)" = "$2" ]' _ "$TMP/png" \
    "$(manifest_field "$TMP/png/manifest.csv" gold-city pages)"
check "png: files are PNG images" bash -c 'head -c 8 "$1/gold-city.png.d/1.png" | od -An -tx1 | grep -q "89 50 4e 47"' _ "$TMP/png"

# ---- interrupted: SIGTERM in the middle of a run ----
BIG=$TMP/big
"$GEN" 300 "$BIG" --seed 7 >/dev/null
BOUT=$TMP/bigout
run "$TMP/b1" "$TMP/be1" batch "$BIG" -o "$BOUT" --quiet -j 2
check "300 cities: first run renders all" has "$TMP/b1" "300 cities: 300 rendered"
sums "$BOUT" >"$TMP/bsums"
# Re-render everything (same inputs, so the same bytes) and stop it part way.
touch "$TMP/mark"
"$CR" batch "$BIG" -o "$BOUT" --force --quiet -j 2 >"$TMP/b2" 2>"$TMP/be2" &
pid=$!
for _ in $(seq 1 400); do
    [ -n "$(find "$BOUT" -name '*.pdf' -newer "$TMP/mark" -print -quit)" ] && break
    sleep 0.01
done
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM: exit status 143" status_is 143 $rc
check "SIGTERM: says it stopped" has "$TMP/be2" "stopped by signal 15"
check "SIGTERM: no temporary file left" no_temporaries "$BOUT"
check "SIGTERM: every report intact" bash -c 'sums "$1" | cmp - "$2"' _ "$BOUT" "$TMP/bsums"
check "SIGTERM: it was mid-run (some rendered, some not)" python3 - "$BOUT/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
st = [c["status"] for c in m["cities"]]
assert "rendered" in st and "not rendered" in st, set(st)
EOF
run "$TMP/b3" "$TMP/be3" batch "$BIG" -o "$BOUT" --quiet -j 2
check "after SIGTERM: the next run finishes the rest" bash -c 'grep -qE "^300 cities: [0-9]+ rendered, [0-9]+ unchanged, 0 failed$" "$1" && ! grep -q "^300 cities: 0 rendered" "$1"' _ "$TMP/b3"

# ---- interrupted while parsing big files (pass 1), for batch, stats and cohort ----
# 40 cities whose submissions are one file of ~3.9 MB (hard links: one copy on disk) made of the
# slowest shape the input stage lets through (elements of 64 attributes each): each is read,
# scanned and parsed in full before the schema refuses it. SIGTERM arrives while that goes on; the run must end, with
# 128 + 15 and nothing written. (How fast is measured in bench/, never here: timeout only guards
# against a hang.)
HEAVY=$TMP/heavy
mkdir "$HEAVY"
python3 - "$COHORT/gold-city.submission.xml" "$HEAVY/c00.submission.xml" <<'EOF2'
import sys
src, dst = sys.argv[1:3]
s = open(src, encoding='utf-8').read()
at = s.index('<response criterion="DM3" answer="yes"/>')
unit = '<x' + ''.join(' a%d="1"' % k for k in range(64)) + '/>'  # 64 attributes: the most allowed
body = []
size = len(s)
while size < 3_900_000:
    body.append(unit)
    size += len(unit)
heavy = s[:at] + '<response criterion="DM3" answer="yes"><evidence>' + ''.join(body) + '</evidence></response>' + s[at + 40:]
open(dst, 'w', encoding='utf-8').write(heavy)
EOF2
for i in $(seq -w 1 39); do ln "$HEAVY/c00.submission.xml" "$HEAVY/c$i.submission.xml"; done
stop_mid_run() { # stop_mid_run NAME OUTPUT ARGS...: SIGTERM one second in; exit 143, no output
    local name=$1 out=$2
    shift 2
    timeout 60 "$CR" "$@" >"$TMP/h.out" 2>"$TMP/h.err" &
    local pid=$!
    sleep 1
    kill -TERM $pid 2>/dev/null
    # timeout passes the signal on to certreport and exits with its status.
    wait $pid
    local rc=$?
    check "$name: SIGTERM while parsing big files: exit status 143" status_is 143 $rc
    check "$name: SIGTERM while parsing big files: no output, nothing half-written" \
        bash -c '[ -z "$(find "$1" -maxdepth 1 -newer "$2" \( -name "*.pdf" -o -name "*.xml" -o -name ".certreport-tmp-*" -o -name "manifest*" \) 2>/dev/null)" ]' _ "$(dirname "$out")" "$TMP/hmark"
    check "$name: SIGTERM while parsing big files: no output file" test ! -e "$out"
}
mkdir -p "$TMP/hout"
touch "$TMP/hmark"
stop_mid_run batch "$TMP/hout/manifest.csv" batch "$HEAVY" -o "$TMP/hout" --quiet -j 2
stop_mid_run stats "$TMP/hout/heavy-peers.xml" stats "$HEAVY" -o "$TMP/hout/heavy-peers.xml"
stop_mid_run cohort "$TMP/hout/heavy.pdf" cohort "$HEAVY" -o "$TMP/hout/heavy.pdf"

# ---- a worker crashes in the middle of a city ----
touch "$TMP/mark"
"$CR" batch "$BIG" -o "$BOUT" --force --quiet -j 2 >"$TMP/c1" 2>"$TMP/ce1" &
pid=$!
child=""
for _ in $(seq 1 400); do
    child=$(cat /proc/$pid/task/$pid/children 2>/dev/null | awk '{print $1}')
    [ -n "$child" ] && [ -n "$(find "$BOUT" -name '*.pdf' -newer "$TMP/mark" -print -quit)" ] && break
    sleep 0.01
done
[ -n "$child" ] && kill -KILL "$child"
wait $pid
rc=$?
check "crash: exit status 1" status_is 1 $rc
check "crash: the city is named" grep -qE "submission\.xml: rendering crashed \(signal 9\)" "$TMP/ce1"
check "crash: the others rendered" grep -qE "^300 cities: 29[0-9] rendered, 0 unchanged, [1-9] failed$" "$TMP/c1"
check "crash: no temporary file left" no_temporaries "$BOUT"
check "crash: every report intact" bash -c 'sums "$1" | cmp - "$2"' _ "$BOUT" "$TMP/bsums"

# ---- an output folder that is read-only, or full (tmpfs in a private namespace) ----
ns() { # ns SCRIPT: runs SCRIPT in a private user+mount namespace (root inside it)
    unshare -rm bash -c "$1"
}
MNT=$TMP/mnt
mkdir -p "$MNT"
export CR COHORT MNT TMP
ns 'set -e
    mount -t tmpfs -o size=8m tmpfs "$MNT"
    "$CR" batch "$COHORT" -o "$MNT/out" --quiet >/dev/null 2>&1
    (cd "$MNT/out" && md5sum *.pdf manifest.csv) >"$TMP/ro-before"
    mount -o remount,ro "$MNT"
    set +e
    "$CR" batch "$COHORT" -o "$MNT/out" --force --quiet >"$TMP/ro-out" 2>"$TMP/ro-err"
    echo $? >"$TMP/ro-rc"
    (cd "$MNT/out" && md5sum *.pdf manifest.csv) >"$TMP/ro-after"
    find "$MNT/out" -name ".certreport-tmp-*" >"$TMP/ro-left"'
check "read-only folder: exit status 1" status_is 1 "$(cat "$TMP/ro-rc" 2>/dev/null)"
check "read-only folder: one clear message" grep -qx ".*/out: cannot write in the output folder: Read-only file system" "$TMP/ro-err"
check "read-only folder: reports intact" cmp "$TMP/ro-before" "$TMP/ro-after"
check "read-only folder: nothing left behind" test ! -s "$TMP/ro-left"

ns 'set -e
    mount -t tmpfs -o size=8m tmpfs "$MNT"
    "$CR" batch "$COHORT" -o "$MNT/out" --quiet >/dev/null 2>&1
    (cd "$MNT/out" && md5sum *.pdf manifest.csv) >"$TMP/full-before"
    dd if=/dev/zero of="$MNT/filler" bs=64k 2>/dev/null || true
    set +e
    "$CR" batch "$COHORT" -o "$MNT/out" --force --quiet >"$TMP/full-out" 2>"$TMP/full-err"
    echo $? >"$TMP/full-rc"
    (cd "$MNT/out" && md5sum *.pdf manifest.csv) >"$TMP/full-after"
    find "$MNT/out" -name ".certreport-tmp-*" >"$TMP/full-left"'
check "full disk: exit status 1" status_is 1 "$(cat "$TMP/full-rc" 2>/dev/null)"
check "full disk: says so" grep -q "No space left on device" "$TMP/full-err"
check "full disk: reports and manifest intact" cmp "$TMP/full-before" "$TMP/full-after"
check "full disk: nothing left behind" test ! -s "$TMP/full-left"

# Half full: the run stops when the disk fills; what was written is whole, nothing is partial.
ns 'set -e
    mount -t tmpfs -o size=300k tmpfs "$MNT"
    set +e
    "$CR" batch "$COHORT" -o "$MNT/out" --quiet -j 1 >"$TMP/half-out" 2>"$TMP/half-err"
    echo $? >"$TMP/half-rc"
    for f in "$MNT"/out/*.pdf; do [ -e "$f" ] || continue; qpdf --check "$f" >/dev/null 2>&1 || echo "damaged $f"; done >"$TMP/half-bad"
    find "$MNT/out" -name ".certreport-tmp-*" >"$TMP/half-left"'
check "disk fills mid-run: exit status 1" status_is 1 "$(cat "$TMP/half-rc" 2>/dev/null)"
check "disk fills mid-run: says so" grep -q "No space left on device" "$TMP/half-err"
check "disk fills mid-run: every written report whole" test ! -s "$TMP/half-bad"
check "disk fills mid-run: nothing left behind" test ! -s "$TMP/half-left"

# An output path that is a file.
touch "$TMP/afile"
run "$TMP/f1" "$TMP/fe1" batch "$COHORT" -o "$TMP/afile" --quiet
check "output path is a file: exit status 1" status_is 1 $?
check "output path is a file: clear message" has "$TMP/fe1" "afile: is not a folder"

# The progress bar on a terminal: one line redrawn in place.
script -qec "$CR batch $COHORT -o $TMP/tty --force -j 2" /dev/null >"$TMP/tty.txt" 2>&1
check "progress bar on a terminal" bash -c 'grep -q $'"'"'\r\e\[K\['"'"' "$1" && grep -q "reports" "$1"' _ "$TMP/tty.txt"

# ---- issue #12: a report on disk is always whole, current and the one its manifest names ----
I=$TMP/integrity
mkdir -p "$I"
"$CR" batch "$COHORT" -o "$I/clean" --peers "$TMP/peers.xml" --quiet -j 2 >/dev/null 2>&1
sums "$I/clean" >"$I/clean.sums"
manifest_true() { # manifest_true DIR: every line's file, bytes and page count are what is on disk
    python3 - "$1" <<'EOF2'
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
assert m["format"] == 2, m["format"]
for c in m["cities"]:
    if c["status"] not in ("rendered", "unchanged"):
        continue
    p = os.path.join(d, c["file"])
    if os.path.isdir(p):
        pages = sorted(os.listdir(p))
        assert len(pages) == c["pages"], (c["id"], pages, c["pages"])
        size = sum(os.path.getsize(os.path.join(p, f)) for f in pages)
    else:
        size = os.path.getsize(p)
    assert size == c["bytes"], (c["id"], size, c["bytes"])
    assert len(c["content_hash"]) == 32
EOF2
}
no_tmp() { # no_tmp DIR: no temporary of any run left
    local left
    left=$(find "$1" -name '.certreport-tmp-*')
    [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# Killed at random points, by SIGTERM or SIGKILL, while it writes the Spanish reports over the
# English ones (two runs of other options into one folder); then a clean English run. Every
# report must be the clean run's, byte for byte, and no temporary file left. The kill comes after
# a random number of reports written (polled); `timeout` only guards against a hang.
K=$I/killed
cp -r "$I/clean" "$K"
RANDOM=12
bad_trials=""
for trial in $(seq 1 20); do
    sig=TERM
    [ $((trial % 2)) -eq 0 ] && sig=KILL
    want=$((RANDOM % NCITIES))
    touch "$I/mark"
    "$CR" batch "$COHORT" -o "$K" --peers "$TMP/peers.xml" --lang es --quiet -j 2 >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 3000); do
        [ "$(find "$K" -maxdepth 1 -name '*.pdf' -newer "$I/mark" | wc -l)" -ge "$want" ] && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.005
    done
    kill -$sig $pid 2>/dev/null
    wait $pid 2>/dev/null
    timeout 300 "$CR" batch "$COHORT" -o "$K" --peers "$TMP/peers.xml" --quiet -j 2 --wait >"$I/rerun" 2>&1 ||
        bad_trials+=" $trial($sig,$want): re-run failed: $(head -c 300 "$I/rerun");"
    sums "$K" | cmp -s - "$I/clean.sums" || bad_trials+=" $trial($sig,$want): reports differ;"
    [ -z "$(find "$K" -name '.certreport-tmp-*')" ] || bad_trials+=" $trial($sig,$want): temporaries left;"
    manifest_true "$K" >/dev/null 2>&1 || bad_trials+=" $trial($sig,$want): manifest untrue;"
done
check "killed at 20 random points (SIGTERM, SIGKILL), then a clean run: every report the clean run's, no temporary" \
    bash -c '[ -z "$1" ] || { echo "$1"; exit 1; }' _ "$bad_trials"

# A dead run's temporaries (as SIGKILL leaves them) are removed by the next run, holding the lock.
touch "$K/.certreport-tmp-bogota.pdf.AbC123" && mkdir "$K/.certreport-tmp-x.png.d.XyZ789" && touch "$K/.certreport-tmp-x.png.d.XyZ789/1.png"
"$CR" batch "$COHORT" -o "$K" --peers "$TMP/peers.xml" --quiet >/dev/null 2>&1
check "a dead run's temporaries are removed by the next run" no_tmp "$K"

# Truncated, emptied or replaced (same size, other bytes) reports are rendered again, not kept
# as "unchanged" on the strength of their inputs' hash.
truncate -s 1000 "$K/bogota.pdf"
: >"$K/hamilton.pdf"
printf 'XXXX' | dd of="$K/medellin.pdf" bs=1 seek=2000 conv=notrunc 2>/dev/null
run "$I/t1" "$I/te1" batch "$COHORT" -o "$K" --peers "$TMP/peers.xml" --quiet
check "truncated, empty and altered reports: rendered again" has "$I/t1" "$NCITIES cities: 3 rendered, $((NCITIES - 3)) unchanged, 0 failed"
check "truncated, empty and altered reports: now the clean run's" bash -c 'sums "$1" | cmp - "$2"' _ "$K" "$I/clean.sums"
check "manifest: each line's bytes and pages are the file's" manifest_true "$K"

# Every option that changes a report is in its hash.
run "$I/o1" "$I/oe1" batch "$COHORT" -o "$K" --peers "$TMP/peers.xml" --quiet --no-accessible
check "--no-accessible re-renders every report" has "$I/o1" "$NCITIES cities: $NCITIES rendered"
run "$I/o2" "$I/oe2" batch "$COHORT" -o "$K" --peers "$TMP/peers.xml" --quiet --lang fr
check "--lang re-renders every report" has "$I/o2" "$NCITIES cities: $NCITIES rendered"
run "$I/o3" "$I/oe3" batch "$COHORT" -o "$K" --peers "$TMP/peers.xml" --quiet --backend cairo
check "--backend re-renders every report" has "$I/o3" "$NCITIES cities: $NCITIES rendered"
run "$I/o4" "$I/oe4" batch "$COHORT" -o "$K" --peers "$TMP/peers.xml" --quiet
check "back to the defaults: the clean run's reports" bash -c 'grep -q "$3 rendered" "$1" && sums "$2" | cmp - "$4"' _ "$I/o4" "$K" "$NCITIES" "$I/clean.sums"

# One writer per output folder: a run is refused while another holds the lock, or waits (--wait).
L=$I/locked
mkdir -p "$L"
mkfifo "$I/release"
flock -x "$L/.certreport.lock" -c "read _ <'$I/release'" &
holder=$!
for _ in $(seq 1 1000); do flock -n "$L/.certreport.lock" true 2>/dev/null || break; sleep 0.01; done
run "$I/l1" "$I/le1" batch "$COHORT" -o "$L" --peers "$TMP/peers.xml" --quiet
check "locked folder: exit status 1" status_is 1 $?
check "locked folder: says another run writes there" has "$I/le1" "another certreport run is writing to this folder"
check "locked folder: nothing written" bash -c '[ -z "$(ls "$1")" ]' _ "$L"
timeout 300 "$CR" batch "$COHORT" -o "$L" --peers "$TMP/peers.xml" --wait >"$I/l2" 2>"$I/le2" &
waiter=$!
for _ in $(seq 1 3000); do grep -q "waiting for another run" "$I/le2" && break; sleep 0.01; done
check "--wait: waits while the lock is held" bash -c 'grep -q "waiting for another run" "$1" && kill -0 "$2" && [ -z "$(ls "$3")" ]' _ "$I/le2" "$waiter" "$L"
echo >"$I/release"
wait $holder
wait $waiter
check "--wait: runs once the lock is free" bash -c '[ "$1" = 0 ] && grep -q "$2 rendered" "$3"' _ $? "$NCITIES" "$I/l2"
# Two real runs: the second is refused while the first renders the 300 cities.
touch "$I/mark"
"$CR" batch "$BIG" -o "$BOUT" --force --quiet -j 2 >"$I/r1" 2>"$I/re1" &
first=$!
for _ in $(seq 1 3000); do
    [ -n "$(find "$BOUT" -name '*.pdf' -newer "$I/mark" -print -quit)" ] && break
    sleep 0.01
done
run "$I/r2" "$I/re2" batch "$BIG" -o "$BOUT" --quiet --lang es
rc=$?
wait $first
check "overlapping batches: the second refused (exit 1), the first finishes (exit 0)" \
    bash -c '[ "$1" = 1 ] && [ "$2" = 0 ] && grep -q "another certreport run" "$3"' _ $rc $? "$I/re2"
check "overlapping batches: the first's reports, all current" bash -c 'sums "$1" | cmp - "$2"' _ "$BOUT" "$TMP/bsums"

# A symbolic link (or a folder) at one city's output path fails that city only; its target is
# left alone and the reason is in the manifest.
S=$I/symlink
mkdir -p "$S"
echo "not a report" >"$I/target.txt"
ln -s "$I/target.txt" "$S/bogota.pdf"
mkdir "$S/hamilton.pdf"
run "$I/s1" "$I/se1" batch "$COHORT" -o "$S" --peers "$TMP/peers.xml" --quiet
check "a link at one city's output: exit 1, the others rendered" \
    bash -c '[ "$1" = 1 ] && grep -q "$2 cities: $(($2 - 2)) rendered, 0 unchanged, 2 failed" "$3"' _ $? "$NCITIES" "$I/s1"
check "a link at one city's output: target untouched, the reason in the manifest" \
    bash -c '[ "$(cat "$1")" = "not a report" ] && [ -L "$2/bogota.pdf" ] &&
             python3 - "$2/manifest.json" <<EOF3
import json, sys
m = {c["id"]: c for c in json.load(open(sys.argv[1]))["cities"]}
assert m["bogota"]["status"] == "failed" and "is a symbolic link" in m["bogota"]["message"], m["bogota"]
assert m["hamilton"]["status"] == "failed" and "is a folder" in m["hamilton"]["message"], m["hamilton"]
EOF3' _ "$I/target.txt" "$S"

# PNG: a report is one folder of pages; a set that shrinks leaves no stale page.
P=$I/png
"$CR" batch "$COHORT" -o "$P" --peers "$TMP/peers.xml" --format png --quiet >/dev/null 2>&1
pages_before=$(ls "$P/gold-city.png.d" | wc -l)
sed 's|<section name="areas"[^/]*/>||' "$SRC/layouts/default.xml" >"$I/short.xml"
run "$I/p1" "$I/pe1" batch "$COHORT" -o "$P" --peers "$TMP/peers.xml" --format png --quiet --layout "$I/short.xml"
check "png set that shrinks: no stale pages" bash -c \
    'n=$(ls "$1/gold-city.png.d" | wc -l); [ "$n" -lt "$2" ] && [ "$(ls "$1/gold-city.png.d" | sort -n | tail -1)" = "$n.png" ]' _ "$P" "$pages_before"
check "png set: the manifest names exactly the pages on disk" manifest_true "$P"
check "png set: nothing else in the output folder" bash -c \
    '[ -z "$(ls -A "$1" | grep -v -e "\.png\.d$" -e "^manifest\." -e "^\.certreport\.lock$")" ]' _ "$P"
rm "$P/bogota.png.d/3.png"
run "$I/p2" "$I/pe2" batch "$COHORT" -o "$P" --peers "$TMP/peers.xml" --format png --quiet --layout "$I/short.xml"
check "png set with a page missing: rendered again" has "$I/p2" "$NCITIES cities: 1 rendered"

# A newline and control characters in a file name: escaped, one line per message, and in the
# manifest; a message cut on a UTF-8 character boundary still reaches the manifest.
NL="$I/co"$'\n'"hort"
mkdir "$NL"
cp "$COHORT"/*.xml "$NL/"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<submission id="broken" cycle="2023">\n  <city name="Broken"\n</submission>\n' \
    >"$NL/broken.submission.xml"
touch "$NL/ev"$'\n'"il"$'\001'".xml"
run "$I/n1" "$I/ne1" batch "$NL" -o "$I/nlout" --quiet
check "newline in a file name: every message one line, escaped" bash -c \
    '[ "$(wc -l <"$1")" = 3 ] && grep -qF "co\\nhort/ev\\nil\\x01.xml: warning:" "$1" && grep -qF "co\\nhort/broken.submission.xml:4: " "$1"' _ "$I/ne1"
check "newline in a file name: escaped in the manifest (CSV and JSON)" python3 - "$I/nlout" <<'EOF2'
import csv, json, os, sys
d = sys.argv[1]
m = {c["id"]: c for c in json.load(open(os.path.join(d, "manifest.json")))["cities"]}
assert "co\\nhort/broken.submission.xml:4: " in m["broken"]["message"], m["broken"]["message"]
rows = list(csv.DictReader(open(os.path.join(d, "manifest.csv"), newline="", encoding="utf-8")))
assert len(rows) == len(m), (len(rows), len(m))
assert "\n" not in "".join(r["message"] for r in rows)
EOF2
LONG=$I/$(printf 'é%.0s' $(seq 1 120))/$(printf 'ü%.0s' $(seq 1 120))/$(printf 'ñ%.0s' $(seq 1 120))x
mkdir -p "$LONG"
cp "$NL/broken.submission.xml" "$COHORT/gold-city.submission.xml" "$LONG/"
run "$I/u1" "$I/ue1" batch "$LONG" -o "$I/uout" --quiet
check "a message cut short: on a character boundary, kept in the manifest" python3 - "$I/uout/manifest.json" "$I/ue1" <<'EOF2'
import json, sys
m = {c["id"]: c for c in json.load(open(sys.argv[1], encoding="utf-8"))["cities"]}
msg = m["broken"]["message"]
assert msg and msg.startswith(sys.argv[1].split("/integrity/")[0]), msg
open(sys.argv[2], encoding="utf-8").read()  # stderr is valid UTF-8 too
EOF2

# Inputs are never outputs.
run "$I/i1" "$I/ie1" batch "$COHORT" -o "$COHORT" --quiet
check "batch -o the cohort folder: usage error, nothing written" \
    bash -c '[ "$1" = 2 ] && [ -z "$(find "$2" -newer "$3" \( -name "*.pdf" -o -name "manifest*" -o -name ".certreport*" \))" ]' _ $? "$COHORT" "$I/mark"
ln -s "$COHORT" "$I/cohort-link"
run "$I/i2" "$I/ie2" batch "$COHORT" -o "$I/cohort-link/" --quiet
check "batch -o a link to the cohort folder: usage error" status_is 2 $?

# The manifest's vocabulary (score --json's ids), format 2.
check "manifest: format 2, tier and band ids, core_missing an array, areas, null for absent" python3 - "$OUT/manifest.json" "$OUT/manifest.csv" <<'EOF2'
import csv, json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
assert m["format"] == 2 and m["output"] == "pdf" and m["areas"][0] == "DM", m
c = {x["id"]: x for x in m["cities"]}
assert c["gold-city"]["eligible_tier"] == "gold" and c["gold-city"]["awarded_tier"] == "gold"
assert c["gold-city"]["population_band"] == "100k-250k" and c["gold-city"]["region"] == "us"
assert c["gold-city"]["areas"]["DM"] == 89 and c["gold-city"]["core_missing"] == []
assert c["montreal"]["core_missing"] == ["LC1"] and c["montreal"]["awarded_tier"] is None
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8"))}
assert rows["gold-city"]["percent_DM"] == "89" and rows["montreal"]["core_missing"] == "LC1"
EOF2

# Shards with GNU parallel, merged: byte-identical reports and the manifest of one run.
PAR=$I/parallel
timeout 600 parallel -j 2 "$CR" batch "$COHORT" -o "$PAR" --peers "$TMP/peers.xml" --shard {}/4 -j 1 --quiet ::: 1 2 3 4 >/dev/null 2>&1
check "GNU parallel, 4 shards: every shard ran" bash -c 'ls "$1"/manifest-[1-4]-of-4.json | wc -l | grep -qx 4' _ "$PAR"
run "$I/m1" "$I/me1" merge "$PAR"
check "merge: exit status 0" status_is 0 $?
check "GNU parallel, 4 shards: the reports of one run, byte for byte" bash -c 'sums "$1" | cmp - "$2"' _ "$PAR" "$I/clean.sums"
check "merge: manifest.json and manifest.csv equal one run's" \
    bash -c 'cmp "$1/manifest.json" "$2/manifest.json" && cmp "$1/manifest.csv" "$2/manifest.csv"' _ "$PAR" "$I/clean"
rm "$PAR/manifest-3-of-4.json"
run "$I/m2" "$I/me2" merge "$PAR"
check "merge with a shard missing: exit 1, names it" bash -c '[ "$1" = 1 ] && grep -q "manifest-3-of-4.json is missing" "$2"' _ $? "$I/me2"

echo "batch: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
