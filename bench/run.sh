#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport benchmark: builds (Release), generates a synthetic cohort, then measures
#   1. WARM: certreport-bench, one process, N reports in memory (per stage, per backend)
#   2. COLD: `certreport render`, one process per report (what a script calling the CLI pays)
# and compares the results with issue #18's targets (warm tagged haru median <= 2.5 ms, plain
# <= 2 ms, <= 45 KB per report, ratio to the floor <= 2). The warm runs also print the floor:
# the page content streams alone, compressed by zlib and libdeflate (bench_report.c). Typst is
# measured side by side only when `typst` is installed (it is not on the reference machine).
#
# usage: bench/run.sh
# environment (all optional):
#   BENCH_BUILD_DIR  build folder (default: build-bench/ at the repo root; git ignores /build*/)
#   BENCH_CITIES     cities in the synthetic cohort (default 200)
#   BENCH_N          warm reports per backend (default 500)
#   BENCH_COLD       cold reports per backend, one process each (default 50)
#   BENCH_SEED       cohort seed (default 2023)
#   JOBS             parallel build jobs (default: nproc)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
cities="${BENCH_CITIES:-200}"
n_warm="${BENCH_N:-500}"
n_cold="${BENCH_COLD:-50}"
seed="${BENCH_SEED:-2023}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
. "$root/bench/lib.sh"

say() { printf '\n== %s\n' "$*"; }
have_python() { command -v python3 >/dev/null; }

# ---- build ----------------------------------------------------------------------------------
# bench/CMakeLists.txt works standalone (it pulls in the whole project, tests off), whether or
# not the top-level CMakeLists.txt has add_subdirectory(bench).
say "build (Release) into $build"
t0=$(date +%s)
bench_build "$build" certreport certreport-gencohort certreport-bench
echo "built in $(($(date +%s) - t0)) s"
cli="$(bench_bin "$build" certreport)"
gen="$(bench_bin "$build" certreport-gencohort)"
bench="$(bench_bin "$build" certreport-bench)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/certreport-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- cohort ---------------------------------------------------------------------------------
say "synthetic cohort: $cities cities (seed $seed)"
"$gen" "$cities" "$tmp/cohort" --seed "$seed" >/dev/null
echo "$(ls "$tmp/cohort" | grep -c '\.submission\.xml$') submissions," \
    "$(ls "$tmp/cohort" | grep -c '\.audit\.xml$') audit logs in $tmp/cohort"
"$cli" stats "$tmp/cohort" -o "$tmp/peers.xml"

# ---- warm -----------------------------------------------------------------------------------
# haru: tagged (accessible, the CLI's default) and plain (--no-accessible); cairo does not tag.
say "WARM, haru backend, tagged PDF: $n_warm reports in one process"
"$bench" --cohort "$tmp/cohort" --n "$n_warm" --backend haru | tee "$tmp/warm-haru.txt"
say "WARM, haru backend, plain PDF (--no-accessible): $n_warm reports in one process"
"$bench" --cohort "$tmp/cohort" --n "$n_warm" --backend haru --tagged no | tee "$tmp/warm-plain.txt"
say "WARM, cairo backend: $n_warm reports in one process"
"$bench" --cohort "$tmp/cohort" --n "$n_warm" --backend cairo --tagged no | tee "$tmp/warm-cairo.txt"

