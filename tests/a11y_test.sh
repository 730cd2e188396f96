#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the accessible (tagged) PDF as a reader gets it. Every sample city's report
# in en, es, pt and fr is rendered and read back with pdf.js (tests/a11y/check.mjs: structure on
# every page, /Lang, figure alt texts, table headers, headings against the bookmarks, reading
# order against the visible text, artifacts, title, links; tests/a11y/README.md). Also: qpdf
# --check is clean for each; the checker fails broken PDFs (tests/a11y/selftest.mjs); and
# --no-accessible gives an untagged PDF; the cohort overview passes the same checks.
# Installs pdf.js (npm ci in tests/a11y) when tests/a11y/node_modules is missing.
# usage: bash a11y_test.sh CERTREPORT_BINARY [SOURCE_DIR]
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: bash a11y_test.sh CERTREPORT_BINARY [SOURCE_DIR]" >&2
    exit 2
fi
CR=$(realpath "$1")
SRC=$(realpath "${2:-$(dirname "$0")/..}")
A11Y=$SRC/tests/a11y
C=$SRC/samples/cohort
LANGS="en es pt fr"
export CERTREPORT_ASSETS=$SRC/assets
export SOURCE_DATE_EPOCH=1689336000
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-a11y.XXXXXX") || exit 1
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

for tool in node npm qpdf; do
    if ! command -v "$tool" >/dev/null; then
        echo "FAIL $tool is not installed (scripts/build.sh installs it)"
        echo "a11y: $passed passed, 1 failed"
        exit 1
    fi
done
if [ ! -f "$A11Y/node_modules/pdfjs-dist/package.json" ]; then
    # pdf.js, at the version package-lock.json pins; .npmrc leaves out its optional canvas
    check "npm ci in tests/a11y (pdf.js)" bash -c 'cd "$1" && npm ci --no-audit --no-fund' _ "$A11Y"
    [ "$failed" -eq 0 ] || { echo "a11y: $passed passed, $failed failed"; exit 1; }
fi

# The checker can fail: a hand-made tagged PDF passes, each broken variant fails its check.
check "checker self-test (tests/a11y/selftest.mjs)" node "$A11Y/selftest.mjs"

"$CR" stats "$C" -o "$TMP/peers.xml" 2>/dev/null
for lang in $LANGS; do
    files=()
    for sub in "$C"/*.submission.xml; do
        id=$(basename "$sub" .submission.xml)
        audit=()
        [ -f "$C/$id.audit.xml" ] && audit=(--audit "$C/$id.audit.xml")
        pdf=$TMP/$id-$lang.pdf
        if "$CR" render "$sub" "${audit[@]}" --peers "$TMP/peers.xml" --lang "$lang" -o "$pdf" 2>"$TMP/err" &&
            qpdf --check "$pdf" >"$TMP/qpdf" 2>&1; then
            passed=$((passed + 1))
            files+=("$pdf")
        else
            echo "FAIL $lang $id: render or qpdf --check"
            cat "$TMP/err" "$TMP/qpdf" 2>/dev/null | head -n 10 | sed 's/^/     /'
            failed=$((failed + 1))
        fi
    done
    [ ${#files[@]} -gt 0 ] || continue
    # one line per failed check (FILE: x name: reason), then "N passed, N failed"
    node "$A11Y/check.mjs" --lang "$lang" "${files[@]}" >"$TMP/check-$lang" 2>&1
    rc=$?
    sed '$d' "$TMP/check-$lang" | sed "s|$TMP/||"
    summary=$(tail -n 1 "$TMP/check-$lang")
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
        echo "$lang: ${#files[@]} reports read back with pdf.js: $summary"
        if [ $rc -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
            echo "FAIL $lang: check.mjs exited $rc"
            failed=$((failed + 1))
        fi
    else
        echo "FAIL $lang: check.mjs did not finish (exit $rc): $summary"
        failed=$((failed + 1))
    fi
done

# --no-accessible: a plain PDF, with no structure (and the checker says so)
check "--no-accessible: an untagged PDF (no /StructTreeRoot, no /MarkInfo); check.mjs fails it" bash -c '
    "$1" render "$2/gold-city.submission.xml" --audit "$2/gold-city.audit.xml" --peers "$3" \
        --no-accessible -o "$4/plain.pdf" || exit 1
    qpdf --check "$4/plain.pdf" >/dev/null || { echo "qpdf --check failed"; exit 1; }
    if qpdf --qdf --object-streams=disable "$4/plain.pdf" - | grep -a -E -m 3 "/StructTreeRoot|/Marked true|/StructParents"; then
        exit 1
    fi
    out=$(node "$5/check.mjs" --lang en "$4/plain.pdf")
    [ $? -eq 1 ] || { echo "check.mjs passed it: $out"; exit 1; }
    grep -q ": a tagged: " <<<"$out" || { echo "check.mjs did not fail check a: $out"; exit 1; }' \
    _ "$CR" "$C" "$TMP/peers.xml" "$TMP" "$A11Y"

# The staff's cohort overview, tagged the same way, in English and French.
for lang in en fr; do
    check "cohort overview ($lang): every check passes" bash -c '
        "$1" cohort "$2" --peers "$3" --lang "$5" -o "$4/overview-$5.pdf" || exit 1
        qpdf --check "$4/overview-$5.pdf" >/dev/null || { echo "qpdf --check failed"; exit 1; }
        node "$6/check.mjs" --lang "$5" "$4/overview-$5.pdf"' \
        _ "$CR" "$C" "$TMP/peers.xml" "$TMP" "$lang" "$A11Y"
done

echo "a11y: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
