#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the bench scripts run as the README gives them, at a tiny size. Nothing
# here is timed (the figures are the scripts' business, not a test's): each script must build its
# Release tree, run to the end and print its summary in the form the README and bench/README.md
# quote. One Release tree in a temporary folder serves them all. Also: a BENCH_BUILD_DIR that is
# another project's build is refused and left as it was, not emptied.
# usage: bash bench_test.sh SOURCE_DIR
set -u
SRC=$(cd "$1" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-bench-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
check() {
    local name=$1
    shift
    if "$@" >"$TMP/log" 2>&1; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        tail -n 15 "$TMP/log" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
}

export BENCH_BUILD_DIR=$TMP/build BENCH_TMP=$TMP JOBS=2
unset BENCH_COHORTS CERTREPORT SOURCE_DATE_EPOCH
NUM='[0-9]+(\.[0-9]+)?'

# A folder that is some other project's build: refused, and still there afterwards.
t_refuse_foreign_build() {
    mkdir -p "$TMP/theirs" &&
        echo "CMAKE_HOME_DIRECTORY:INTERNAL=/somewhere/else" >"$TMP/theirs/CMakeCache.txt" &&
        touch "$TMP/theirs/their-file" || return 1
    if BENCH_BUILD_DIR=$TMP/theirs bash "$SRC/bench/parse.sh" >"$TMP/out" 2>&1; then
        echo "parse.sh accepted another project's build folder"
        return 1
    fi
    grep -q "is a build of /somewhere/else" "$TMP/out" && [ -f "$TMP/theirs/their-file" ]
}
check "a BENCH_BUILD_DIR configured from another source folder is refused, its files kept" \
    t_refuse_foreign_build

# parse.sh: every shape at 64 KiB, one line each, then the worst case.
t_parse() {
    PARSE_SIZES=65536 bash "$SRC/bench/parse.sh" >"$TMP/parse.txt" 2>&1 || return 1
    # The rows between the table's head and "worst:": name, bytes, seconds, s/MB, verdict.
    awk '/^shape /{on = 1; next} /^worst: /{on = 0} on && NF' "$TMP/parse.txt" >"$TMP/rows.txt"
    local rows bad
    rows=$(wc -l <"$TMP/rows.txt")
    bad=$(grep -Evc "^.+[^ ] +[0-9]+ +$NUM +$NUM +(accepted|bench\.(submission|audit)\.xml:[0-9]+: .+)$" \
        "$TMP/rows.txt")
    [ "$rows" -ge 20 ] && [ "$bad" = 0 ] && grep -q "^comments .* accepted$" "$TMP/rows.txt" &&
        grep -Eq "^worst: $NUM s per MB \(" "$TMP/parse.txt"
}
check "bench/parse.sh: each hostile shape measured, with its verdict, and the worst" t_parse

# run.sh: warm, cold and the floor over 12 cities; its summary against issue #18's targets.
t_run() {
    BENCH_CITIES=12 BENCH_N=6 BENCH_COLD=2 bash "$SRC/bench/run.sh" >"$TMP/run.txt" 2>&1 || return 1
    local s="$TMP/run-summary.txt"
    sed -n '/^== summary against the targets/,$p' "$TMP/run.txt" >"$s"
    grep -Eq "^warm haru tagged, median ms per report \(p90 $NUM\) +$NUM ms +2\.5 ms +(MET|MISSED)$" "$s" &&
        grep -Eq "^bytes per report, haru tagged +[0-9]+ B +46080 B +(MET|MISSED)$" "$s" &&
        grep -Eq "^tagged: time / zlib-6 floor \(page streams\) +$NUM""x +2x +(MET|MISSED)$" "$s" &&
        [ "$(grep -Ec "^  warm (load\+score|layout|render haru|render cairo) +median $NUM ms$" "$s")" = 4 ] &&
        [ "$(grep -c '^  warm ' "$s")" = 4 ] &&
        grep -Eq "^cold haru: +2 processes: median $NUM ms" "$s"
}
check "bench/run.sh: warm, cold, the floor, and one summary line per figure" t_run

# batch.sh: 30 cities rendered at -j1 and -j2, then nothing changed; stats and the parent at 40.
t_batch() {
    BENCH_SIZES=30 BENCH_STATS_SIZES=40 bash "$SRC/bench/batch.sh" >"$TMP/batch.txt" 2>&1 || return 1
    local b="$TMP/batch.txt"
    [ "$(grep -c '\[30 cities: 30 rendered, 0 unchanged, 0 failed\]' "$b")" = 2 ] &&
        grep -q '\[30 cities: 0 rendered, 30 unchanged, 0 failed\]' "$b" &&
        grep -Eq "^stats -j2 +$NUM s wall +$NUM s CPU" "$b" &&
        grep -q '^peers files of -j1 and -j2: identical$' "$b" &&
        grep -Eq "^batch parent, all planned +parent peak RSS +$NUM MB" "$b"
}
check "bench/batch.sh: batch at -j1, -j2 and unchanged; stats; the parent's memory" t_batch

# serve.sh: one second of load at 1 and 2 clients, every reply a PDF, no worker lost.
t_serve() {
    BENCH_SECONDS=1 BENCH_CLIENTS="1 2" BENCH_TOTAL=40 BENCH_BATCH_N=10 BENCH_WORKERS=1 \
        bash "$SRC/bench/serve.sh" >"$TMP/serve.txt" 2>&1 || return 1
    local v="$TMP/serve.txt"
    grep -Eq "^1 +$NUM +[0-9]+% +($NUM +){4}0 +$NUM$" "$v" &&
        grep -Eq "^2 +$NUM +[0-9]+% +($NUM +){4}0 +$NUM$" "$v" &&
        grep -q '^worker deaths during the run: 0$' "$v"
}
check "bench/serve.sh: the service under wrk at 1 and 2 clients, no failed reply" t_serve

# size.sh: where the bytes of 3 reports go. Its level-1 figure recompresses the page content and
# the object stream as pdf_pack.c does, so it must give back the file's own size to the byte.
t_size() {
    BENCH_CITIES=12 BENCH_SIZE_N=3 bash "$SRC/bench/size.sh" >"$TMP/size.txt" 2>&1 || return 1
    local z="$TMP/size.txt" tagged plain
    tagged=$(sed -n '/^== tagged/,/^== plain/p' "$z")
    plain=$(sed -n '/^== plain/,$p' "$z")
    # value SECTION ROW: the number at the end of ROW in SECTION
    value() { echo "$1" | awk -v k="$2" 'index($0, k " ") == 1 {print $NF}'; }
    local f1 f6 f12
    f1=$(value "$tagged" "file, pages and objstm at libdeflate 1")
    f6=$(value "$tagged" "file, pages and objstm at libdeflate 6")
    f12=$(value "$tagged" "file, pages and objstm at libdeflate 12")
    [ -n "$f1" ] && [ "$f1" = "$(value "$tagged" file)" ] &&
        [ "$(value "$plain" "file, pages and objstm at libdeflate 1")" = "$(value "$plain" file)" ] &&
        [ "$f12" -le "$f6" ] && [ "$f6" -le "$f1" ] &&
        [ "$(value "$tagged" "structure elements, count")" -gt 100 ] &&
        [ "$(value "$plain" "structure elements, count")" = 0 ] &&
        [ "$(value "$tagged" "cff fonts")" -gt 0 ]
}
check "bench/size.sh: the bytes by part, level 1 giving back each file's size exactly" t_size

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
