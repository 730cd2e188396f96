#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the library as a portal's back end uses it. Installs the build into a
# temporary prefix, then builds examples/render-city against it twice, with pkg-config (dynamic
# link) and with CMake's find_package, and checks that both render the reference city's PDF
# byte-identical to `certreport render`; the installed pkg-config file is relocatable, the
# shared library has its SONAME, the man page is found.
# usage: bash install_test.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$1
SRC=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-install.XXXXXX") || exit 1
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
        head -n 15 "$TMP/log" | sed 's/^/     /'
        failed=$((failed + 1))
    fi
}

PREFIX=$TMP/prefix
COHORT=$SRC/samples/cohort
export SOURCE_DATE_EPOCH=1689336000
unset CERTREPORT_ASSETS

t_install() {
    cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null &&
        ls "$PREFIX"/lib*/libcertreport.so.0 "$PREFIX"/lib*/pkgconfig/certreport.pc \
            "$PREFIX"/lib*/cmake/certreport/certreportConfig.cmake "$PREFIX/include/certreport/version.h" \
            "$PREFIX/share/certreport/fonts/NotoSans-Regular.ttf" "$PREFIX/share/certreport/layouts/default.xml"
}
check "cmake --install: shared library, pkg-config file, CMake package, headers, assets" t_install

t_soname() {
    readelf -d "$PREFIX"/lib*/libcertreport.so.0.* | grep -q 'SONAME.*libcertreport.so.0'
}
check "the shared library's SONAME is libcertreport.so.0" t_soname

t_reference() {
    "$PREFIX/bin/certreport" stats "$COHORT" -o "$TMP/peers.xml" &&
        "$PREFIX/bin/certreport" render "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" \
            --peers "$TMP/peers.xml" -o "$TMP/cli.pdf" && [ -s "$TMP/cli.pdf" ]
}
check "the installed program renders the reference city (for comparison)" t_reference

t_pkgconfig() {
    # Moved elsewhere after installing: the .pc file finds its prefix from its own place.
    mv "$PREFIX" "$TMP/moved" && ln -s "$TMP/moved" "$PREFIX.link" || return 1
    local pc=("$TMP"/moved/lib*/pkgconfig)
    local flags
    flags=$(PKG_CONFIG_PATH=${pc[0]} pkg-config --cflags --libs certreport) || return 1
    echo "$flags" | grep -q -- "-I$TMP/moved" || { echo "not relocated: $flags"; return 1; }
    cc -std=c11 -Wall -Werror "$SRC/examples/render-city/render_city.c" $flags -o "$TMP/rc-pc" || return 1
    local libdir
    libdir=$(dirname "$(ls "$TMP"/moved/lib*/libcertreport.so)")
    LD_LIBRARY_PATH=$libdir "$TMP/rc-pc" "$COHORT/gold-city.submission.xml" "$COHORT/gold-city.audit.xml" \
        "$TMP/peers.xml" "$TMP/pc.pdf" &&
        cmp "$TMP/cli.pdf" "$TMP/pc.pdf" &&
        LD_LIBRARY_PATH=$libdir ldd "$TMP/rc-pc" | grep -q "libcertreport.so.0 => $TMP/moved"
}
check "pkg-config (prefix moved): the example links dynamically and renders the CLI's bytes" t_pkgconfig

t_find_package() {
    cmake -S "$SRC/examples/render-city" -B "$TMP/ex" -DCMAKE_PREFIX_PATH="$TMP/moved" >/dev/null &&
        cmake --build "$TMP/ex" >/dev/null &&
        "$TMP/ex/render_city" "$COHORT/gold-city.submission.xml" "$COHORT/gold-city.audit.xml" "$TMP/peers.xml" "$TMP/cm.pdf" &&
        cmp "$TMP/cli.pdf" "$TMP/cm.pdf"
}
check "find_package(certreport CONFIG): the example renders the CLI's bytes" t_find_package

t_man() {
    MANPATH=$TMP/moved/share/man man -w certreport | grep -q "$TMP/moved/share/man/man1/certreport.1"
}
check "man certreport finds the installed page" t_man

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
