#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the page certreport serve gives cities and staff (GET /, assets/web/), in a
# real browser. curl checks the static files (types, Content-Security-Policy, ETag and 304, no
# way out of the fixed list) and the catalog endpoint; then tests/web/page.mjs drives Debian's
# headless chromium with puppeteer-core, twice: in English with a city token and the submission
# only, in Spanish with a staff token and the audit log too. Each run uploads a city one
# criterion short of Gold (tests/data/web/near-gold), sees the diagnostics, the scorecard and the
# previews, flips one answer and sees Gold, resets, and downloads the PDF, which must be the
# bytes `certreport render` writes for the same files.
# Installs puppeteer-core (npm ci in tests/web, never a browser download) when
# tests/web/node_modules is missing. Talks to 127.0.0.1 only, on a port the kernel picks.
# Waits are hang guards (bounded polls); nothing asserts how fast anything is.
# usage: bash web_test.sh CERTREPORT_BINARY SOURCE_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: bash web_test.sh CERTREPORT_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$(realpath "$1")
SRC=$(realpath "$2")
WEB=$SRC/tests/web
DATA=$SRC/tests/data/web
SUB=$DATA/near-gold.submission.xml
AUD=$DATA/near-gold.audit.xml
export CERTREPORT_ASSETS=$SRC/assets
export PUPPETEER_SKIP_DOWNLOAD=1
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
unset SOURCE_DATE_EPOCH

TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-web.XXXXXX") || exit 1
PID=""
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

