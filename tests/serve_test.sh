#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the HTTP service (certreport serve) and its tokens (certreport token).
# usage: bash serve_test.sh CERTREPORT_BINARY SOURCE_DIR
# Talks to 127.0.0.1 only, on ports the kernel picks (--listen 127.0.0.1:0), two services in all.
# Timeouts are hang guards only; nothing asserts how fast anything is.
# Prints one line per check, then "N passed, M failed"; exits 1 if any check failed.
set -u

if [ $# -ne 2 ]; then
    echo "usage: bash serve_test.sh CERTREPORT_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$1
SRC=$2
COHORT=$SRC/samples/cohort
export CERTREPORT_ASSETS=$SRC/assets
unset SOURCE_DATE_EPOCH

TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-serve.XXXXXX") || exit 1
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT

# check NAME CMD..., start_service NAME ARGS... (sets PID and URL)
. "$(dirname "$0")/serve_lib.sh"

# code [CURL ARGS...]: prints the status code; the body goes to $TMP/body.
code() {
    curl -s --max-time 60 -o "$TMP/body" -w '%{http_code}' "$@"
}

SUB=$COHORT/gold-city.submission.xml
AUD=$COHORT/gold-city.audit.xml

# ---- setup: peers, tokens, the reference report from the command line ----
"$CR" stats "$COHORT" -o "$TMP/peers.xml" >/dev/null 2>&1
check "stats -o peers file" test -s "$TMP/peers.xml"
STAFF=$("$CR" token new ops --staff --tokens "$TMP/tokens" 2>/dev/null)
GOLD=$("$CR" token new gold --city gold-city --tokens "$TMP/tokens" 2>/dev/null)
# The same token with its last digit changed (to 1 when it already ends in 0,
# as one token in sixteen does: "change it to 0" would leave it right).
case $GOLD in *0) WRONG=${GOLD%?}1 ;; *) WRONG=${GOLD%?}0 ;; esac
OTHER=$("$CR" token new bogota-office --city bogota medellin --tokens "$TMP/tokens" 2>/dev/null)
check "token new prints a 64-hex token" bash -c '[[ "$1" =~ ^[0-9a-f]{64}$ ]]' _ "$GOLD"
check "tokens file holds hashes, not tokens" bash -c '! grep -q "$1" "$2" && grep -q "^gold city [0-9a-f]\{64\} gold-city$" "$2"' _ "$GOLD" "$TMP/tokens"
check "tokens file is private (0600)" test "$(stat -c %a "$TMP/tokens")" = 600
check "token new refuses a name used already" bash -c '! "$1" token new gold --staff --tokens "$2" 2>/dev/null' _ "$CR" "$TMP/tokens"
check "token new wants --staff or --city" bash -c '"$1" token new x --tokens "$2" 2>/dev/null; [ $? -eq 2 ]' _ "$CR" "$TMP/tokens"
"$CR" render "$SUB" --audit "$AUD" --peers "$TMP/peers.xml" -o "$TMP/cli.pdf" 2>/dev/null
"$CR" render "$SUB" --audit "$AUD" --peers "$TMP/peers.xml" --format png -o "$TMP/cli-png" 2>/dev/null

start_service main --timeout 2 || exit 1
A="Authorization: Bearer $GOLD"