# ---- cold -----------------------------------------------------------------------------------
# The first $n_cold cities (in id order), one `certreport render` process each, peers from the
# frozen peers file (so every process does what a production call does). One line per city:
# submission, audit log (or -), output file.
mapfile -t subs < <(ls "$tmp/cohort"/*.submission.xml | sort | head -n "$n_cold")
mkdir -p "$tmp/out"
for backend in haru cairo; do
    for s in "${subs[@]}"; do
        id="$(basename "$s" .submission.xml)"
        a="$tmp/cohort/$id.audit.xml"
        [ -f "$a" ] || a=-
        printf '%s\t%s\t%s\n' "$s" "$a" "$tmp/out/$id-$backend.pdf"
    done >"$tmp/cold-$backend.cmds"
done

# Wall time per process with python (perf_counter_ns around subprocess.run).
# $1: backend, or "version" for `certreport --version` (the process-start baseline).
cold_python() {
    local list="$tmp/cold-$1.cmds"
    [ "$1" = version ] && list="$tmp/cold-haru.cmds"
    python3 - "$cli" "$tmp/peers.xml" "$1" "$list" <<'PY'
import statistics, subprocess, sys, time
cli, peers, backend, listfile = sys.argv[1:5]
runs = []
for line in open(listfile):
    sub, audit, out = line.rstrip("\n").split("\t")
    if backend == "version":
        cmd = [cli, "--version"]
    else:
        cmd = [cli, "render", sub, "--peers", peers, "-o", out, "--backend", backend]
        if audit != "-":
            cmd += ["--audit", audit]
    t = time.perf_counter_ns()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    runs.append((time.perf_counter_ns() - t) / 1e6)
runs.sort()
p90 = runs[max(0, -(-len(runs) * 9 // 10) - 1)]
print(f"{len(runs)} processes: median {statistics.median(runs):.2f} ms, p90 {p90:.2f} ms, "
      f"mean {statistics.fmean(runs):.2f} ms per process (wall, fork+exec included)")
PY
}

# The same without python: date +%s%N around each process (adds date's own fork, ~1 ms).
cold_bash() {
    local t0 t1 s a o ms=()
    while IFS=$'\t' read -r s a o; do
        t0=$(date +%s%N)
        if [ "$a" = - ]; then
            "$cli" render "$s" --peers "$tmp/peers.xml" -o "$o" --backend "$1"
        else
            "$cli" render "$s" --audit "$a" --peers "$tmp/peers.xml" -o "$o" --backend "$1"
        fi
        t1=$(date +%s%N)
        ms+=($(((t1 - t0) / 1000)))
    done <"$tmp/cold-$1.cmds"
    printf '%s\n' "${ms[@]}" | sort -n | awk '{v[NR] = $1; s += $1}
        END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
             p = v[int((NR * 9 + 9) / 10)]
             printf "%d processes: median %.2f ms, p90 %.2f ms, mean %.2f ms per process (wall)\n",
                    NR, m / 1000, p / 1000, s / NR / 1000}'
}

# Peak RSS of one process without /usr/bin/time: python (bare, -I -S, to stay small) forks, execs
# and reads the child's rusage with wait4. Linux keeps the RSS high-water mark across exec, so the
# child's figure also counts the forking python's own pages: it is exact only when it is above
# python's own peak (printed too); otherwise it is an upper bound.
rss_python() {
    python3 -I -S - "$@" <<'PY'
import os, resource, sys
pid = os.fork()
if pid == 0:
    os.close(1)
    os.open(os.devnull, os.O_WRONLY)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{ru.ru_maxrss} KB peak RSS (python wait4; python itself {own} KB"
      f"{'' if ru.ru_maxrss > own else ': an upper bound'})")
sys.exit(0 if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else 1)
PY
}

if have_python; then
    say "COLD baseline: certreport --version, $n_cold processes (exec + dynamic linking only)"
    cold_python version | tee "$tmp/cold-version.txt"
fi
for backend in haru cairo; do
    say "COLD, $backend backend: $n_cold reports, one certreport render process each"
    if have_python; then
        cold_python "$backend" | tee "$tmp/cold-$backend.txt"
    else
        cold_bash "$backend" | tee "$tmp/cold-$backend.txt"
    fi
    # Peak RSS of one run (the first city): /usr/bin/time -v (Debian package `time`), else python.
    IFS=$'\t' read -r s a o <"$tmp/cold-$backend.cmds"
    args=(render "$s" --peers "$tmp/peers.xml" -o "$tmp/one.pdf" --backend "$backend")
    [ "$a" = - ] || args+=(--audit "$a")
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$cli" "${args[@]}" 2>"$tmp/time.txt"
        rss="$(grep 'Maximum resident' "$tmp/time.txt" | sed 's/.*: //') KB peak RSS (/usr/bin/time -v)"
    elif have_python; then
        rss="$(rss_python "$cli" "${args[@]}")"
    else
        rss="peak RSS not measured (install the Debian package time, or python3)"
    fi
    echo "one run ($(basename "$s" .submission.xml)): $rss" | tee "$tmp/rss-$backend.txt"
    bytes=$(cat "$tmp/out/"*"-$backend.pdf" | wc -c)
    files=$(ls "$tmp/out/"*"-$backend.pdf" | wc -l)
    awk -v b="$bytes" -v f="$files" -v be="$backend" 'BEGIN {
        printf "bytes per report, %s: %.0f (%.1f KB) over %d files\n", be, b / f, b / f / 1024, f}'
done

# ---- summary --------------------------------------------------------------------------------
say "summary against the targets"
# $1 file, $2 row name, $3: 0 the median, 1 the p90 (the table's columns: median p90 mean max)
# A stage's row of certreport-bench's table: the stage's name, then four numbers (not the
# "layout cache: ..." line, which also begins with "layout ").
field() { awk -v k="$2" -v c="$3" 'index($0, k " ") == 1 && $NF ~ /^[0-9.]+$/ {print $(NF - 3 + c)}' "$1"; }
warm_med=$(field "$tmp/warm-haru.txt" "TOTAL haru" 0)
warm_p90=$(field "$tmp/warm-haru.txt" "TOTAL haru" 1)
bytes_haru=$(awk '/^bytes per report, haru/ {print $5}' "$tmp/warm-haru.txt")
bytes_cairo=$(awk '/^bytes per report, cairo/ {print $5}' "$tmp/warm-cairo.txt")
verdict() { awk -v v="$1" -v t="$2" 'BEGIN {print (v <= t) ? "MET" : "MISSED"}'; }
plain_med=$(field "$tmp/warm-plain.txt" "TOTAL haru" 0)
bytes_plain=$(awk '/^bytes per report, haru/ {print $5}' "$tmp/warm-plain.txt")
# "= 3.49x the floor" (size) and "= 7.41x the zlib-6 floor" (time), from the tagged run
ratio_size=$(awk '/floor, size:/ {for (i = 1; i <= NF; i++) if ($i == "=") print $(i + 1)}' \
    "$tmp/warm-haru.txt" | tr -d x)
ratio_time=$(awk '/floor, time:/ {for (i = 1; i <= NF; i++) if ($i == "=") {print $(i + 1); exit}}' \
    "$tmp/warm-haru.txt" | tr -d x)
printf '%-46s %10s %10s  %s\n' "measure (KB = 1024 bytes)" "result" "target" "verdict"
printf '%-46s %7s ms %7s ms  %s\n' "warm haru tagged, median ms per report (p90 $warm_p90)" \
    "$warm_med" 2.5 "$(verdict "$warm_med" 2.5)"
printf '%-46s %7s ms %7s ms  %s\n' "warm haru plain (--no-accessible), median" \
    "$plain_med" 2 "$(verdict "$plain_med" 2)"
printf '%-46s %8s B %8s B  %s\n' "bytes per report, haru tagged" "$bytes_haru" 46080 \
    "$(verdict "$bytes_haru" 46080)"
printf '%-46s %8s B %10s\n' "bytes per report, haru plain" "$bytes_plain" ""
printf '%-46s %8s B %10s\n' "bytes per report, cairo" "$bytes_cairo" ""
printf '%-46s %9sx %9sx  %s\n' "tagged: time / zlib-6 floor (page streams)" "$ratio_time" 2 \
    "$(verdict "$ratio_time" 2)"
printf '%-46s %9sx %9sx  %s\n' "tagged: bytes / zlib-9|libdeflate-12 floor" "$ratio_size" 2 \
    "$(verdict "$ratio_size" 2)"
grep -E '^floor|^  floor' "$tmp/warm-haru.txt" | sed 's/^/  tagged /'
grep -E '^  floor' "$tmp/warm-plain.txt" | sed 's/^/  plain /'
printf '  tagged costs %s ms and %s bytes per report over plain\n' \
    "$(awk -v a="$warm_med" -v b="$plain_med" 'BEGIN {printf "%.2f", a - b}')" \
    "$(awk -v a="$bytes_haru" -v b="$bytes_plain" 'BEGIN {printf "%d", a - b}')"
for stage in "load+score" "layout" "render haru"; do
    printf '  warm %-12s median %s ms\n' "$stage" "$(field "$tmp/warm-haru.txt" "$stage" 0)"
done
printf '  warm %-12s median %s ms\n' "render cairo" "$(field "$tmp/warm-cairo.txt" "render cairo" 0)"
for backend in haru cairo; do
    echo "warm $backend peak RSS: $(awk '/^peak RSS/ {print $3, $4}' "$tmp/warm-$backend.txt")"
done
if [ -f "$tmp/cold-version.txt" ]; then echo "cold --version: $(cat "$tmp/cold-version.txt")"; fi
echo "cold haru:  $(cat "$tmp/cold-haru.txt"); $(sed 's/^one run ([^)]*): //' "$tmp/rss-haru.txt")"
echo "cold cairo: $(cat "$tmp/cold-cairo.txt"); $(sed 's/^one run ([^)]*): //' "$tmp/rss-cairo.txt")"

# ---- Typst, side by side, only when installed --------------------------------------------------
if command -v typst >/dev/null; then
    echo "typst: $(typst --version) is installed, but bench/ has no Typst version of the report" \
        "yet, so it is not measured"
else
    echo "typst: not installed; the side-by-side Typst figure is skipped"
fi
