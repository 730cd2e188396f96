#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make-fonts.sh -- regenerate the subset Noto Sans fonts shipped in fonts/.
#
# Takes Noto Sans Regular/Bold/Italic/BoldItalic from Debian's fonts-noto-core
# and subsets them with fonttools' pyftsubset to Basic Latin, Latin-1,
# Latin Extended-A, everything in Windows-1252 (the PDF writer embeds these
# as single-byte CP1252 fonts) and a little punctuation / symbols.
# Also regenerates fonts/OFL.txt from the package's copyright file.
#
# Then the fallback chain (fonts drawn only for characters the four faces lack,
# see fonts/README.md): Noto Sans "Extra" (Latin Extended-B/Additional, IPA,
# Greek, Cyrillic, combining marks, punctuation, currency, letterlike), Noto
# Sans Math, Noto Sans Symbols, Noto Sans Symbols2, Noto Sans Canadian
# Aboriginal (fonts-noto-core) and an emoji subset of Symbola (fonts-symbola),
# whose supplementary-plane characters are also mapped into the BMP Private
# Use Area (U+E000 + cp - U+1F000) for PDF writers limited to the BMP.
#
# Usage:  fonts/make-fonts.sh [OUTPUT_DIR]      (default: the fonts/ folder)
# Env:    NOTO_DIR  source directory (default /usr/share/fonts/truetype/noto)
#         SYMBOLA   Symbola font (default
#                   /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf)
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
symbola=${SYMBOLA:-/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf}
symbola_copyright=/usr/share/doc/fonts-symbola/copyright
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
for s in Math Symbols Symbols2 CanadianAboriginal; do
    [[ -r $noto_dir/NotoSans$s-Regular.ttf ]] ||
        die "$noto_dir/NotoSans$s-Regular.ttf missing; install it with: apt-get install fonts-noto-core"
done
[[ -r $symbola && -r $symbola_copyright ]] ||
    die "$symbola or $symbola_copyright missing; install them with: apt-get install fonts-symbola"
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
        --no-glyph-names \
        --notdef-outline \
        --name-IDs=0,1,2,6 \
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

# ------------------------------------------------------------ fallbacks ---
# The fallback chain, in the order the layout file lists it (layouts/*.xml
# <fallback>): each font keeps only the wanted code points that no face before
# it in the chain (the regular primary face included) has, so the files stay
# small and a character's font does not depend on which subsets overlap.
# BMP only, except the emoji font (Symbola: U+1F300-1F64F, 1F680-1F6FF and
# 1F900-1F9FF).  A font with supplementary characters gets a (3,1) format 4
# cmap with them mirrored into the Private Use Area
# (U+E000 + cp - U+1F000), beside its (3,10) format 12 cmap of the real code
# points: libharu 2.3.0 draws BMP codes only and reads the (3,1) cmap;
# FreeType and cairo read the (3,10) one.
fallbacks=(
    "NotoSans-Extra.ttf|$noto_dir/NotoSans-Regular.ttf|NotoSansExtra|0180-024F 0250-02FF 0300-036F 0370-03FF 0400-052F 1DC0-1DFF 1E00-1EFF 2000-206F 2070-209F 20A0-20CF 20D0-20FF 2100-214F 2150-218F 2C60-2C7F FB00-FB06 FE20-FE2F FFFC-FFFD"
    "NotoSansMath-Regular.ttf|$noto_dir/NotoSansMath-Regular.ttf||2190-21FF 2200-22FF 2300-23FF 27C0-27FF 2900-297F 2980-29FF 2A00-2AFF 2B00-2BFF"
    "NotoSansSymbols-Regular.ttf|$noto_dir/NotoSansSymbols-Regular.ttf||2100-214F 2190-21FF 2300-23FF 2400-243F 2460-24FF 2500-25FF 2600-26FF 2700-27BF 2B00-2BFF"
    "NotoSansSymbols2-Regular.ttf|$noto_dir/NotoSansSymbols2-Regular.ttf||2190-21FF 2300-23FF 2400-24FF 2500-25FF 2600-26FF 2700-27BF 2800-28FF 2B00-2BFF"
    "NotoSansCanadianAboriginal-Regular.ttf|$noto_dir/NotoSansCanadianAboriginal-Regular.ttf||1400-167F 18B0-18FF"
    "Symbola-Emoji.ttf|$symbola||1F300-1F64F 1F680-1F6FF 1F900-1F9FF"
)
covered=$tmp/covered.txt      # code points of the faces before, one per line
"$py" -c 'import sys; from fontTools.ttLib import TTFont
print("\n".join(str(c) for c in TTFont(sys.argv[1]).getBestCmap()))' \
    "$tmp/NotoSans-Regular.ttf" > "$covered"
