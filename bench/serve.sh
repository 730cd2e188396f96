#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport service benchmark (issue #17, "measured"): `certreport serve` on 127.0.0.1 under
# wrk, POST /v1/report?format=pdf (the sample Gold city, submission + audit log, multipart) at 1,
# 8 and 32 concurrent clients: reports per second, p50/p90/p99 latency; compared with
# `certreport batch` over the same city repeated; the server's memory (parent + workers) after
# the first 100 reports and after 10,000. Targets (not a timed test): >= 80% of the batch's
# reports per second at 8 clients, p99 < 100 ms at 8 clients, no memory growth after the first
# hundred.
#
# Needs wrk (Debian package wrk: apt-get install wrk) and curl. The load generator runs on the
# same machine as the server, and so takes some of its CPUs: say so with the figures.
#
# usage: bench/serve.sh
# environment (all optional):
#   CERTREPORT       a certreport binary to use as it is (default: build one, Release, as
#                    bench/batch.sh does, into BENCH_BUILD_DIR)
#   BENCH_BUILD_DIR  build folder (default: build-bench/ at the repo root)
#   BENCH_SECONDS    seconds of load per concurrency (default 15)
#   BENCH_CLIENTS    concurrencies (default "1 8 32")
#   BENCH_TOTAL      reports made before the last memory reading (default 10000)
#   BENCH_BATCH_N    copies of the city for the batch run (default 1000)
#   BENCH_WORKERS    the service's --workers (default: the service's own, the CPUs)
#   BENCH_TMP        where the cohort, reports and logs go (default: $TMPDIR or /tmp)
#   JOBS             parallel build jobs and batch -j (default: nproc)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${BENCH_SECONDS:-15}"
clients="${BENCH_CLIENTS:-1 8 32}"
total="${BENCH_TOTAL:-10000}"
batch_n="${BENCH_BATCH_N:-1000}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
. "$root/bench/lib.sh"
say() { printf '\n== %s\n' "$*"; }

command -v wrk >/dev/null || {
    echo "bench/serve.sh needs wrk (apt-get install wrk)" >&2
    exit 1
}
if [ -n "${CERTREPORT:-}" ]; then
    cli=$CERTREPORT
else
    build="${BENCH_BUILD_DIR:-$root/build-bench}"
    say "build (Release) into $build"
    bench_build "$build" certreport
    cli="$(bench_bin "$build" certreport)"
fi
export CERTREPORT_ASSETS="$root/assets"
unset SOURCE_DATE_EPOCH

tmp="$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/certreport-serve-bench.XXXXXX")"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

sub="$root/samples/cohort/gold-city.submission.xml"
aud="$root/samples/cohort/gold-city.audit.xml"
say "machine"
echo "$(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)   $(date -u '+%Y-%m-%d %H:%M UTC')"

# ---- the CLI's batch over the same city repeated (ids gold-city-0001...) ----
say "certreport batch -j$jobs: the sample Gold city x $batch_n"
mkdir -p "$tmp/cohort"
for i in $(seq -f '%04g' 1 "$batch_n"); do
    sed "s/id=\"gold-city\"/id=\"gold-city-$i\"/" "$sub" >"$tmp/cohort/gold-city-$i.submission.xml"
    sed "s/submission=\"gold-city\"/submission=\"gold-city-$i\"/" "$aud" \
        >"$tmp/cohort/gold-city-$i.audit.xml"
