#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport batch benchmark: builds (Release), generates synthetic cohorts (the deterministic
# generator), then times `certreport batch` over them and reports, per run:
#   wall time, reports per second, ms per report, the -j1 vs -j2 speed-up,
#   peak RSS (the largest of the parent and its workers), and an unchanged re-run.
# Targets (not a timed test): 1,000 reports in <= 5 s with -j2 on 2 cores; peak RSS <= 64 MB at
# 10,000 cities.
#
# usage: bench/batch.sh
# environment (all optional):
#   BENCH_BUILD_DIR  build folder (default: build-bench/ at the repo root)
#   BENCH_SIZES      cohort sizes (default "1000 10000")
#   BENCH_SEED       cohort seed (default 2023)
#   BENCH_TMP        where cohorts and reports go (default: $TMPDIR or /tmp; prefer a local disk)
#   JOBS             parallel build jobs (default: nproc)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
sizes="${BENCH_SIZES:-1000 10000}"
seed="${BENCH_SEED:-2023}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

say() { printf '\n== %s\n' "$*"; }

say "build (Release) into $build"
if [ -f "$build/CMakeCache.txt" ] &&
    ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$root/bench" "$build/CMakeCache.txt"; then
    rm -rf "$build"
fi
cmake -S "$root/bench" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$jobs" --target certreport certreport-gencohort >/dev/null
cli="$build/certreport/certreport"
gen="$build/certreport/certreport-gencohort"
export CERTREPORT_ASSETS="$root/assets"

tmp="$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/certreport-batch-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

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
    cohort="$tmp/cohort-$n"
    SECONDS=0
    "$gen" "$n" "$cohort" --seed "$seed" >/dev/null
    echo "cohort generated in ${SECONDS} s"
    for j in 1 2; do
        rm -rf "$tmp/out"
        timed "batch -j$j (all new)" "$n" batch "$cohort" -o "$tmp/out" -j "$j" --quiet
    done
    timed "batch -j2 (nothing changed)" "$n" batch "$cohort" -o "$tmp/out" -j 2 --quiet
    du -sh "$tmp/out" | awk '{print "output: " $1}'
    rm -rf "$tmp/out" "$cohort"
done
