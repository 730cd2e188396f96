#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the output does not follow the process's locale. Every sample's display-list
# dump (render --dump) and scorecard (score --json), and the cohort's statistics (stats --json),
# under LC_ALL=fr_CA.UTF-8 (a decimal comma, other date and digit grouping conventions) are
# byte-identical to the same under LC_ALL=C. scripts/build.sh generates the locale (localedef);
# without it the test is skipped (exit 77).
# usage: bash locale_test.sh CERTREPORT_BINARY SOURCE_DIR
set -u

if [ $# -ne 2 ]; then
    echo "usage: bash locale_test.sh CERTREPORT_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$1
SRC=$2
COHORT=$SRC/samples/cohort
export CERTREPORT_ASSETS=$SRC/assets
export SOURCE_DATE_EPOCH=1689336000
OTHER=fr_CA.UTF-8

if ! locale -a 2>/dev/null | grep -qix 'fr_CA\.utf-\?8'; then
    echo "skip $OTHER is not installed (scripts/build.sh: localedef -i fr_CA -f UTF-8 $OTHER)"
    exit 77
fi
# The locale must really be usable (and differ from C): printf(1) follows LC_NUMERIC.
if [ "$(LC_ALL=$OTHER /usr/bin/printf '%.1f' 0.5 2>/dev/null)" != "0,5" ]; then
    echo "FAIL $OTHER does not give a decimal comma: the test would prove nothing"
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-locale.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
check() { # NAME COMMAND...: runs it under C and under $OTHER, compares stdout and exit status
    local name=$1
    shift
    LC_ALL=C "$@" >"$TMP/c.out" 2>"$TMP/c.err"
    local c=$?
    LC_ALL=$OTHER "$@" >"$TMP/o.out" 2>"$TMP/o.err"
    local o=$?
    if [ $c -ne 0 ]; then
        echo "FAIL $name: exit $c under C: $(head -c 300 "$TMP/c.err")"
        fail=$((fail + 1))
    elif [ $o -ne $c ] || ! cmp -s "$TMP/c.out" "$TMP/o.out" || ! cmp -s "$TMP/c.err" "$TMP/o.err"; then
        echo "FAIL $name: differs under $OTHER (exit $o):"
        diff "$TMP/c.out" "$TMP/o.out" | head -10
        diff "$TMP/c.err" "$TMP/o.err" | head -4
        fail=$((fail + 1))
    else
        echo "ok   $name"
        pass=$((pass + 1))
    fi
}

LC_ALL=C "$CR" stats "$COHORT" -o "$TMP/peers.xml" >/dev/null 2>&1 || {
    echo "FAIL stats -o under C"
    exit 1
}
check "stats --json" "$CR" stats "$COHORT" --json
for sub in "$COHORT"/*.submission.xml; do
    city=$(basename "$sub" .submission.xml)
    audit=()
    [ -f "$COHORT/$city.audit.xml" ] && audit=(--audit "$COHORT/$city.audit.xml")
    check "$city score --json" "$CR" score "$sub" "${audit[@]}" --json
    check "$city render --dump" "$CR" render "$sub" "${audit[@]}" --peers "$TMP/peers.xml" --dump
done
# Another language's conventions come from its string table, not from the process.
check "gold-city render --dump --lang fr" "$CR" render "$COHORT/gold-city.submission.xml" \
    --audit "$COHORT/gold-city.audit.xml" --peers "$TMP/peers.xml" --lang fr --dump

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