# ---- the endpoints ----
check "health 200" test "$(code "$URL/v1/health")" = 200
check "health says ok" grep -q '"status": "ok"' "$TMP/body"
check "validate (xml body) 200 valid" bash -c '[ "$(curl -s --max-time 60 -H "$1" -H "Content-Type: application/xml" --data-binary @"$2" "$3/v1/validate" | tee "$4")" ] && grep -q "\"valid\": true" "$4"' _ "$A" "$SUB" "$URL" "$TMP/body"
check "validate (form, with audit) 200" test "$(code -H "$A" -F submission=@"$SUB" -F audit=@"$AUD" "$URL/v1/validate")" = 200
check "validate (form) valid" grep -q '"valid": true' "$TMP/body"
check "score 200" test "$(code -H "$A" -F submission=@"$SUB" -F audit=@"$AUD" "$URL/v1/score")" = 200
check "score: the city's scorecard with its roadmap" bash -c 'grep -q "\"id\": \"gold-city\"" "$1" && grep -q "\"roadmap\"" "$1"' _ "$TMP/body"
check "report pdf 200" test "$(code -H "$A" -F submission=@"$SUB" -F audit=@"$AUD" "$URL/v1/report?format=pdf")" = 200
check "report pdf: the bytes certreport render writes" cmp -s "$TMP/body" "$TMP/cli.pdf"
check "report png page 2 200" test "$(code -H "$A" -F submission=@"$SUB" -F audit=@"$AUD" "$URL/v1/report?format=png&page=2")" = 200
check "report png page 2: render's 2.png" cmp -s "$TMP/body" "$TMP/cli-png/2.png"
check "report: a render logged with its hashes" bash -c 'grep "\"event\":\"render\"" "$1" | grep "\"token\":\"gold\"" | grep -q "\"output_sha256\":\"$(sha256sum "$2" | cut -c1-64)\""' _ "$TMP/main.err" "$TMP/cli.pdf"
check "report format=svg 400" test "$(code -H "$A" -F submission=@"$SUB" "$URL/v1/report?format=svg")" = 400
check "report page for a pdf 400" test "$(code -H "$A" -F submission=@"$SUB" "$URL/v1/report?page=2")" = 400
check "report png past the last page 400" test "$(code -H "$A" -F submission=@"$SUB" "$URL/v1/report?format=png&page=999")" = 400
check "report lang without a translation 400" test "$(code -H "$A" -F submission=@"$SUB" "$URL/v1/report?lang=xx")" = 400
check "... naming no server path" bash -c '! grep -qF "/strings/" "$1"' _ "$TMP/body"
check "report lang=es 200" test "$(code -H "$A" -F submission=@"$SUB" "$URL/v1/report?lang=es")" = 200
check "unknown path 404" test "$(code -H "$A" "$URL/v2/x")" = 404
check "a percent-encoded NUL names no file (404, not /app.js)" test "$(code "$URL/app.js%00.txt")" = 404
check "... nor a path (/v1/health%00x 404)" test "$(code -H "$A" "$URL/v1/health%00x")" = 404
check "... nor a value (lang=es%00x 400)" test "$(code -H "$A" -F submission=@"$SUB" "$URL/v1/report?lang=es%00x")" = 400
check "an escaped path still decodes (/app%2Ejs 200)" test "$(code "$URL/app%2Ejs")" = 200
check "GET on a POST endpoint 405" test "$(code -H "$A" "$URL/v1/score")" = 405

# ---- who may do what ----
for ep in validate score report; do
    check "$ep without a token 401" test "$(code -F submission=@"$SUB" "$URL/v1/$ep")" = 401
    check "$ep 401 is JSON" grep -q '"error"' "$TMP/body"
    check "$ep with a wrong token 401" test "$(code -H "Authorization: Bearer $WRONG" -F submission=@"$SUB" "$URL/v1/$ep")" = 401
    check "$ep with another city's token 403" test "$(code -H "Authorization: Bearer $OTHER" -F submission=@"$SUB" "$URL/v1/$ep")" = 403
    check "$ep with a staff token 200" test "$(code -H "Authorization: Bearer $STAFF" -F submission=@"$SUB" "$URL/v1/$ep")" = 200
done
check "metrics without a token 401" test "$(code "$URL/metrics")" = 401
check "metrics with a city token 403" test "$(code -H "$A" "$URL/metrics")" = 403
check "metrics with a staff token 200" test "$(code -H "Authorization: Bearer $STAFF" "$URL/metrics")" = 200
check "metrics: requests by endpoint and code" grep -q '^certreport_requests_total{endpoint="report",code="403"} 1$' "$TMP/body"
check "metrics: renders, in flight, histogram" bash -c 'grep -q "^certreport_renders_total 4$" "$1" && grep -q "^certreport_requests_in_flight 1$" "$1" && grep -q "^certreport_request_duration_seconds_bucket{endpoint=\"report\",le=\"+Inf\"} " "$1"' _ "$TMP/body"

# ---- bad input ----
head -c 1200000 /dev/zero | tr '\0' 'a' >"$TMP/big"
check "oversized body 413" test "$(code -H "$A" -H "Content-Type: application/xml" --data-binary @"$TMP/big" "$URL/v1/score")" = 413
check "oversized chunked body 413" test "$(code -H "$A" -H "Transfer-Encoding: chunked" -H "Content-Type: application/xml" --data-binary @"$TMP/big" "$URL/v1/score")" = 413
printf '<?xml version="1.0"?>\n<submission id="gold-city" cycle="2023">\n<city>\n</submission>\n' >"$TMP/malformed.xml"
check "malformed XML 400" test "$(code -H "$A" --data-binary @"$TMP/malformed.xml" "$URL/v1/report")" = 400
check "malformed XML: diagnostics name the part and line" grep -q '"submission:[0-9]*: ' "$TMP/body"
check "malformed XML: validate says invalid" bash -c '[ "$(curl -s --max-time 60 -o "$4" -w "%{http_code}" -H "$1" --data-binary @"$2" "$3/v1/validate")" = 200 ] && grep -q "\"valid\": false" "$4" && grep -q "\"submission:" "$4"' _ "$A" "$TMP/malformed.xml" "$URL" "$TMP/body"
printf '<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY e "x">]>\n<submission id="gold-city">&e;</submission>\n' >"$TMP/doctype.xml"
check "DOCTYPE/entity XML 400" test "$(code -H "$A" --data-binary @"$TMP/doctype.xml" "$URL/v1/score")" = 400
check "DOCTYPE/entity XML: diagnostics" grep -q '"submission:[0-9]*: .*DOCTYPE' "$TMP/body"
check "an audit log of another city 400, named audit" bash -c '[ "$(curl -s --max-time 60 -o "$4" -w "%{http_code}" -H "$1" -F submission=@"$2" -F audit=@"$5" "$3/v1/score")" = 400 ] && grep -q "\"audit:[0-9]*: " "$4"' _ "$A" "$SUB" "$URL" "$TMP/body" "$COHORT/bogota.audit.xml"
sed 's/cycle="2023"/cycle="2031"/' "$SUB" >"$TMP/cycle.xml"
check "a cycle without peers 422" test "$(code -H "$A" --data-binary @"$TMP/cycle.xml" "$URL/v1/score")" = 422
check "an empty body 400" test "$(code -H "$A" -X POST "$URL/v1/score")" = 400
check "still answers after bad input" test "$(code -H "$A" -F submission=@"$SUB" -F audit=@"$AUD" "$URL/v1/score")" = 200

