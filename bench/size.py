#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certreport benchmark: where a PDF's bytes go, and what compression or other font outlines
could take off. Reads haru PDFs (tagged or plain) with pikepdf and prints, as the mean per file:

  - the file, its page content streams, font programs, object stream (and, in it, the structure
    elements and the stream's own index of object numbers and offsets), the rest;
  - the file's size if its page content and object stream were deflated at libdeflate levels 1
    (what pdf_pack.c uses), 6 and 12 (libdeflate's slowest), the other bytes kept;
  - with --cff: the font programs' used glyphs as CFF outlines (what a FontFile3 would embed),
    deflated at level 9 like the TrueType ones.

usage: /usr/bin/python3 bench/size.py [--cff] FILE.pdf...
Needs pikepdf (python3-pikepdf), fontTools for --cff (python3-fonttools) and libdeflate's shared
library (libdeflate0). bench/size.sh makes the PDFs and runs it."""
import ctypes
import ctypes.util
import io
import os
import re
import sys

import pikepdf

LEVELS = (1, 6, 12)


class Deflate:
    """libdeflate's zlib format at a given level, through its shared library."""

    def __init__(self):
        name = ctypes.util.find_library("deflate") or "libdeflate.so.0"
        lib = ctypes.CDLL(name)
        lib.libdeflate_alloc_compressor.restype = ctypes.c_void_p
        lib.libdeflate_alloc_compressor.argtypes = [ctypes.c_int]
        lib.libdeflate_zlib_compress_bound.restype = ctypes.c_size_t
        lib.libdeflate_zlib_compress_bound.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        lib.libdeflate_zlib_compress.restype = ctypes.c_size_t
        lib.libdeflate_zlib_compress.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                                 ctypes.c_char_p, ctypes.c_size_t]
        self.lib = lib
        self.comp = {}

    def size(self, data, level):
        if level not in self.comp:
            self.comp[level] = self.lib.libdeflate_alloc_compressor(level)
        c = self.comp[level]
        cap = self.lib.libdeflate_zlib_compress_bound(c, len(data))
        out = ctypes.create_string_buffer(cap)
        n = self.lib.libdeflate_zlib_compress(c, data, len(data), out, cap)
        if n == 0:
            raise RuntimeError("libdeflate could not compress a stream")
        return n


def cff_size(ttf_bytes, deflate):
    """The used glyphs of a TrueType program as a CFF table, deflated at level 9."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(ttf_bytes))
    glyphs = font.getGlyphSet()
    glyf = font["glyf"]
    names, charstrings = [".notdef"], {}
    for i, g in enumerate(font.getGlyphOrder()):
        if g != ".notdef" and glyf[g].numberOfContours == 0:
            continue  # not used by the subset (libharu keeps every slot, empty)
        pen = T2CharStringPen(font["hmtx"][g][0], glyphs)
        glyphs[g].draw(pen)
        name = ".notdef" if g == ".notdef" else "g%d" % i
        if name != ".notdef":
            names.append(name)
        charstrings[name] = pen.getCharString()
    if ".notdef" not in charstrings:
        charstrings[".notdef"] = T2CharStringPen(0, glyphs).getCharString()
    fb = FontBuilder(font["head"].unitsPerEm, isTTF=False)
    fb.setupGlyphOrder(names)
    fb.setupCFF("Subset", {"FullName": "Subset"}, charstrings, {})
    return deflate.size(fb.font["CFF "].compile(fb.font), 9)


def measure(path, deflate, cff):
    pdf = pikepdf.open(path)
    raw_size = os.path.getsize(path)
    m = {"file": raw_size, "pages": 0, "fonts": 0, "objstm": 0, "objstm index": 0,
         "structure elements": 0, "structure elements, count": 0, "cff fonts": 0}
    recompress = {lvl: 0 for lvl in LEVELS}
    kept = raw_size
    for page in pdf.pages:
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        for s in streams:
            stored = len(s.read_raw_bytes())
            m["pages"] += stored
            kept -= stored
            data = s.read_bytes()
            for lvl in LEVELS:
                recompress[lvl] += deflate.size(data, lvl)
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if "/Length1" in obj:  # a TrueType font program
            m["fonts"] += len(obj.read_raw_bytes())
            if cff:
                m["cff fonts"] += cff_size(obj.read_bytes(), deflate)
        elif obj.get("/Type") == "/ObjStm":
            stored = len(obj.read_raw_bytes())
            m["objstm"] += stored
            kept -= stored
            data = obj.read_bytes()
            for lvl in LEVELS:
                recompress[lvl] += deflate.size(data, lvl)
            first = int(obj.First)
            m["objstm index"] += deflate.size(data[:first], 1)
            elements = re.findall(rb"<</S/[^\n]*", data[first:])
            m["structure elements, count"] += len(elements)
            if elements:
                m["structure elements"] += deflate.size(b"\n".join(elements), 1)
    m["rest"] = m["file"] - m["pages"] - m["fonts"] - m["objstm"]
    for lvl in LEVELS:
        m["file, pages and objstm at libdeflate %d" % lvl] = kept + recompress[lvl]
    return m


def main(argv):
    cff = "--cff" in argv
    files = [a for a in argv if a != "--cff"]
    if not files:
        print("usage: size.py [--cff] FILE.pdf...", file=sys.stderr)
        return 2
    deflate = Deflate()
    total = {}
    for f in files:
        for k, v in measure(f, deflate, cff).items():
            total[k] = total.get(k, 0) + v
    n = len(files)
    print(f"mean over {n} PDF{'s' if n > 1 else ''} (bytes; the parts of the object stream "
          "deflated on their own, libdeflate 1)")
    order = ["file", "pages", "fonts", "objstm", "objstm index", "structure elements",
             "structure elements, count", "rest"]
    order += ["file, pages and objstm at libdeflate %d" % lvl for lvl in LEVELS]
    if cff:
        order.append("cff fonts")
    for k in order:
        print(f"{k:<44} {total[k] / n:10.0f}")
    if cff:
        print(f"{'fonts as CFF minus as TrueType':<44} {(total['cff fonts'] - total['fonts']) / n:+10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
