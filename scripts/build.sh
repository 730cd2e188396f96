#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs certreport's build and test dependencies (Debian 12 packages) and builds it into build/.
# Usage: scripts/build.sh        (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    build-essential cmake pkg-config   # compiler and build system
    libxml2-dev                        # input: XML parsing and XSD validation
    libmimalloc-dev                    # the programs' allocator: 17% fewer instructions for stats
    libjansson-dev                     # --json output
    libhpdf-dev                        # the PDF writer (libharu)
    libcairo2-dev                      # PNG, SVG and a second PDF writer (cairo)
    libfreetype-dev                    # font metrics for the layout
    libunibreak-dev                    # Unicode line breaking
    libxxhash-dev                      # batch: content hashes of every input of a report
    libdeflate-dev                     # PDF: every stream compressed in one pass (2-3x faster than zlib)
    zlib1g-dev                         # bench: the zlib floor the PDF sizes are compared with
    libutf8proc-dev                    # input: text put in Unicode Normalization Form C
    libmicrohttpd-dev                  # certreport serve: the HTTP server (program only)
    nettle-dev                         # certreport serve: SHA-256 of tokens and reports (libmicrohttpd links it already)
    curl                               # the service's test talks to it with curl
    qpdf poppler-utils                 # tests read the PDFs back (qpdf --check, pdftotext, pdffonts)
    libcmocka-dev                      # unit tests
    valgrind                           # tests: the program under memcheck
    strace                             # tests: how often the batch reads a city's files
    wrk bc procps                      # bench/serve.sh: load generator, rates, its workers (tests/bench_test.sh runs it)
    cppcheck clang-tidy                # tests: static analysis
    python3 python3-jsonschema         # tests read JSON output and validate it against its schemas
    python3-pikepdf python3-fonttools  # the PDF/UA test (tests/ua): PDF objects, the Adobe Glyph List
    parallel                           # the batch test runs shards with GNU parallel
    clang-format                       # tests: the sources are formatted (.clang-format)
    locales                            # tests: the output under another locale (fr_CA.UTF-8)
    nodejs                             # the accessibility test reads the PDFs back with pdf.js
    chromium                           # the page test (tests/web_test.sh) drives it headless with puppeteer-core
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# npm installs pdf.js for the accessibility test (tests/a11y_test.sh runs npm ci in tests/a11y) and
# puppeteer-core for the page test (tests/web_test.sh: npm ci in tests/web, no browser download).
# Debian 12's nodejs comes without it, hence the npm package; a nodejs from elsewhere (NodeSource)
# brings its own npm and conflicts with Debian's npm package: install it only when none is there.
if ! command -v npm >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm
fi
# tests/locale_test.sh compares the output under fr_CA.UTF-8 with the C locale's.
if ! locale -a 2>/dev/null | grep -qix 'fr_CA\.utf-\?8'; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo localedef -i fr_CA -f UTF-8 fr_CA.UTF-8
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"

# The main job on the shipped samples: every city's report and the staff's overview, in out/.
mkdir -p out
build/certreport batch samples/cohort -o out/reports --quiet
build/certreport cohort samples/cohort -o out/overview.pdf
echo "build.sh: the sample cohort's reports are in out/reports/ (manifest.csv lists them), its overview is out/overview.pdf"
