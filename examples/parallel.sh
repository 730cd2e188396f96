#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A cohort's reports in N shards with GNU parallel, on this machine or over ssh, then one manifest.
# usage: examples/parallel.sh COHORT_DIR OUT_DIR [N]
#   over ssh (a folder every host sees at the same path):
#   PARALLEL_HOSTS=host1,host2 examples/parallel.sh /shared/cohort /shared/reports 16
set -euo pipefail
cohort=$1 out=$2 n=${3:-8}
mkdir -p "$out"
# 1. The cycle's statistics, frozen once: every shard renders against the same numbers.
certreport stats "$cohort" -o "$out/peers.xml"
# 2. The shards. Each renders its slice (by a hash of the city id) with one worker and writes
#    manifest-K-of-N.csv/json; shards share the folder's lock, so they run side by side.
hosts=()
[ -n "${PARALLEL_HOSTS:-}" ] && hosts=(-S "$PARALLEL_HOSTS" --workdir "$PWD")
parallel "${hosts[@]}" --halt soon,fail=1 -j "$n" \
    certreport batch "$cohort" -o "$out" --peers "$out/peers.xml" --shard {}/"$n" -j 1 --quiet \
    ::: $(seq 1 "$n")
# 3. One manifest, the one a single run writes.
certreport merge "$out"
