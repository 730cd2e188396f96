# SPDX-License-Identifier: Apache-2.0
# certreport tests: what the service's tests share (sourced by serve_test.sh, web_test.sh and
# serve_pool_test.sh, which set CR, TMP and PIDS first).

passed=0
failed=0
check() {
    local name=$1
    shift
    if "$@"; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        [ -s "$TMP/body" ] && head -c 600 "$TMP/body" | sed 's/^/     body: /' && echo
        failed=$((failed + 1))
    fi
    return 0
}

# start_service NAME ARGS...: starts it in the background; sets PID and URL. Waits for the port
# it prints and for /v1/health (bounded retries).
start_service() {
    local name=$1
    shift
    "$CR" serve --peers "$TMP/peers.xml" --tokens "$TMP/tokens" --listen 127.0.0.1:0 "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    PID=$!
    PIDS+=("$PID")
    local port=""
    for _ in $(seq 1 100); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/$name.out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    URL=http://127.0.0.1:$port
    for _ in $(seq 1 50); do
        curl -s -o /dev/null --max-time 5 "$URL/v1/health" && return 0
        sleep 0.1
    done
    echo "the service did not start:" >&2
    cat "$TMP/$name.err" >&2
    return 1
}
