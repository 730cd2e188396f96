#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: every sample city's report in every language that ships (assets/strings/LANG.xml
# and assets/catalog-2023.LANG.xml). For each: render exits 0, qpdf --check is clean, and the text
# of the PDF (pdftotext, no warning) holds the language's section headings and its name of every
# practice area; the PDF's /Lang is the language. Also: the submission's own lang attribute picks
# the language, --lang overrides it, and a language that is not translated is an error.
# usage: bash lang_test.sh CERTREPORT_BINARY SOURCE_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: bash lang_test.sh CERTREPORT_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$(realpath "$1")
SRC=$(realpath "$2")
C=$SRC/samples/cohort
export CERTREPORT_ASSETS=$SRC/assets
export SOURCE_DATE_EPOCH=1689336000
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-lang.XXXXXX") || exit 1
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
"$CR" stats "$C" -o "$TMP/peers.xml" 2>/dev/null

# expected LANG: the texts every report in LANG must contain, one per line.
expected() {
    python3 - "$SRC/assets" "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
assets, lang = sys.argv[1:3]
s = {e.get('key'): e.text or '' for e in ET.parse(f'{assets}/strings/{lang}.xml').getroot()}
for key in ('section.process', 'section.field', 'section.measure', 'section.outcomes', 'section.next'):
    print(s[key])
cat = ET.parse(f'{assets}/catalog-2023.{lang}.xml').getroot()
for a in cat.findall('area'):
    print(a.get('name'))
PY
}

langs=$(cd "$SRC/assets/strings" && ls ??.xml | sed 's/\.xml$//' | grep -v '^en$')
for lang in $langs; do
    expected "$lang" >"$TMP/expected-$lang"
    for sub in "$C"/*.submission.xml; do
        id=$(basename "$sub" .submission.xml)
        audit=()
        [ -f "$C/$id.audit.xml" ] && audit=(--audit "$C/$id.audit.xml")
        pdf=$TMP/$id-$lang.pdf
        check "$lang $id: renders, qpdf clean, every heading and area name in the text, /Lang $lang" bash -c '
            "$1" render "$2" "${@:7}" --peers "$3" --lang "$4" -o "$5" || exit 1
            qpdf --check "$5" >/dev/null || { echo "qpdf --check failed"; exit 1; }
            pdftotext "$5" - 2>"$5.err" | tr -s " \n" "  " >"$5.txt"
            [ ! -s "$5.err" ] || { cat "$5.err"; exit 1; }
            while IFS= read -r want; do
                w=$(printf "%s" "$want" | tr -s " \n" "  ")
                grep -qF -- "$w" "$5.txt" || { echo "missing: $w"; exit 1; }
            done <"$6"
            qpdf --qdf --object-streams=disable "$5" - | grep -aq "/Lang *(${4}" || { echo "no /Lang ($4)"; exit 1; }' \
            _ "$CR" "$sub" "$TMP/peers.xml" "$lang" "$pdf" "$TMP/expected-$lang" "${audit[@]}"
    done
done

# The submission's lang attribute picks the language; --lang en overrides it.
first=$(echo "$langs" | head -1)
if [ -n "$first" ]; then
    python3 - "$C/gold-city.submission.xml" "$TMP/gold-city.submission.xml" "$first" <<'PY'
import re, sys
src, dst, lang = sys.argv[1:4]
s = open(src, encoding='utf-8').read()
head = re.search(r'<submission\b[^>]*>', s).group(0)
new = re.sub(r'\slang="[^"]*"', '', head).replace('<submission', f'<submission lang="{lang}"', 1)
open(dst, 'w', encoding='utf-8').write(s.replace(head, new, 1))
PY
    check "the submission's lang=\"$first\" picks $first" bash -c '
        "$1" render "$2" --peers "$3" -o "$4/own.pdf" && pdftotext "$4/own.pdf" - | tr -s " \n" "  " | grep -qF -- "$(sed -n 1p "$5")"' \
        _ "$CR" "$TMP/gold-city.submission.xml" "$TMP/peers.xml" "$TMP" "$TMP/expected-$first"
    check "--lang en overrides it" bash -c '
        "$1" render "$2" --peers "$3" --lang en -o "$4/en.pdf" && pdftotext "$4/en.pdf" - | grep -q "How your city was assessed"' \
        _ "$CR" "$TMP/gold-city.submission.xml" "$TMP/peers.xml" "$TMP"
fi
# One criterion short of the next tier: the singular form ("Meet one more criterion", never
# "1 more criteria" / "1 critères de plus") in every language, English too.
python3 - "$C/no-audit.submission.xml" "$TMP/one-short.submission.xml" <<'PY'
import re, sys
src, dst = sys.argv[1:3]
s = open(src, encoding='utf-8').read()
flips = 7  # Tampa meets 22 of 43; Gold needs 30
def flip(m):
    global flips
    if flips and m.group(2) != 'yes':
        flips -= 1
        return m.group(1) + 'yes"'
    return m.group(0)
open(dst, 'w', encoding='utf-8').write(re.sub(r'(<response criterion="[^"]*" answer=")([^"]*)"', flip, s))
PY
for lang in en $langs; do
    check "$lang: one criterion short of the next tier reads in the singular" bash -c '
        want=$(python3 -c "
import sys, xml.etree.ElementTree as ET
s = {e.get(\"key\"): e.text for e in ET.parse(sys.argv[1]).getroot()}
print(s[\"next.act.any.one\"].split(\"{n}\")[0].strip())" "$5/strings/$4.xml")
        "$1" render "$2" --peers "$3" --lang "$4" -o "$6/one-$4.pdf" || exit 1
        pdftotext "$6/one-$4.pdf" - | tr -s " \n" "  " | grep -qF -- "$want" || { echo "missing: $want"; exit 1; }' \
        _ "$CR" "$TMP/one-short.submission.xml" "$TMP/peers.xml" "$lang" "$SRC/assets" "$TMP"
done
check "--lang of a language that is not translated: exit 1, one message" bash -c '
    "$1" render "$2" --peers "$3" --lang xx -o "$4/xx.pdf" 2>"$4/xx.err"; [ $? -eq 1 ] && [ "$(wc -l <"$4/xx.err")" -eq 1 ] && [ ! -e "$4/xx.pdf" ]' \
    _ "$CR" "$C/gold-city.submission.xml" "$TMP/peers.xml" "$TMP"
echo "languages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