done
batch_out=$(python3 - "$batch_n" "$cli" batch "$tmp/cohort" -o "$tmp/out" -j "$jobs" --quiet <<'EOF'
import resource, subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
t0 = time.monotonic()
r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - t0
if r.returncode != 0:
    sys.exit(f"batch: exit {r.returncode}\n{r.stderr}")
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
print(f"{n / wall:.1f} {1000 * cpu / n:.2f}")
print(f"batch: {n} reports in {wall:.2f} s = {n / wall:.1f} reports/s ({1000 * wall / n:.2f} ms each;"
      f" CPU {1000 * cpu / n:.2f} ms per report)", file=sys.stderr)
EOF
)
batch_rate=${batch_out% *}
batch_cpu=${batch_out#* }
rm -rf "$tmp/out" "$tmp/cohort"

# ---- the service ----
"$cli" stats "$root/samples/cohort" -o "$tmp/peers.xml" >/dev/null 2>&1
export BENCH_TOKEN
BENCH_TOKEN=$("$cli" token new bench --staff --tokens "$tmp/tokens" 2>/dev/null)
export BENCH_SUB="$sub" BENCH_AUD="$aud"
"$cli" render "$sub" --audit "$aud" --peers "$tmp/peers.xml" -o "$tmp/cli.pdf" 2>/dev/null
wargs=()
[ -n "${BENCH_WORKERS:-}" ] && wargs=(--workers "$BENCH_WORKERS")
"$cli" serve --peers "$tmp/peers.xml" --tokens "$tmp/tokens" --listen 127.0.0.1:0 \
    --queue-wait 30000 --max-connections 256 "${wargs[@]}" >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
# Until it says where it listens, or exits: no time limit (a loaded machine starts it late; the
# test that runs this script has ctest's timeout over it).
port=""
while [ -z "$port" ] && kill -0 "$server" 2>/dev/null; do
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/serve.out")
    [ -n "$port" ] || sleep 0.1
done
[ -n "$port" ] || {
    cat "$tmp/serve.err" >&2
    exit 1
}
url="http://127.0.0.1:$port"
say "certreport serve on $url: $(sed -n 's/^certreport serve: ready (\(.*\))$/\1/p' "$tmp/serve.err")"

# cpu_ticks: user + system CPU of the server and its workers, live and reaped (clock ticks).
cpu_ticks() {
    local t=0 p
    for p in $server $(pgrep -P "$server"); do
        t=$((t + $(awk '{print $14 + $15 + $16 + $17}' /proc/"$p"/stat)))
    done
    echo "$t"
}
hz=$(getconf CLK_TCK)
renders() { curl -s -H "Authorization: Bearer $BENCH_TOKEN" "$url/metrics" | sed -n 's/^certreport_renders_total //p'; }
# memory LABEL: RSS and PSS (shared pages split between the processes) of the parent + workers.
memory() {
    local pids total_rss=0 total_pss=0 each=""
    pids="$server $(pgrep -P "$server" | tr '\n' ' ')"
    for p in $pids; do
        local rss pss
        rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/"$p"/status)
        pss=$(sed -n 's/^Pss:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/"$p"/smaps_rollup)
        total_rss=$((total_rss + rss))
        total_pss=$((total_pss + pss))
        each="$each $((rss / 1024))"
    done
    printf '%-30s RSS %6.1f MB (MB per process:%s), PSS %6.1f MB\n' "$1" \
        "$(echo "$total_rss / 1024" | bc -l)" "$each" "$(echo "$total_pss / 1024" | bc -l)"
}

code=$(curl -s -o "$tmp/one.pdf" -w '%{http_code}' -H "Authorization: Bearer $BENCH_TOKEN" \
    -F submission=@"$sub" -F audit=@"$aud" "$url/v1/report?format=pdf")
[ "$code" = 200 ] && cmp -s "$tmp/one.pdf" "$tmp/cli.pdf" || {
    echo "the service's report is not the CLI's (HTTP $code)" >&2
    exit 1
}
# The first hundred, up to 32 at once (so every worker and as many connection threads as the
# load below have run): the memory after them is the baseline.
seq 2 100 | xargs -P 32 -I{} curl -s -o /dev/null -H "Authorization: Bearer $BENCH_TOKEN" \
    -F submission=@"$sub" -F audit=@"$aud" "$url/v1/report?format=pdf"
say "memory"
memory "after $(renders) reports"

say "load: wrk, ${seconds} s per concurrency"
printf '%-8s %10s %10s %9s %9s %9s %9s %8s %8s\n' clients reports/s "of batch" p50_ms p90_ms \
    p99_ms max_ms non200 cpu_ms
# cpu_ms: CPU (user + system) of the server and its workers per report, which the other load on
# a shared machine changes less than the rates (batch's is printed above)
for c in $clients; do
    t=$((c < 2 ? 1 : 2))
    r0=$(renders)
    c0=$(cpu_ticks)
    line=$(wrk -t"$t" -c"$c" -d"${seconds}s" --timeout 10s -s "$root/bench/serve.lua" "$url" |
        grep '^BENCH ')
    eval "${line#BENCH }" # requests= non200= errors= elapsed= p50_ms= ...
    # shellcheck disable=SC2154
    rate=$(echo "$requests / $elapsed" | bc -l)
    cpu_ms=$(echo "1000 * ($(cpu_ticks) - $c0) / $hz / ($(renders) - $r0)" | bc -l)
    printf '%-8s %10.1f %9.0f%% %9s %9s %9s %9s %8s %8.2f\n' "$c" "$rate" \
        "$(echo "100 * $rate / $batch_rate" | bc -l)" "$p50_ms" "$p90_ms" "$p99_ms" "$max_ms" \
        "$((non200 + errors))" "$cpu_ms"
done
echo "batch (CLI, -j$jobs): $batch_rate reports/s, CPU $batch_cpu ms per report"

while [ "$(renders)" -lt "$total" ]; do
    wrk -t2 -c8 -d5s --timeout 10s -s "$root/bench/serve.lua" "$url" >/dev/null
done
say "memory"
memory "after $(renders) reports"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM "$server"
wait "$server"
server=""
grep -c '"event":"worker_died"' "$tmp/serve.err" | sed 's/^/worker deaths during the run: /' || true
