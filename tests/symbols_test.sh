#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the shared library exports exactly the public API: every function its
# installed headers declare with CR_API, and nothing else (the library is built with
# -fvisibility=hidden; a function declared public but not exported, or exported but private,
# fails).
# usage: bash symbols_test.sh LIBCERTREPORT.so SOURCE_DIR BUILD_DIR
set -u
LIB=$1
SRC=$2
BUILD=$3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-symbols.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
# Declarations may wrap: join each header's lines, then take the name before "(" after CR_API.
for h in "$SRC"/include/certreport/*.h "$BUILD"/include/certreport/version.h; do
    [ "$(basename "$h")" = export.h ] || cat "$h" # (export.h defines CR_API itself)
done | tr '\n' ' ' | grep -o 'CR_API [^;(]*(' | sed 's/($//; s/.*[ *]//' | grep . | sort -u >"$TMP/declared"
nm -D --defined-only "$LIB" | awk '$2 == "T" { print $3 }' | sort -u >"$TMP/exported"
n=$(wc -l <"$TMP/declared")
st=0
if [ "$n" -lt 100 ]; then
    echo "FAIL read only $n public declarations from the headers"
    st=1
fi
if ! diff -u "$TMP/declared" "$TMP/exported" >"$TMP/diff"; then
    echo "FAIL exported symbols differ from the CR_API declarations (- declared only, + exported only):"
    grep '^[-+][a-z]' "$TMP/diff" | head -40
    st=1
else
    echo "ok   $n functions declared public, the same $n exported"
fi
if [ $st -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $st
