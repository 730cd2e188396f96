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
. "$root/bench/lib.sh"

bench_build "$build" certreport-bench-parse
bench="$(bench_bin "$build" certreport-bench-parse)"

for size in $sizes; do
    printf '\n== %s bytes\n' "$size"
    "$bench" --size "$size" --assets "$root/assets"
done
