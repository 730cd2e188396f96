#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Shared by the bench scripts (sourced, not run): the Release tree they build and where its
# programs are. Needs $root (the source folder) and $jobs (parallel build jobs) set.

# bench_build DIR TARGET...: configures DIR from bench/ as a Release tree (which pulls in the whole
# project, tests off) and builds the TARGETs. A DIR that was configured from another source folder
# is refused, not emptied (BENCH_BUILD_DIR may name someone's own build), except the default
# build-bench/, which is the bench's own and is started afresh.
bench_build() {
    local build=$1 home
    shift
    if [ -f "$build/CMakeCache.txt" ]; then
        home=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
        if [ "$home" != "$root/bench" ]; then
            if [ "$build" != "$root/build-bench" ]; then
                echo "$build is a build of $home, not of $root/bench: give BENCH_BUILD_DIR a" \
                    "folder of its own" >&2
                exit 1
            fi
            echo "($build was configured from $home; starting it afresh)"
            rm -rf "$build"
        fi
    fi
    cmake -S "$root/bench" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" -j"$jobs" --target "$@" >/dev/null
}

# bench_bin DIR NAME: the path of the program NAME that bench_build made in DIR. Where the tree
# puts it depends on how it was configured (bench/ alone, or the top-level tree with its
# add_subdirectory(bench)), so it is looked for in both places and the newest is taken.
bench_bin() {
    local c newest=""
    for c in "$1/$2" "$1/certreport/$2" "$1/certreport/bench/$2"; do
        # Files only: "$1/certreport" is also the folder of the pulled-in project.
        [ -f "$c" ] && [ -x "$c" ] || continue
        if [ -z "$newest" ] || [ "$c" -nt "$newest" ]; then
            newest=$c
        fi
    done
    [ -n "$newest" ] || {
        echo "$2 not found under $1" >&2
        exit 1
    }
    echo "$newest"
}