PIDS=()
# start_service (and a check this file redefines below: it keeps each check's output)
# shellcheck source=serve_lib.sh
. "$SRC/tests/serve_lib.sh"
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
finish() {
    echo "web: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

for tool in node npm curl "$CHROMIUM"; do
    if ! command -v "$tool" >/dev/null; then
        echo "FAIL $tool is not installed (scripts/build.sh installs it)"
        failed=$((failed + 1))
        finish
    fi
done
if [ ! -f "$WEB/node_modules/puppeteer-core/package.json" ]; then
    # puppeteer-core at the version package-lock.json pins; it never downloads a browser
    check "npm ci in tests/web (puppeteer-core)" bash -c 'cd "$1" && npm ci --no-audit --no-fund' _ "$WEB"
    [ "$failed" -eq 0 ] || finish
fi

# ---- setup: peers, tokens, the reports the command line makes ----
"$CR" stats "$SRC/samples/cohort" -o "$TMP/peers.xml" >/dev/null 2>&1
CITY=$("$CR" token new mesa --city near-gold --tokens "$TMP/tokens" 2>/dev/null)
STAFF=$("$CR" token new ops --staff --tokens "$TMP/tokens" 2>/dev/null)
check "tokens made" test -n "$CITY" -a -n "$STAFF"
check "the sample is one criterion short of Gold (roadmap)" bash -c '
    "$1" score "$2" --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
gold = [t for t in d[\"roadmap\"][\"tiers\"] if t[\"tier\"] == \"gold\"][0]
assert d[\"tier\"] == \"silver\" and gold[\"cost\"] == 1 and gold[\"more_criteria\"] == 1, (d[\"tier\"], gold)"' \
    _ "$CR" "$SUB"
"$CR" render "$SUB" --peers "$TMP/peers.xml" -o "$TMP/cli.pdf" 2>/dev/null
"$CR" render "$SUB" --audit "$AUD" --peers "$TMP/peers.xml" -o "$TMP/cli-audit.pdf" 2>/dev/null
check "certreport render made both references" test -s "$TMP/cli.pdf" -a -s "$TMP/cli-audit.pdf"

# ---- the service, on a free port ----
if ! start_service serve 2>"$TMP/why"; then
    echo "FAIL the service did not start"
    sed 's/^/     /' "$TMP/why"
    failed=$((failed + 1))
    finish
fi

# ---- the static files and the catalog, with curl ----
hdr() { curl -s --max-time 30 -D - -o "$TMP/body" "$@"; }
check "GET / 200, text/html, lang set" bash -c 'h=$(curl -s -D - -o "$2" "$1/"); grep -q "^HTTP/1.1 200" <<<"$h" &&
    grep -qi "^Content-Type: text/html; charset=utf-8" <<<"$h" && grep -q "<html lang=" "$2"' _ "$URL" "$TMP/body"
check "GET /: a strict Content-Security-Policy, nosniff, no framing" bash -c 'h=$(curl -s -D - -o /dev/null "$1/");
    grep -i "^Content-Security-Policy:" <<<"$h" | grep -q "default-src '"'"'none'"'"'; script-src '"'"'self'"'"'" &&
    ! grep -i "^Content-Security-Policy:" <<<"$h" | grep -q "unsafe" &&
    grep -qi "^X-Content-Type-Options: nosniff" <<<"$h" && grep -qi "^X-Frame-Options: DENY" <<<"$h"' _ "$URL"
check "the page refers to no other origin" bash -c '! grep -Eq "(src|href)=\"(https?:)?//" "$1"/assets/web/index.html &&
    ! grep -Eq "https?://" "$1"/assets/web/app.js "$1"/assets/web/app.css' _ "$SRC"
check "each file its type" bash -c '
    for f in "app.js text/javascript" "app.css text/css" "i18n.json application/json"; do
        set -- $f "$0"
        curl -s -D - -o /dev/null "$3/$1" | grep -qi "^Content-Type: $2; charset=utf-8" || { echo "$1"; exit 1; }
    done' "$URL"
check "ETag, Cache-Control: no-cache, and 304 for If-None-Match" bash -c '
    etag=$(curl -s -D - -o /dev/null "$1/app.js" | sed -n "s/^[Ee][Tt][Aa][Gg]: *\(.*\)\r$/\1/p")
    [ -n "$etag" ] && curl -s -D - -o /dev/null "$1/app.js" | grep -qi "^Cache-Control: no-cache" &&
    [ "$(curl -s -o /dev/null -w "%{http_code}" -H "If-None-Match: $etag" "$1/app.js")" = 304 ]' _ "$URL"
for path in "/../../etc/passwd" "/app.js/../../tokens" "/%2e%2e/%2e%2e/etc/passwd" "/index.html" \
    "/web/app.js" "/app.js/" "//app.js" "/.git/config" "/assets/web/app.js"; do
    check "no file outside the list: $path 404" bash -c '[ "$(curl -s --path-as-is -o "$3" -w "%{http_code}" "$1$2")" = 404 ] &&
        ! grep -q "root:" "$3"' _ "$URL" "$path" "$TMP/body"
done
check "POST / 405" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data x "$URL/")" = 405
check "GET /v1/catalog?lang=es: 43 criteria, Spanish names" bash -c 'curl -s "$1/v1/catalog?lang=es" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d[\"lang\"] == \"es\" and sum(len(a[\"criteria\"]) for a in d[\"areas\"]) == 43
assert [t[\"name\"] for t in d[\"tiers\"]] == [\"Plata\", \"Oro\", \"Platino\"], d[\"tiers\"]
assert sorted(d[\"languages\"]) == [\"en\", \"es\", \"fr\", \"pt\"], d[\"languages\"]"' _ "$URL"
check "GET /v1/catalog?lang=xx 400" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/catalog?lang=xx")" = 400
check "the page's strings: every key in every language" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
en = set(d["en"])
for l in d["languages"]:
    assert set(d[l]) == en, (l, en ^ set(d[l]))' "$SRC/assets/web/i18n.json"

# ---- the page in chromium: English (city token, submission), Spanish (staff, with audit) ----
run_page() {
    local lang=$1 token=$2 ref=$3
    shift 3
    node "$WEB/page.mjs" --url "$URL" --token "$token" --submission "$SUB" --lang "$lang" \
        --flip EVAL4=yes --before silver --after gold --out "$TMP/dl-$lang" "$@" >"$TMP/page-$lang" 2>&1
    local rc=$?
    grep -E '^(ok|FAIL) ' "$TMP/page-$lang"
    local summary
    summary=$(tail -n 1 "$TMP/page-$lang")
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
        if [ $rc -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
            echo "FAIL $lang: page.mjs exited $rc"
            failed=$((failed + 1))
        fi
    else
        echo "FAIL $lang: page.mjs did not finish (exit $rc)"
        tail -n 20 "$TMP/page-$lang" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
    local pdf
    pdf=$(sed -n 's/^pdf: //p' "$TMP/page-$lang")
    check "$lang: the downloaded PDF is the bytes certreport render writes" cmp "$pdf" "$ref"
}
run_page en "$CITY" "$TMP/cli.pdf"
run_page es "$STAFF" "$TMP/cli-audit.pdf" --audit "$AUD"

check "the service logged the downloads as renders" bash -c '[ "$(grep -c "\"event\":\"render\",\"token\":\"mesa\".*\"format\":\"pdf\"" "$1")" -ge 1 ] &&
    [ "$(grep -c "\"event\":\"render\",\"token\":\"ops\".*\"format\":\"pdf\"" "$1")" -ge 1 ]' _ "$TMP/serve.err"
finish
