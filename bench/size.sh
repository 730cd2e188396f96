#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport benchmark: where a report's bytes go (issue #18's 45 KB bar). Builds (Release, the
# tree run.sh uses), generates run.sh's synthetic cohort, renders its first N cities tagged (the
# default) and plain (--no-accessible), and runs bench/size.py over each set: the mean bytes of
# page content, font programs, object stream (structure elements, its index) and the rest; the
# size with the page content and object stream at libdeflate 1, 6 and 12; and, tagged, the fonts
# as CFF outlines.
#
# usage: bench/size.sh
# environment (all optional): BENCH_BUILD_DIR (default build-bench/), BENCH_CITIES (cohort, 200),
#   BENCH_SEED (2023), BENCH_SIZE_N (reports measured, the first in id order, 40), JOBS
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
cities="${BENCH_CITIES:-200}"
seed="${BENCH_SEED:-2023}"
n="${BENCH_SIZE_N:-40}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
. "$root/bench/lib.sh"
# pikepdf and fontTools are Debian's (python3-pikepdf, python3-fonttools): a pyenv python3 first
# on PATH may not have them.
py=/usr/bin/python3
[ -x "$py" ] || py=python3

printf '== build (Release) into %s\n' "$build"
bench_build "$build" certreport certreport-gencohort
cli="$(bench_bin "$build" certreport)"
gen="$(bench_bin "$build" certreport-gencohort)"
export CERTREPORT_ASSETS="$root/assets"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/certreport-size.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$gen" "$cities" "$tmp/cohort" --seed "$seed" >/dev/null
"$cli" stats "$tmp/cohort" -o "$tmp/peers.xml" 2>/dev/null
mkdir -p "$tmp/tagged" "$tmp/plain"
mapfile -t subs < <(ls "$tmp/cohort"/*.submission.xml | sort | head -n "$n")
for s in "${subs[@]}"; do
    id="$(basename "$s" .submission.xml)"
    audit=()
    [ -f "$tmp/cohort/$id.audit.xml" ] && audit=(--audit "$tmp/cohort/$id.audit.xml")
    "$cli" render "$s" "${audit[@]}" --peers "$tmp/peers.xml" -o "$tmp/tagged/$id.pdf"
    "$cli" render "$s" "${audit[@]}" --peers "$tmp/peers.xml" -o "$tmp/plain/$id.pdf" --no-accessible
done

printf '\n== tagged (the default): the first %s of %s cities, seed %s\n' "${#subs[@]}" "$cities" "$seed"
"$py" "$root/bench/size.py" --cff "$tmp"/tagged/*.pdf
printf '\n== plain (--no-accessible)\n'
"$py" "$root/bench/size.py" "$tmp"/plain/*.pdf
