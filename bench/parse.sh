#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport benchmark: the worst case of the input stage. Builds certreport-bench-parse (Release,
# the same tree as run.sh) and times cr_submission_parse / cr_audit_parse on every hostile shape
# of bench_parse.c at 2 MiB (what the fuzz targets try) and 4 MiB (a city file's cap), printing
# seconds per MB and the verdict (accepted, or the message it was refused with).
#
# usage: bench/parse.sh
# environment (optional): BENCH_BUILD_DIR (default build-bench/), PARSE_SIZES (bytes, default
# "2097152 4194304"), JOBS (build jobs, default nproc)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
sizes="${PARSE_SIZES:-2097152 4194304}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"

if [ -f "$build/CMakeCache.txt" ] &&
    ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$root/bench" "$build/CMakeCache.txt"; then
    echo "($build was configured from another source folder; starting it afresh)"
    rm -rf "$build"
fi
cmake -S "$root/bench" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$jobs" --target certreport-bench-parse >/dev/null
# Where the tree puts it depends on how it was configured (bench/ alone, or the top-level tree
# with add_subdirectory(bench) pulled in by it): the one just built is the newest, as in run.sh.
bench="$( (ls -t "$build/certreport-bench-parse" "$build/certreport/bench/certreport-bench-parse" \
    2>/dev/null || true) | head -n 1)"
[ -n "$bench" ] || { echo "certreport-bench-parse not found under $build" >&2; exit 1; }

for size in $sizes; do
    printf '\n== %s bytes\n' "$size"
    "$bench" --size "$size" --assets "$root/assets"
done
