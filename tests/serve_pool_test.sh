#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the service's worker processes (certreport serve, app/serve_pool.c).
# usage: bash serve_pool_test.sh CERTREPORT_BINARY SOURCE_DIR
# A worker killed (SIGKILL) or crashing (abort) with a request costs that request only (500 with a
# request id, logged, counted) and is replaced; a request on another worker is unaffected; busy
# workers give 503 + Retry-After after --queue-wait; SIGTERM lets the requests in flight finish;
# workers exit with the parent, even one killed with SIGKILL. Uses --test-hooks (the header
# X-Certreport-Test-Hook: sleep=MS | abort, honoured only with that flag). Talks to 127.0.0.1
# only, on ports the kernel picks. Polling loops are bounded; nothing asserts how fast anything is.
set -u

if [ $# -ne 2 ]; then
    echo "usage: bash serve_pool_test.sh CERTREPORT_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$1
SRC=$2
COHORT=$SRC/samples/cohort
export CERTREPORT_ASSETS=$SRC/assets
unset SOURCE_DATE_EPOCH
ulimit -c 0 # the abort hook should leave no core file

TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-pool.XXXXXX") || exit 1
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT

# check NAME CMD..., start_service NAME ARGS... (sets PID and URL)
. "$(dirname "$0")/serve_lib.sh"

# metric NAME: its value from /metrics (staff token).
metric() {
    curl -s --max-time 10 -H "Authorization: Bearer $STAFF" "$URL/metrics" | sed -n "s/^$1 //p"
}

# until_true CMD...: runs CMD every 0.1 s until it succeeds, at most 300 times (a hang guard).
until_true() {
    for _ in $(seq 1 300); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

metric_is() { [ "$(metric "$1")" = "$2" ]; }
workers_of() { pgrep -P "$1" | sort; }
# hook_pid LOG N: the worker pid of the Nth test hook logged in LOG.
hook_pid() { sed -n 's/.*"event":"test_hook".*"worker_pid":\([0-9]*\)}$/\1/p' "$1" | sed -n "$2p"; }
has_hook() { [ -n "$(hook_pid "$1" "$2")" ]; }
gone() { for p in "$@"; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }

SUB=$COHORT/gold-city.submission.xml
AUD=$COHORT/gold-city.audit.xml

"$CR" stats "$COHORT" -o "$TMP/peers.xml" >/dev/null 2>&1
STAFF=$("$CR" token new ops --staff --tokens "$TMP/tokens" 2>/dev/null)
A="Authorization: Bearer $STAFF"
"$CR" render "$SUB" --audit "$AUD" --peers "$TMP/peers.xml" -o "$TMP/cli.pdf" 2>/dev/null
check "setup: peers, token, the CLI's report" test -s "$TMP/cli.pdf"

# report OUT CODEFILE [CURL ARGS...]: a report request in the background; sets CURL.
report() {
    local out=$1 codefile=$2
    shift 2
    curl -s --max-time 120 -o "$out" -w '%{http_code}' -H "$A" "$@" -F submission=@"$SUB" \
        -F audit=@"$AUD" "$URL/v1/report" >"$codefile" &
    CURL=$!
}

# ---- two workers, test hooks on ----
start_service pool --workers 2 --queue-wait 300 --test-hooks || exit 1
LOG=$TMP/pool.err
check "two workers start" test "$(workers_of "$PID" | wc -l)" = 2
check "metrics: certreport_workers 2" metric_is certreport_workers 2
before=$(workers_of "$PID")
open_fds_ok=1
for w in $before; do
    # 0, 1, 2 and the worker's socket: no listening socket, client or other worker's socket
    extra=$(ls /proc/"$w"/fd | awk '$1 > 3' | wc -l)
    [ "$extra" = 0 ] || open_fds_ok=0
done
check "a worker holds no descriptor but 0-2 and its socket" test "$open_fds_ok" = 1

# A: a report whose worker will be killed; B: a report on the other worker, which must not notice.
report "$TMP/a.pdf" "$TMP/a.code" -H "X-Certreport-Test-Hook: sleep=30000"
CURL_A=$CURL
check "request A reaches a worker" until_true has_hook "$LOG" 1
WA=$(hook_pid "$LOG" 1)
report "$TMP/b.pdf" "$TMP/b.code" -H "X-Certreport-Test-Hook: sleep=3000"
CURL_B=$CURL
check "request B reaches the other worker" until_true has_hook "$LOG" 2
WB=$(hook_pid "$LOG" 2)
check "... a different process" test "$WA" != "$WB"
check "metrics: both workers busy" metric_is certreport_workers_busy 2
code=$(curl -s --max-time 60 -D "$TMP/c.h" -o "$TMP/c.body" -w '%{http_code}' -H "$A" \
    -F submission=@"$SUB" "$URL/v1/score")
check "every worker busy past --queue-wait: 503" test "$code" = 503
check "... with Retry-After" grep -qi '^Retry-After: 1' "$TMP/c.h"
check "metrics: the 503 counted" metric_is certreport_busy_total 1

kill -9 "$WA"
wait "$CURL_A"
check "the request whose worker was killed: 500" test "$(cat "$TMP/a.code")" = 500
RID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["request_id"])' "$TMP/a.pdf" 2>/dev/null)
check "... a JSON body with a request id" test -n "$RID"
check "... logged as one line with that id, the pid and signal 9" \
    grep -q "\"event\":\"worker_died\",\"request_id\":\"$RID\",\"endpoint\":\"report\",\"token\":\"ops\",\"worker_pid\":$WA,\"signal\":9" "$LOG"
wait "$CURL_B"
check "the request on the other worker: 200" test "$(cat "$TMP/b.code")" = 200
check "... with the report's bytes" cmp -s "$TMP/b.pdf" "$TMP/cli.pdf"
check "the killed worker is replaced (2 alive)" until_true metric_is certreport_workers 2
check "... by a new process" bash -c '! pgrep -P "$1" | grep -qx "$2" && [ "$(pgrep -P "$1" | wc -l)" = 2 ]' _ "$PID" "$WA"
check "metrics: the death and the lost request counted" \
    bash -c '[ "$1" = 1 ] && [ "$2" = 1 ] && [ "$3" = 3 ]' _ "$(metric certreport_worker_deaths_total)" \
    "$(metric certreport_worker_lost_requests_total)" "$(metric certreport_worker_starts_total)"
check "metrics: the 500 counted for report" bash -c 'curl -s --max-time 10 -H "$1" "$2/metrics" | grep -q "^certreport_requests_total{endpoint=\"report\",code=\"500\"} 1$"' _ "$A" "$URL"
ok_after=1
for _ in 1 2 3 4; do
    report "$TMP/n.pdf" "$TMP/n.code"
    wait "$CURL"
    [ "$(cat "$TMP/n.code")" = 200 ] && cmp -s "$TMP/n.pdf" "$TMP/cli.pdf" || ok_after=0
done
check "the next reports: 200, the report's bytes" test "$ok_after" = 1

# A worker that crashes by itself (abort) with a job.
code=$(curl -s --max-time 60 -o "$TMP/ab.body" -w '%{http_code}' -H "$A" \
    -H "X-Certreport-Test-Hook: abort" -F submission=@"$SUB" "$URL/v1/validate")
check "a worker aborting: 500" test "$code" = 500
check "... with a request id" grep -q '"request_id": "' "$TMP/ab.body"
check "... logged with signal 6" grep -q '"event":"worker_died","request_id":"[^"]*","endpoint":"validate",.*"signal":6' "$LOG"
check "... replaced" until_true metric_is certreport_workers 2
check "validate works again" test "$(curl -s --max-time 60 -o /dev/null -w '%{http_code}' -H "$A" -F submission=@"$SUB" "$URL/v1/validate")" = 200

# An idle worker killed: reaped, logged and replaced; no request sees it.
idle=$(workers_of "$PID" | head -1)
kill -9 "$idle"
check "an idle worker killed is replaced" until_true bash -c '[ "$(pgrep -P "$1" | wc -l)" = 2 ] && ! pgrep -P "$1" | grep -qx "$2"' _ "$PID" "$idle"
check "... logged (no request id)" grep -q "^{\"time\":\"[^\"]*\",\"event\":\"worker_died\",\"worker_pid\":$idle,\"signal\":9}$" "$LOG"
check "... counted: 3 deaths, 2 lost requests" bash -c '[ "$1" = 3 ] && [ "$2" = 2 ]' _ \
    "$(metric certreport_worker_deaths_total)" "$(metric certreport_worker_lost_requests_total)"

# SIGTERM with two reports in flight on the workers: both finish; then the workers exit.
n0=$(sed -n '$=' "$LOG")
report "$TMP/t1.pdf" "$TMP/t1.code" -H "X-Certreport-Test-Hook: sleep=1500"
CURL_1=$CURL
report "$TMP/t2.pdf" "$TMP/t2.code" -H "X-Certreport-Test-Hook: sleep=1500"
CURL_2=$CURL
check "two reports in flight" until_true metric_is certreport_workers_busy 2
last=$(workers_of "$PID")
kill -TERM "$PID"
wait "$CURL_1" "$CURL_2"
check "SIGTERM: the reports in flight finish (200, 200)" test "$(cat "$TMP/t1.code") $(cat "$TMP/t2.code")" = "200 200"
check "... with the report's bytes" bash -c 'cmp -s "$1" "$3" && cmp -s "$2" "$3"' _ "$TMP/t1.pdf" "$TMP/t2.pdf" "$TMP/cli.pdf"
timeout 60 tail --pid="$PID" -f /dev/null
wait "$PID"
check "... and the service exits 0" test $? = 0
# shellcheck disable=SC2086
check "... and its workers exit" until_true gone $last
check "... no worker died in the shutdown" bash -c '! tail -n +"$1" "$2" | grep -q worker_died' _ "$((n0 + 1))" "$LOG"

# ---- without --test-hooks the header does nothing; workers die with a killed parent ----
start_service plain --workers 1 || exit 1
code=$(curl -s --max-time 60 -o /dev/null -w '%{http_code}' -H "$A" \
    -H "X-Certreport-Test-Hook: abort" -F submission=@"$SUB" "$URL/v1/validate")
check "without --test-hooks the hook header is ignored (200)" test "$code" = 200
check "... no worker died" metric_is certreport_worker_deaths_total 0
check "--workers 1: one worker" test "$(workers_of "$PID" | wc -l)" = 1
# The workers render from the string tables and translated catalogs preloaded before the fork
# (cr_install_preload): each language's report is still the CLI's, byte for byte.
langs_ok=1
for l in en es pt fr; do
    "$CR" render "$SUB" --audit "$AUD" --peers "$TMP/peers.xml" --lang "$l" -o "$TMP/cli-$l.pdf" 2>/dev/null
    curl -s --max-time 120 -o "$TMP/s-$l.pdf" -w '%{http_code}' -H "$A" -F submission=@"$SUB" \
        -F audit=@"$AUD" "$URL/v1/report?lang=$l" >"$TMP/s-$l.code"
    [ "$(cat "$TMP/s-$l.code")" = 200 ] && cmp -s "$TMP/s-$l.pdf" "$TMP/cli-$l.pdf" || langs_ok=0
done
check "reports in en, es, pt, fr: the CLI's bytes" test "$langs_ok" = 1
# Its worker killed while idle, and a report sent at once (before the service has noticed, most
# times): the job goes to the replacement, never to the dead worker (200).
w=$(workers_of "$PID")
kill -9 "$w"
check "the idle worker is dead (a zombie)" until_true bash -c '[ "$(cut -d" " -f3 /proc/"$1"/stat 2>/dev/null)" != S ]' _ "$w"
report "$TMP/z.pdf" "$TMP/z.code"
wait "$CURL"
check "a report sent just after: 200 from the replacement" test "$(cat "$TMP/z.code")" = 200
check "... with the report's bytes" cmp -s "$TMP/z.pdf" "$TMP/cli.pdf"
last=$(workers_of "$PID")
disown "$PID" # no "Killed" line from the shell
kill -9 "$PID"
# shellcheck disable=SC2086
check "the parent killed with SIGKILL: its worker exits too" until_true gone $last

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