for entry in "${fallbacks[@]}"; do
    IFS='|' read -r name src rename ranges <<< "$entry"
    unicodes=$("$py" - "$src" "$covered" "$ranges" <<'EOF'
import sys
from fontTools.ttLib import TTFont
src, covered, ranges = sys.argv[1], sys.argv[2], sys.argv[3].split()
cmap = TTFont(src, lazy=True).getBestCmap()
have = {int(l) for l in open(covered) if l.strip()}
wanted = set()
for item in ranges:
    lo, _, hi = item.partition("-")
    wanted.update(range(int(lo, 16), int(hi or lo, 16) + 1))
keep = sorted(c for c in wanted if c in cmap and c not in have)
with open(covered, "a") as f:
    f.write("".join("%d\n" % c for c in keep))
print(",".join("U+%04X" % c for c in keep))
EOF
    ) || die "coverage of $src failed"
    [[ -n $unicodes ]] || die "$src has none of the code points wanted for $name"
    pyftsubset "$src" \
        --output-file="$tmp/$name" \
        --unicodes="$unicodes" \
        --layout-features='' \
        --no-hinting \
        --no-glyph-names \
        --notdef-outline \
        --name-IDs=0,1,2,6 \
        --drop-tables+=DSIG
    # A subset of Noto Sans Regular must not share its PostScript name with
    # NotoSans-Regular.ttf (PDF writers would take the two for one font);
    # Noto has no Reserved Font Name, so a modified version may be renamed.
    # The emoji font: the PUA cmap described above.
    "$py" - "$tmp/$name" "$rename" <<'EOF'
import sys
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import cmap_classes
path, rename = sys.argv[1], sys.argv[2]
f = TTFont(path, recalcTimestamp=False)
changed = False
if rename:
    family = "Noto Sans Extra" if rename == "NotoSansExtra" else rename
    for rec in f["name"].names:
        if rec.nameID in (1, 16):
            rec.string = family
        elif rec.nameID == 4:
            rec.string = family + " Regular"
        elif rec.nameID == 6:
            rec.string = rename + "-Regular"
        elif rec.nameID == 3:
            rec.string = str(rec.toUnicode()).replace("NotoSans-Regular", rename + "-Regular")
    changed = True
cmap = f.getBestCmap()
supp = {c: g for c, g in cmap.items() if c > 0xFFFF}
if supp:
    bmp = {c: g for c, g in cmap.items() if c <= 0xFFFF}
    for c, g in supp.items():
        if not 0x1F000 <= c <= 0x1FAFF:
            sys.exit("%s: U+%04X is outside U+1F000-1FAFF, which the PUA formula covers" % (path, c))
        pua = 0xE000 + (c - 0x1F000)
        if pua in bmp:
            sys.exit("%s: PUA U+%04X already mapped" % (path, pua))
        bmp[pua] = g
    t4 = cmap_classes[4](4); t4.platformID, t4.platEncID, t4.language, t4.cmap = 3, 1, 0, bmp
    t12 = cmap_classes[12](12); t12.platformID, t12.platEncID, t12.language, t12.cmap = 3, 10, 0, dict(cmap)
    t12.reserved, t12.length, t12.nGroups = 0, 0, 0
    f["cmap"].tables = [t4, t12]
    changed = True
if changed:
    f.save(path)
EOF
done

