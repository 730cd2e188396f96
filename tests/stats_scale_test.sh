#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stats at scale (issue #18): `stats -j N` gives the same bytes for any N (peers file, JSON, every
# message, in the same order), and its work grows linearly with the cohort: the instructions
# executed (valgrind's callgrind, a count, not a time) for 30, 60 and 90 copies of one city grow
# by the same amount per 30 cities, at -j1 and -j2.
# usage: stats_scale_test.sh CERTREPORT SOURCE_DIR GENCOHORT
set -u
CR=$1
SRC=$2
GEN=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() {
    echo "FAIL: $1"
    fail=1
}

# ---- the same bytes for any -j ----
# 150 synthetic cities (more than one batch of slots at -j2 and -j3), the samples, a broken
# city, an orphan audit log and a stray NAME.xml: warnings, a city left out, in the cohort's order.
C="$TMP/cohort"
"$GEN" 150 "$C" >/dev/null || {
    echo "gencohort failed"
    exit 1
}
cp "$SRC"/samples/cohort/*.xml "$C"/
sed 's/id="gold-city"/id="zz-broken"/' "$SRC/samples/cohort/gold-city.submission.xml" |
    head -n 6 >"$C/zz-broken.submission.xml" # cut short: malformed
cp "$SRC/samples/cohort/gold-city.audit.xml" "$C/orphan.audit.xml"
echo '<x/>' >"$C/notes.xml"
for j in 1 2 3; do
    "$CR" stats "$C" -j "$j" -o "$TMP/peers-$j.xml" --json >"$TMP/json-$j" 2>"$TMP/err-$j"
    echo $? >"$TMP/rc-$j"
done
grep -q "left out (invalid files): zz-broken" "$TMP/err-1" && grep -q "orphan.audit.xml: warning" "$TMP/err-1" &&
    grep -q "^0$" "$TMP/rc-1" || bad "the -j1 run did not name the broken city and the orphan, exit 0"
same=1
for j in 2 3; do
    for f in peers-@.xml json-@ err-@ rc-@; do
        cmp -s "$TMP/${f/@/1}" "$TMP/${f/@/$j}" || {
            bad "stats -j$j: $f differs from -j1"
            same=0
        }
    done
done
[ "$same" = 1 ] && ok "stats -j1, -j2, -j3: the same peers file, JSON, messages and exit status"

# ---- how stats reads the files ----
# Relative to the cohort folder, into a buffer each thread keeps (64 KB at first), without fstat
# when a file fits it: a file larger than the buffer reads the same, and an audit log that is a
# FIFO or a folder is refused with the messages a read by path gives, the city left out.
R="$TMP/read"
mkdir -p "$R/plain" "$R/big" "$R/odd"
cp "$SRC"/samples/cohort/*.xml "$R/plain/"
cp "$SRC"/samples/cohort/*.xml "$R/big/"
cp "$SRC"/samples/cohort/*.xml "$R/odd/"
{
    sed '$d' "$SRC/samples/cohort/gold-city.submission.xml"
    head -c 200000 /dev/zero | tr '\0' ' '
    echo '</submission>'
} >"$R/big/gold-city.submission.xml" # 200 KB: more than the first buffer
rm "$R/odd/bogota.audit.xml" "$R/odd/hamilton.audit.xml"
mkfifo "$R/odd/bogota.audit.xml"
mkdir "$R/odd/hamilton.audit.xml"
for j in 1 2; do
    for d in plain big odd; do
        timeout 60 "$CR" stats "$R/$d" -j "$j" -o "$TMP/read-$d-$j.xml" 2>"$TMP/read-$d-$j.err"
        echo $? >>"$TMP/read-$d-$j.err"
    done
done
cmp -s "$TMP/read-plain-1.xml" "$TMP/read-big-1.xml" && cmp -s "$TMP/read-plain-1.xml" "$TMP/read-big-2.xml" &&
    ok "stats -j1, -j2: a 200 KB submission reads as its short self" ||
    bad "stats: the 200 KB submission changed the peers file"
grep -q "^$R/odd/bogota.audit.xml: is a FIFO, not a regular file$" "$TMP/read-odd-1.err" &&
    grep -q "^$R/odd/hamilton.audit.xml: is a directory, not a file$" "$TMP/read-odd-1.err" &&
    grep -q "left out (invalid files): bogota, hamilton$" "$TMP/read-odd-1.err" &&
    cmp -s "$TMP/read-odd-1.err" "$TMP/read-odd-2.err" && cmp -s "$TMP/read-odd-1.xml" "$TMP/read-odd-2.xml" &&
    ok "stats -j1, -j2: an audit log that is a FIFO or a folder is refused, its city left out" ||
    bad "stats: a FIFO or folder as an audit log: $(cat "$TMP/read-odd-1.err")"

# ---- usage ----
for arg in 0 257 x -1; do
    "$CR" stats "$C" -j "$arg" --json >/dev/null 2>"$TMP/usage"
    rc=$?
    [ "$rc" = 2 ] && grep -q -- "-j takes a number of threads from 1 to 256" "$TMP/usage" ||
        bad "stats -j $arg: exit $rc, not a usage error"
done
ok "stats -j 0, 257, x, -1: usage errors"

# ---- linear work ----
if ! command -v valgrind >/dev/null; then
    echo "valgrind not found: the work count is skipped"
    exit $fail
fi
if ldd "$CR" 2>/dev/null | grep -q 'libasan\|libtsan'; then
    echo "a sanitizer build (valgrind cannot run it): the work count is skipped"
    exit $fail
fi
copies() { # N DIR: N copies of one city (submission and audit log), ids c001...
    mkdir -p "$2"
    for i in $(seq -f '%03g' 1 "$1"); do
        sed "s/id=\"gold-city\"/id=\"c$i\"/" "$SRC/samples/cohort/gold-city.submission.xml" >"$2/c$i.submission.xml"
        sed "s/submission=\"gold-city\"/submission=\"c$i\"/" "$SRC/samples/cohort/gold-city.audit.xml" >"$2/c$i.audit.xml"
    done
}
instructions() { # DIR J: instructions executed by stats
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$CR" stats "$1" -j "$2" --json 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for n in 30 60 90; do copies "$n" "$TMP/copies-$n"; done
for j in 1 2; do
    i30=$(instructions "$TMP/copies-30" "$j")
    i60=$(instructions "$TMP/copies-60" "$j")
    i90=$(instructions "$TMP/copies-90" "$j")
    if [ -z "$i30" ] || [ -z "$i60" ] || [ -z "$i90" ]; then
        bad "-j$j: no instruction count from callgrind"
        continue
    fi
    d1=$((i60 - i30))
    d2=$((i90 - i60))
    # The second 30 cities cost what the first 30 did, within 3% (the threads' start-up varies a
    # little); work that grew with the cohort (a rescan, a quadratic merge) would show here.
    if [ $((d2 * 100)) -le $((d1 * 103)) ] && [ $((d2 * 100)) -ge $((d1 * 97)) ]; then
        ok "-j$j: 30 -> 60 cities $d1 instructions, 60 -> 90 $d2: linear"
    else
        bad "-j$j: 30 -> 60 cities $d1 instructions, 60 -> 90 $d2: not linear"
    fi
done
exit $fail
