#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: allocation failure. With the CERTREPORT_FAILALLOC build, each allocation of
# certreport's own code is made to fail in turn (CR_FAILALLOC_NTH=1, 2, ... up to the number a
# run makes), for validate, score, stats, render (both backends) and batch. Every run must either
# succeed with a correct output, or exit 1 with exactly one line on stderr and write no file.
# stats runs with -j 1: the counter is one per process, so a single thread numbers the
# allocations the same way in every run.
# usage: bash failalloc_test.sh CERTREPORT_FAILALLOC_BINARY SOURCE_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: bash failalloc_test.sh CERTREPORT_FAILALLOC_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$(realpath "$1")
SRC=$(realpath "$2")
C=$SRC/samples/cohort
export CERTREPORT_ASSETS=$SRC/assets
export SOURCE_DATE_EPOCH=1689336000
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-failalloc.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
"$CR" stats "$C" -j 1 -o "$TMP/peers.xml" 2>/dev/null || { echo "stats failed without injection"; exit 1; }

# sweep NAME OUTPUT CMD...: OUTPUT is the file the command writes ("" for stdout only).
sweep() {
    local name=$1 out=$2
    shift 2
    local total
    total=$(CR_FAILALLOC_COUNT=1 "$@" 2>&1 >/dev/null | sed -n 's/^failalloc: \([0-9]*\) allocations$/\1/p' | tail -1)
    if [ -n "$out" ]; then
        cp "$out" "$TMP/reference" 2>/dev/null || true
        rm -rf "$out"
    else
        "$@" >"$TMP/reference" 2>/dev/null
    fi
    local bad=0 n
    for n in $(seq 1 "${total:-0}"); do
        CR_FAILALLOC_NTH=$n "$@" >"$TMP/stdout" 2>"$TMP/stderr"
        local rc=$?
        if [ $rc -eq 1 ]; then
            if [ "$(wc -l <"$TMP/stderr")" -ne 1 ]; then
                echo "     allocation $n: exit 1 but stderr is not one line:"; head -n 5 "$TMP/stderr" | sed 's/^/       /'; bad=1
            fi
            if [ -n "$out" ] && [ -e "$out" ]; then
                echo "     allocation $n: exit 1 but $out was written"; bad=1
            fi
        elif [ $rc -eq 0 ]; then
            if ! cmp -s "${out:-$TMP/stdout}" "$TMP/reference"; then
                echo "     allocation $n: exit 0 but the output differs from the run without a failure"; bad=1
            fi
        else
            echo "     allocation $n: exit status $rc: $(head -c 300 "$TMP/stderr")"; bad=1
        fi
        [ -n "$out" ] && rm -rf "$out"
    done
    if [ "${total:-0}" -gt 0 ] && [ $bad -eq 0 ]; then
        echo "ok   $name: each of $total allocations failed in turn"
        passed=$((passed + 1))
    else
        echo "FAIL $name (${total:-no} allocations counted)"
        failed=$((failed + 1))
    fi
}

sweep "validate" "" "$CR" validate "$C/gold-city.submission.xml" "$C/gold-city.audit.xml" "$TMP/peers.xml"
sweep "score --json" "" "$CR" score "$C/gold-city.submission.xml" --audit "$C/gold-city.audit.xml" --json
sweep "stats -o" "$TMP/p2.xml" "$CR" stats "$C" -j 1 -o "$TMP/p2.xml"
sweep "render (haru)" "$TMP/r.pdf" "$CR" render "$C/gold-city.submission.xml" --audit "$C/gold-city.audit.xml" --peers "$TMP/peers.xml" -o "$TMP/r.pdf"
sweep "render (cairo)" "$TMP/r.pdf" "$CR" render "$C/gold-city.submission.xml" --audit "$C/gold-city.audit.xml" --peers "$TMP/peers.xml" --backend cairo -o "$TMP/r.pdf"
# A batch reports per city and sums up, so more than one line is right; it must still never
# crash, leave a temporary file, or write a report different from a run without a failure.
"$CR" batch "$C" -o "$TMP/ref" -j 1 --quiet >/dev/null 2>&1
total=$(CR_FAILALLOC_COUNT=1 "$CR" batch "$C" -o "$TMP/count" -j 1 --quiet 2>&1 >/dev/null | sed -n 's/^failalloc: \([0-9]*\) allocations$/\1/p' | tail -1)
bad=0
for n in $(seq 1 "${total:-0}"); do
    rm -rf "$TMP/b"
    CR_FAILALLOC_NTH=$n "$CR" batch "$C" -o "$TMP/b" -j 1 --quiet >"$TMP/stdout" 2>"$TMP/stderr"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        echo "     batch, allocation $n: exit status $rc: $(head -c 300 "$TMP/stderr")"; bad=1
    fi
    if [ -d "$TMP/b" ]; then
        left=$(find "$TMP/b" -name '.certreport-tmp-*')
        [ -z "$left" ] || { echo "     batch, allocation $n: left $left"; bad=1; }
        for f in "$TMP"/b/*.pdf; do
            [ -e "$f" ] || continue
            cmp -s "$f" "$TMP/ref/$(basename "$f")" || { echo "     batch, allocation $n: $(basename "$f") differs"; bad=1; }
        done
    fi
done
if [ "${total:-0}" -gt 0 ] && [ $bad -eq 0 ]; then
    echo "ok   batch: each of the parent's $total allocations failed in turn"
    passed=$((passed + 1))
else
    echo "FAIL batch (${total:-no} allocations counted)"
    failed=$((failed + 1))
fi
echo "failalloc: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