# ---- a slow client is cut off by the timeout (2 s idle) while others are served ----
PORT=${URL##*:}
timeout 60 python3 - "$PORT" >"$TMP/slow" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
req = b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n\r\n"
try:
    for i in range(len(req)):
        s.send(req[i:i + 1])
        time.sleep(3)  # longer than the service's timeout between two bytes
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                print("cut after", i + 1, "bytes")
                sys.exit(0)
        except BlockingIOError:
            pass
        s.setblocking(True)
except (BrokenPipeError, ConnectionResetError):
    print("cut (reset)")
    sys.exit(0)
print("not cut")
EOF
SLOW=$!
ok_meanwhile=0
for _ in 1 2 3; do
    [ "$(code -H "$A" -F submission=@"$SUB" "$URL/v1/validate")" = 200 ] && ok_meanwhile=$((ok_meanwhile + 1))
    sleep 0.5
done
check "others are served while a client is slow" test "$ok_meanwhile" = 3
wait "$SLOW"
check "a slow client is cut off by the timeout" grep -q '^cut' "$TMP/slow"

# ---- SIGTERM with a request in flight: it completes; the service exits 0 ----
kill -TERM "$PID"
wait "$PID"
check "SIGTERM on an idle service: exit 0" test $? = 0
start_service term --max-renders 1 || exit 1

# ---- one render slot: concurrent reports are each made (200) or refused (503 + Retry-After) ----
# (whether any overlap is up to the scheduler: nothing here asserts that one does)
CURLS=()
for k in 1 2 3 4 5 6; do
    curl -s --max-time 60 -D "$TMP/h$k" -o "$TMP/r$k" -w '%{http_code}' -H "$A" \
        -F submission=@"$SUB" -F audit=@"$AUD" "$URL/v1/report" >"$TMP/c$k" &
    CURLS+=($!)
done
wait "${CURLS[@]}"
busy_ok=1
n503=0
for k in 1 2 3 4 5 6; do
    case $(cat "$TMP/c$k") in
        200) cmp -s "$TMP/r$k" "$TMP/cli.pdf" || busy_ok=0 ;;
        503) n503=$((n503 + 1)); grep -qi '^Retry-After: 1' "$TMP/h$k" || busy_ok=0 ;;
        *) busy_ok=0 ;;
    esac
done
check "one render slot: each report 200 (same bytes) or 503 with Retry-After" test "$busy_ok" = 1
check "... and the metrics count the 503s ($n503)" bash -c 'curl -s --max-time 5 -H "Authorization: Bearer $1" "$2/metrics" | grep -q "^certreport_busy_total $3$"' _ "$STAFF" "$URL" "$n503"
curl -s --max-time 120 --limit-rate 1000 -o "$TMP/slow.pdf" -w '%{http_code}' -H "$A" \
    -F submission=@"$SUB" -F audit=@"$AUD" "$URL/v1/report" >"$TMP/slow.code" &
CURL=$!
inflight=0
for _ in $(seq 1 100); do
    # the metrics request counts itself: 2 means the report's upload is under way
    n=$(curl -s --max-time 5 -H "Authorization: Bearer $STAFF" "$URL/metrics" | sed -n 's/^certreport_requests_in_flight //p')
    [ "${n:-0}" -ge 2 ] && inflight=1 && break
    sleep 0.1
done
check "a report request is in flight" test "$inflight" = 1
kill -TERM "$PID"
wait "$CURL"
check "the request in flight completes (200)" test "$(cat "$TMP/slow.code")" = 200
check "... with the report's bytes" cmp -s "$TMP/slow.pdf" "$TMP/cli.pdf"
timeout 60 tail --pid="$PID" -f /dev/null
wait "$PID"
check "the service exits 0 after SIGTERM" test $? = 0
check "... having said it stopped accepting" grep -q 'stopped accepting; 1 requests in flight' "$TMP/term.err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