# Re-check the fallbacks: no DSIG, head.modified as in the source, the emoji
# font's PUA mirror complete; print what each holds.
"$py" - "$tmp" "$covered" "${fallbacks[@]}" <<'EOF'
import os, sys
from fontTools.ttLib import TTFont
tmp, covered, entries = sys.argv[1], sys.argv[2], sys.argv[3:]
ok = True
for e in entries:
    name, src = e.split("|")[:2]
    f = TTFont(os.path.join(tmp, name))
    real = {}
    for t in f["cmap"].tables:
        if (t.platformID, t.platEncID) in ((3, 10), (0, 4)) or t.format == 12:
            real = t.cmap
    cmap = real or f.getBestCmap()
    if "DSIG" in f:
        ok = False; print("%s: DSIG table still present" % name, file=sys.stderr)
    if f["head"].modified != TTFont(src)["head"].modified:
        ok = False; print("%s: head.modified changed (non-deterministic)" % name, file=sys.stderr)
    bmp = f["cmap"].getcmap(3, 1).cmap
    for c, g in cmap.items():
        if c > 0xFFFF and bmp.get(0xE000 + c - 0x1F000) != g:
            ok = False; print("%s: U+%04X has no PUA mirror" % (name, c), file=sys.stderr)
    print("%-40s %5d glyphs %5d code points %7d bytes" % (
        name, f["maxp"].numGlyphs, len(cmap), os.path.getsize(os.path.join(tmp, name))))
sys.exit(0 if ok else 1)
EOF

# ------------------------------------------------------------ OFL.txt ---
# The full OFL 1.1 text is the stand-alone "License: OFL-1.1" paragraph of
# the machine-readable Debian copyright file (DEP-5: one-space indent, " ."
# for blank lines).  Prefix the canonical title and the fonts' copyright
# notice (name ID 0), as OFL condition 2 requires both.
{
    printf 'Noto Sans, Noto Sans Math, Symbols, Symbols2 and Canadian Aboriginal (NotoSans*.ttf\n'
    printf 'in this directory, subset from Debian fonts-noto-core)\n'
    "$py" - "$tmp" "${styles[@]/#/NotoSans-}" NotoSans-Extra \
        NotoSansMath-Regular NotoSansSymbols-Regular NotoSansSymbols2-Regular \
        NotoSansCanadianAboriginal-Regular <<'EOF'
import os, sys
from fontTools.ttLib import TTFont
seen = []
for s in sys.argv[2:]:
    n = TTFont(os.path.join(sys.argv[1], "%s.ttf" % s))["name"].getDebugName(0)
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

# ---------------------------------------------------- Symbola-LICENSE.txt ---
# Symbola's licence, as Debian's copyright file states it ("free for any use;
# they may be opened, edited, modified, regenerated, packaged and
# redistributed"), with the upstream author and copyright.
{
    printf 'Symbola (Symbola-Emoji.ttf in this directory: an emoji subset of Symbola 2.60\n'
    printf 'from Debian fonts-symbola, with a second cmap into the Private Use Area)\n\n'
    sed -n '/^Upstream Author:/,/^The Debian packaging is:/p' "$symbola_copyright" |
        sed '$d'
} > "$tmp/Symbola-LICENSE.txt"
grep -q 'may be opened, edited,' "$tmp/Symbola-LICENSE.txt" ||
    die "could not extract Symbola's licence from $symbola_copyright"

# --------------------------------------------------------------- install ---
for s in "${styles[@]}"; do
    mv -f "$tmp/NotoSans-$s.ttf" "$out/NotoSans-$s.ttf"
done
mv -f "$tmp/OFL.txt" "$out/OFL.txt"
for entry in "${fallbacks[@]}"; do
    name=${entry%%|*}
    mv -f "$tmp/$name" "$out/$name"
done
mv -f "$tmp/Symbola-LICENSE.txt" "$out/Symbola-LICENSE.txt"

version=$(dpkg-query -W -f='${Version}' fonts-noto-core 2>/dev/null || echo unknown)
echo "source: fonts-noto-core $version, $("$py" -c 'import fontTools; print("fonttools", fontTools.version)')"
for s in "${styles[@]}"; do echo "wrote: $out/NotoSans-$s.ttf"; done
echo "wrote: $out/OFL.txt"
for entry in "${fallbacks[@]}"; do echo "wrote: $out/${entry%%|*}"; done
echo "wrote: $out/Symbola-LICENSE.txt"
