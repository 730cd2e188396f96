#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport batch benchmark: builds (Release), generates synthetic cohorts (the deterministic
# generator), then times `certreport batch` over them and reports, per run:
#   wall time, reports per second, ms per report, the -j1 vs -j2 speed-up,
#   peak RSS (the largest of the parent and its workers), and an unchanged re-run;
# then `certreport stats` at -j1 and -j2 (wall, CPU, peak RSS) over larger cohorts, and the batch
# parent's own peak RSS (VmHWM, sampled; its workers apart) per city.
# Targets (issue #18, not a timed test): 1,000 tagged reports in <= 2.5 s with -j2 on 2 cores;
# stats over 100,000 cities <= 5 s at -j2 with peak RSS <= 64 MB; the batch parent < 64 MB at
# 1,000,000 cities. The machine's load (uptime) is printed beside each heading.
#
# usage: bench/batch.sh
# environment (all optional):
#   BENCH_BUILD_DIR  build folder (default: build-bench/ at the repo root)
#   BENCH_SIZES      cohort sizes (default "1000 10000")
#   BENCH_STATS_SIZES  cohort sizes for stats and the batch parent (default "10000 100000"; the
#                      generator takes up to 9,999,999; 100,000 cities take some 700 MB)
#   BENCH_SEED       cohort seed (default 2023)
#   BENCH_TMP        where cohorts and reports go (default: $TMPDIR or /tmp; prefer a local disk)
#   BENCH_COHORTS    a folder where the generated cohorts are kept (cohort-N-seed-S) and used again
#                    by later runs, instead of being made and removed each time (1,000,000 cities
#                    are some 7 GB and take minutes to make); remove it yourself when done
#   JOBS             parallel build jobs (default: nproc)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
sizes="${BENCH_SIZES:-1000 10000}"
stats_sizes="${BENCH_STATS_SIZES:-10000 100000}"
seed="${BENCH_SEED:-2023}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
. "$root/bench/lib.sh"

say() { printf '\n== %s   [%s]\n' "$*" "$(uptime | sed 's/.*load/load/')"; }

say "build (Release) into $build"
bench_build "$build" certreport certreport-gencohort
cli="$(bench_bin "$build" certreport)"
gen="$(bench_bin "$build" certreport-gencohort)"
export CERTREPORT_ASSETS="$root/assets"

tmp="$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/certreport-batch-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
kept="${BENCH_COHORTS:-}"
[ -z "$kept" ] || mkdir -p "$kept"

# cohort N: prints the folder of the generated cohort of N cities (made now, or kept from an
# earlier run in $BENCH_COHORTS: its .complete file says it was made whole).
cohort() {
    local n=$1 dir
    if [ -n "$kept" ]; then
        dir="$kept/cohort-$n-seed-$seed"
        if [ -f "$dir/.complete" ]; then
            echo "cohort of $n cities kept in $dir" >&2
            echo "$dir"
            return
        fi
        rm -rf "$dir"
    else
        dir="$tmp/cohort-$n"
    fi
    SECONDS=0
    "$gen" "$n" "$dir" --seed "$seed" >/dev/null
    echo "cohort generated in ${SECONDS} s" >&2
    [ -z "$kept" ] || touch "$dir/.complete"
    echo "$dir"
}

# drop_cohort DIR: removes a cohort made for this run alone.
drop_cohort() {
    [ -n "$kept" ] || rm -rf "$1"
}

# timed LABEL N ARGS...: runs the CLI, prints wall time, rate, ms/report and peak RSS.
timed() {
    local label=$1 n=$2
    shift 2
    python3 - "$label" "$n" "$cli" "$@" <<'EOF'
import resource, subprocess, sys, time
label, n, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
t0 = time.monotonic()
r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB
if r.returncode != 0:
    sys.exit(f"{label}: exit {r.returncode}\n{r.stderr}")
summary = r.stdout.splitlines()[0] if r.stdout else ""
print(f"{label:<28} {wall:7.2f} s  {n / wall:7.0f} reports/s  {1000 * wall / n:6.2f} ms/report"
      f"  peak RSS {rss:5.1f} MB   [{summary}]")
EOF
}

