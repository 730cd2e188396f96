#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the command-line program under valgrind (memcheck), every sample city, both
# PDF backends, the PNG path, and a small batch (its forked workers are checked too).
# usage: bash valgrind_test.sh CERTREPORT_BINARY SOURCE_DIR
# Any memory error or definite leak fails the check (--error-exitcode).
set -u
if [ $# -ne 2 ]; then
    echo "usage: bash valgrind_test.sh CERTREPORT_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$1
SRC=$2
COHORT=$SRC/samples/cohort
export CERTREPORT_ASSETS=$SRC/assets
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
VG=(valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --track-fds=no)
passed=0
failed=0
check() {
    local name=$1
    shift
    if "$@" >"$TMP/out" 2>"$TMP/err"; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name (exit $?)"
        head -n 40 "$TMP/err" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
}
"$CR" stats "$COHORT" -o "$TMP/peers.xml" >/dev/null 2>&1
for sub in "$COHORT"/*.submission.xml; do
    id=$(basename "$sub" .submission.xml)
    audit=()
    [ -f "$COHORT/$id.audit.xml" ] && audit=(--audit "$COHORT/$id.audit.xml")
    for backend in haru cairo; do
        check "valgrind render $id ($backend)" "${VG[@]}" "$CR" render "$sub" "${audit[@]}" \
            --peers "$TMP/peers.xml" --backend "$backend" -o "$TMP/$id-$backend.pdf"
    done
done
check "valgrind render gold-city (png)" "${VG[@]}" "$CR" render "$COHORT/gold-city.submission.xml" \
    --audit "$COHORT/gold-city.audit.xml" --peers "$TMP/peers.xml" --format png -o "$TMP/g-pages"
check "valgrind score --json" "${VG[@]}" "$CR" score "$COHORT/gold-city.submission.xml" \
    --audit "$COHORT/gold-city.audit.xml" --json
check "valgrind stats" "${VG[@]}" "$CR" stats "$COHORT" --json
# One thread, and a first city without an audit log (the only one here): its assessment is read
# into memory nothing was written to before.
mkdir "$TMP/no-audit"
cp "$COHORT/no-audit.submission.xml" "$TMP/no-audit/"
check "valgrind stats -j1 (a city without audit log first)" "${VG[@]}" "$CR" stats "$TMP/no-audit" -j 1 --json
check "valgrind validate (bad inputs)" bash -c '"$@"; [ $? -eq 1 ]' _ "${VG[@]}" "$CR" validate "$SRC"/tests/data/bad/*
check "valgrind batch -j2 (workers too)" "${VG[@]}" --trace-children=yes "$CR" batch "$COHORT" -o "$TMP/batch" -j 2 --quiet
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
