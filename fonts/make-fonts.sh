#!/usr/bin/env bash
# make-fonts.sh -- regenerate the subset Noto Sans fonts shipped in fonts/.
#
# Takes Noto Sans Regular/Bold/Italic/BoldItalic from Debian's fonts-noto-core
# and subsets them with fonttools' pyftsubset to Basic Latin, Latin-1,
# Latin Extended-A, everything in Windows-1252 (the PDF writer embeds these
# as single-byte CP1252 fonts) and a little punctuation / symbols.
# Also regenerates fonts/OFL.txt from the package's copyright file.
#
# Usage:  fonts/make-fonts.sh [OUTPUT_DIR]      (default: the fonts/ folder)
# Env:    NOTO_DIR  source directory (default /usr/share/fonts/truetype/noto)
#         PYTHON    python3 interpreter that has fontTools (auto-detected)
#
# Output is deterministic: head.modified is copied from the source font
# (pyftsubset does not recalculate timestamps by default), so two runs with
# the same fonts-noto-core and fonttools versions give byte-identical files.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here}
noto_dir=${NOTO_DIR:-/usr/share/fonts/truetype/noto}
copyright_file=/usr/share/doc/fonts-noto-core/copyright
styles=(Regular Bold Italic BoldItalic)

die() { printf 'make-fonts.sh: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools ---
command -v pyftsubset >/dev/null 2>&1 ||
    die "pyftsubset not found; install it with: apt-get install fonttools"

py=
for cand in ${PYTHON:+"$PYTHON"} python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null 2>&1 &&
       "$cand" -c 'import fontTools' >/dev/null 2>&1; then
        py=$cand; break
    fi
done
[[ -n $py ]] ||
    die "no python3 with the fontTools module; install it with: apt-get install python3-fonttools (or set PYTHON=)"

for s in "${styles[@]}"; do
    [[ -r $noto_dir/NotoSans-$s.ttf ]] ||
        die "$noto_dir/NotoSans-$s.ttf missing; install it with: apt-get install fonts-noto-core"
done
[[ -r $copyright_file ]] ||
    die "$copyright_file missing (needed for OFL.txt); install it with: apt-get install fonts-noto-core"

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ------------------------------------------------------------- coverage ---
# Wanted code points.  Every CP1252 character is mandatory (the build fails
# if the face lacks one); the rest is requested only if the face has it.
wanted_extra='
0020-007E 00A0-017F 2010-2027 2030-203A 20AC 2122 2190-2193 2212
25A0 25CF 25CB 2713 2715 2022
'

for s in "${styles[@]}"; do
    src=$noto_dir/NotoSans-$s.ttf
    # Prints the comma-separated list of code points to keep; warnings to
    # stderr for optional code points the face lacks; exits 1 if a CP1252
    # character is missing.
    unicodes=$("$py" - "$src" "$wanted_extra" <<'EOF'
import sys
from fontTools.ttLib import TTFont

src, extra = sys.argv[1], sys.argv[2].split()
cmap = TTFont(src, lazy=True).getBestCmap()

cp1252 = set()
for b in range(0x20, 0x100):
    if 0x7F <= b < 0x80:
        continue
    try:
        cp1252.add(ord(bytes([b]).decode("cp1252")))
    except UnicodeDecodeError:      # 0x81 0x8D 0x8F 0x90 0x9D are undefined
        pass

wanted = set(cp1252)
for item in extra:
    lo, _, hi = item.partition("-")
    wanted.update(range(int(lo, 16), int(hi or lo, 16) + 1))

missing_cp = sorted(c for c in cp1252 if c not in cmap)
if missing_cp:
    sys.exit("%s lacks CP1252 code points: %s" % (
        src, " ".join("U+%04X" % c for c in missing_cp)))
absent = sorted(c for c in wanted if c not in cmap)
if absent:
    print("make-fonts.sh: note: %s lacks (skipped): %s" % (
        src.rsplit("/", 1)[-1], " ".join("U+%04X" % c for c in absent)),
        file=sys.stderr)
print(",".join("U+%04X" % c for c in sorted(wanted) if c in cmap))
EOF
    ) || die "coverage check failed for $src"

    pyftsubset "$src" \
        --output-file="$tmp/NotoSans-$s.ttf" \
        --unicodes="$unicodes" \
        --layout-features='' \
        --no-hinting \
        --glyph-names \
        --notdef-outline \
        --name-IDs='*' \
        --drop-tables+=DSIG
done

# ---------------------------------------------------------------- check ---
# Re-open the subsets: every CP1252 character must map to a glyph, no DSIG,
# and head.modified must equal the source's (determinism).
"$py" - "$noto_dir" "$tmp" "${styles[@]}" <<'EOF'
import os, sys
from fontTools.ttLib import TTFont

noto_dir, tmp, styles = sys.argv[1], sys.argv[2], sys.argv[3:]
cp1252 = []
for b in list(range(0x20, 0x7F)) + list(range(0x80, 0x100)):
    try:
        cp1252.append(ord(bytes([b]).decode("cp1252")))
    except UnicodeDecodeError:
        pass
ok = True
for s in styles:
    name = "NotoSans-%s.ttf" % s
    f = TTFont(os.path.join(tmp, name))
    cmap = f.getBestCmap()
    miss = [c for c in cp1252 if c not in cmap]
    if miss:
        ok = False
        print("%s: missing %s" % (name, " ".join("U+%04X" % c for c in miss)),
              file=sys.stderr)
    if "DSIG" in f:
        ok = False
        print("%s: DSIG table still present" % name, file=sys.stderr)
    if f["head"].modified != TTFont(os.path.join(noto_dir, name))["head"].modified:
        ok = False
        print("%s: head.modified changed (non-deterministic)" % name,
              file=sys.stderr)
    print("%-26s %5d glyphs %4d code points %7d bytes" % (
        name, f["maxp"].numGlyphs, len(cmap),
        os.path.getsize(os.path.join(tmp, name))))
sys.exit(0 if ok else 1)
EOF

# ------------------------------------------------------------ OFL.txt ---
# The full OFL 1.1 text is the stand-alone "License: OFL-1.1" paragraph of
# the machine-readable Debian copyright file (DEP-5: one-space indent, " ."
# for blank lines).  Prefix the canonical title and the fonts' copyright
# notice (name ID 0), as OFL condition 2 requires both.
{
    printf 'Noto Sans (NotoSans-*.ttf in this directory, subset from Debian fonts-noto-core)\n'
    "$py" - "$tmp" "${styles[@]}" <<'EOF'
import os, sys
from fontTools.ttLib import TTFont
seen = []
for s in sys.argv[2:]:
    n = TTFont(os.path.join(sys.argv[1], "NotoSans-%s.ttf" % s))["name"].getDebugName(0)
    if n and n not in seen:
        seen.append(n)
print("\n".join(seen))
EOF
    printf '(Debian copyright file for the package: Copyright 2010,2012-2020 Google Inc.;\n'
    printf ' 2015-2020 Google LLC.)  No Reserved Font Name.\n\n'
    printf 'This Font Software is licensed under the SIL Open Font License, Version 1.1.\n'
    printf 'This license is copied below, and is also available with a FAQ at:\n'
    printf 'https://openfontlicense.org\n\n\n'
    printf -- '-----------------------------------------------------------\n'
    printf 'SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007\n'
    printf -- '-----------------------------------------------------------\n\n'
    awk 'BEGIN { RS = ""; ORS = "" }
         /^License: OFL-1\.1\n/ { sub(/^License: OFL-1\.1\n/, ""); print; print "\n"; exit }' \
        "$copyright_file" | sed -e 's/^ \.$//' -e 's/^ //'
} > "$tmp/OFL.txt"
grep -q '^PREAMBLE$' "$tmp/OFL.txt" && grep -q '^DISCLAIMER$' "$tmp/OFL.txt" ||
    die "could not extract the OFL 1.1 text from $copyright_file"

# --------------------------------------------------------------- install ---
for s in "${styles[@]}"; do
    mv -f "$tmp/NotoSans-$s.ttf" "$out/NotoSans-$s.ttf"
done
mv -f "$tmp/OFL.txt" "$out/OFL.txt"

version=$(dpkg-query -W -f='${Version}' fonts-noto-core 2>/dev/null || echo unknown)
echo "source: fonts-noto-core $version, $("$py" -c 'import fontTools; print("fonttools", fontTools.version)')"
for s in "${styles[@]}"; do echo "wrote: $out/NotoSans-$s.ttf"; done
echo "wrote: $out/OFL.txt"