for n in $sizes; do
    say "$n cities"
    cohort="$(cohort "$n")"
    for j in 1 2; do
        rm -rf "$tmp/out"
        timed "batch -j$j (all new)" "$n" batch "$cohort" -o "$tmp/out" -j "$j" --quiet
    done
    timed "batch -j2 (nothing changed)" "$n" batch "$cohort" -o "$tmp/out" -j 2 --quiet
    du -sh "$tmp/out" | awk '{print "output: " $1}'
    rm -rf "$tmp/out"
    drop_cohort "$cohort"
done

# stats_timed LABEL N ARGS...: wall and CPU time (user + system) and peak RSS of one run.
stats_timed() {
    local label=$1 n=$2
    shift 2
    python3 - "$label" "$n" "$cli" "$@" <<'EOF'
import resource, subprocess, sys, time
label, n, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
t0 = time.monotonic()
r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if r.returncode != 0:
    sys.exit(f"{label}: exit {r.returncode}\n{r.stderr}")
cpu = ru.ru_utime + ru.ru_stime
print(f"{label:<28} {wall:7.2f} s wall  {cpu:7.2f} s CPU  {1e6 * cpu / n:6.1f} us CPU/city"
      f"  peak RSS {ru.ru_maxrss / 1024:5.1f} MB")
EOF
}

# parent_rss LABEL N STOP OUT ARGS...: the batch parent's own peak RSS (VmHWM of its /proc entry,
# read every 20 ms until it exits; its workers are other processes), and per city. STOP > 0: sent
# SIGTERM once OUT holds STOP reports (every city scored and planned, its rows held, rendering
# started; the manifest it then writes names every city), and the time until the first report
# is printed too: pass 1 (scoring, statistics, hashes) and the plan.
parent_rss() {
    local label=$1 n=$2 stop=$3 out=$4
    shift 4
    python3 - "$label" "$n" "$stop" "$out" "$cli" "$@" <<'EOF'
import glob, subprocess, sys, time
label, n, stop, out, cmd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5:]
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
hwm = 0
stopped = False
first = None
while p.poll() is None:
    if stop and not stopped:
        done = len(glob.glob(out + "/*.pdf"))
        if done and first is None:
            first = time.monotonic() - t0
        if done >= stop:
            p.terminate()
            stopped = True
    try:
        with open(f"/proc/{p.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = max(hwm, int(line.split()[1]))
    except OSError:
        pass
    time.sleep(0.02)
until = f"; first report after {first:.2f} s" if first is not None else ""
print(f"{label:<28} parent peak RSS {hwm / 1024:6.1f} MB  {1024 * hwm / n:6.0f} bytes/city"
      f"  (exit {p.returncode}{until})")
EOF
}

for n in $stats_sizes; do
    say "stats and the batch parent, $n cities"
    cohort="$(cohort "$n")"
    for j in 1 2; do
        stats_timed "stats -j$j" "$n" stats "$cohort" -j "$j" -o "$tmp/peers-$j.xml"
    done
    cmp -s "$tmp/peers-1.xml" "$tmp/peers-2.xml" && echo "peers files of -j1 and -j2: identical"
    # A batch rendering one city in 1,000 (--shard, against the frozen --peers): its parent holds
    # the whole cohort's scan, the shard's rows and its manifest.
    parent_rss "batch parent, --shard 1/1000" "$n" 0 "$tmp/out" batch "$cohort" -o "$tmp/out" \
        -j 2 --quiet --peers "$tmp/peers-1.xml" --shard 1/1000
    rm -rf "$tmp/out"
    parent_rss "batch parent, all planned" "$n" 20 "$tmp/out" batch "$cohort" -o "$tmp/out" \
        -j 2 --quiet
    rm -rf "$tmp/out" "$tmp/peers-"*
    drop_cohort "$cohort"
done
