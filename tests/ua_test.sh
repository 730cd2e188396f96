#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: PDF/UA-1, checked by a checker of our own on the Matterhorn Protocol
# (tests/ua/check.py, pikepdf; tests/ua/README.md). Every sample city's report in en, es, pt and
# fr, the tests/data/unicode report (fallback fonts, CID fonts) and the cohort overview in every
# language must pass every check; first, the checker must fail broken variants of a report
# (tests/ua/selftest.py).
# usage: bash ua_test.sh CERTREPORT_BINARY [SOURCE_DIR]
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: bash ua_test.sh CERTREPORT_BINARY [SOURCE_DIR]" >&2
    exit 2
fi
CR=$(realpath "$1")
SRC=$(realpath "${2:-$(dirname "$0")/..}")
UA=$SRC/tests/ua
C=$SRC/samples/cohort
UNI=$SRC/tests/data/unicode
LANGS="en es pt fr"
PY=/usr/bin/python3 # Debian's, with python3-pikepdf (a pyenv python3 on PATH may lack it)
export CERTREPORT_ASSETS=$SRC/assets
export SOURCE_DATE_EPOCH=1689336000
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-ua.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

for tool in pdfinfo pdftotext; do
    command -v "$tool" >/dev/null || { echo "FAIL $tool is not installed (scripts/build.sh installs poppler-utils)"; exit 1; }
done
if ! "$PY" -c 'import pikepdf, fontTools.agl' 2>/dev/null; then
    echo "FAIL $PY cannot import pikepdf and fontTools (scripts/build.sh installs python3-pikepdf python3-fonttools)"
    echo "ua: 0 passed, 1 failed"
    exit 1
fi

"$CR" stats "$C" -o "$TMP/peers.xml" 2>/dev/null || { echo "FAIL certreport stats"; exit 1; }
render() { # ID LANG OUT [extra args]
    local sub=$1 lang=$2 out=$3 audit=()
    shift 3
    [ -f "${sub%.submission.xml}.audit.xml" ] && audit=(--audit "${sub%.submission.xml}.audit.xml")
    "$CR" render "$sub" "${audit[@]}" --peers "$TMP/peers.xml" --lang "$lang" -o "$out" "$@" 2>"$TMP/err"
}

# The checker can fail: the English Tempe report and the Unicode one pass, each variant fails.
if render "$C/gold-city.submission.xml" en "$TMP/good.pdf" && render "$UNI/unicode.submission.xml" en "$TMP/uni.pdf"; then
    mkdir -p "$TMP/variants"
    "$PY" "$UA/selftest.py" "$TMP/good.pdf" "$TMP/uni.pdf" "$TMP/variants" >"$TMP/self" 2>&1
    rc=$?
    grep -v '^ok ' "$TMP/self" | sed '$d' | sed 's/^/     /'
    summary=$(tail -n 1 "$TMP/self")
    if [ $rc -eq 0 ]; then
        echo "ok   checker self-test (tests/ua/selftest.py): $summary"
        passed=$((passed + 1))
    else
        echo "FAIL checker self-test (tests/ua/selftest.py): $summary"
        failed=$((failed + 1))
    fi
else
    echo "FAIL rendering the self-test's reports"
    cat "$TMP/err"
    failed=$((failed + 1))
fi

run_check() { # NAME FILES...
    local name=$1
    shift
    "$PY" "$UA/check.py" "$@" >"$TMP/check" 2>&1
    local rc=$?
    sed '$d' "$TMP/check" | sed "s|$TMP/||"
    local summary
    summary=$(tail -n 1 "$TMP/check")
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
        echo "$name: $summary"
        if [ $rc -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
            echo "FAIL $name: check.py exited $rc"
            failed=$((failed + 1))
        fi
    else
        echo "FAIL $name: check.py did not finish (exit $rc): $summary"
        failed=$((failed + 1))
    fi
}

for lang in $LANGS; do
    files=()
    for sub in "$C"/*.submission.xml; do
        id=$(basename "$sub" .submission.xml)
        if render "$sub" "$lang" "$TMP/$id-$lang.pdf"; then
            files+=("$TMP/$id-$lang.pdf")
        else
            echo "FAIL $lang $id: render"
            head -n 5 "$TMP/err" | sed 's/^/     /'
            failed=$((failed + 1))
        fi
    done
    if render "$UNI/unicode.submission.xml" "$lang" "$TMP/unicode-$lang.pdf"; then
        files+=("$TMP/unicode-$lang.pdf")
    else
        echo "FAIL $lang unicode: render"
        failed=$((failed + 1))
    fi
    if "$CR" cohort "$C" --peers "$TMP/peers.xml" --lang "$lang" -o "$TMP/overview-$lang.pdf" 2>"$TMP/err"; then
        files+=("$TMP/overview-$lang.pdf")
    else
        echo "FAIL $lang cohort overview: render"
        failed=$((failed + 1))
    fi
    [ ${#files[@]} -gt 0 ] && run_check "$lang: ${#files[@]} PDFs (every sample, unicode, the cohort overview) checked" "${files[@]}"
done

echo "ua: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
