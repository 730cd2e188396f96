#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs certreport's whole test suite: the format check (clang-format); cppcheck; the normal
# build's tests (build/, valgrind included); clang-tidy; the failing-allocator build
# (build-failalloc/); then the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/). Run scripts/build.sh first.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"

echo "== format (clang-format --dry-run, style in .clang-format)"
find src app include tests samples bench \( -path tests/fuzz/corpus -o -name node_modules \) \
    -prune -o -name '*.[ch]' -print0 | sort -z | xargs -0 clang-format --dry-run --Werror
# Every source, header and script of ours names its licence in its first comment (not fonts,
# corpora or generated data).
unlicensed=$(git ls-files -- '*.c' '*.h' '*.in' '*.sh' '*.py' '*.mjs' '*CMakeLists.txt' .ci/run |
    grep -v '^tests/fuzz/corpus/' | xargs grep -L 'SPDX-License-Identifier: Apache-2.0' || true)
if [ -n "$unlicensed" ]; then
    echo "no SPDX-License-Identifier line in:" $unlicensed >&2
    exit 1
fi

echo "== static analysis (cppcheck)"
cppcheck --enable=warning,performance,portability --std=c11 --inline-suppr --quiet --error-exitcode=1 \
    -I include -I src -I app --suppress=missingIncludeSystem src/ app/ samples/ bench/

echo "== tests (build/)"
cmake -S . -B build >/dev/null # (re)writes compile_commands.json for clang-tidy
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== static analysis (clang-tidy, checks in .clang-tidy)"
clang-tidy -p build --quiet src/*.c app/*.c samples/gencohort.c

echo "== allocation failures (build-failalloc/: each of certreport's allocations fails in turn)"
cmake -S . -B build-failalloc -DCMAKE_BUILD_TYPE=Debug -DCERTREPORT_FAILALLOC=ON \
    -DCERTREPORT_TESTS=OFF -DCERTREPORT_BENCH=OFF >/dev/null
cmake --build build-failalloc -j"$jobs" --target certreport
bash tests/failalloc_test.sh build-failalloc/certreport .

echo "== tests under ASan+UBSan (build-asan/)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCERTREPORT_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
