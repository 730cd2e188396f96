#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""certreport tests: the PDF/UA checker (check.py) can fail. A good tagged report (one certreport
wrote, given as the argument) must pass every check; broken variants of it, each made with
pikepdf, must each fail the check they break.

usage: /usr/bin/python3 tests/ua/selftest.py GOOD.pdf [TMPDIR]
Prints `ok`/`FAIL` per variant, then `N passed, N failed`; exits 1 if any failed.
"""
import os
import re
import sys
import tempfile

import pikepdf
from pikepdf import Array, Dictionary, Name, String

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402


def elems(pdf):
    _, order = check.walk_tree(pdf, check.Report())
    return order


def first(pdf, role):
    return next(e.obj for e in elems(pdf) if e.role == role)


def page1(pdf):
    return pdf.pages[0]


def content(page):
    return page.obj.Contents.read_bytes() if not isinstance(page.obj.Contents, Array) else b"".join(
        c.read_bytes() for c in page.obj.Contents)


def set_content(pdf, page, data):
    page.obj.Contents = pdf.make_stream(data)


def append(pdf, data):
    p = page1(pdf)
    font = next(iter(p.obj.Resources.Font.keys()))
    set_content(pdf, p, content(p) + data.replace(b"FONT", str(font).encode()))


def edit_shown(pdf, pred, change):
    """Changes the first string shown with Tj on any page for which pred(bytes) holds."""
    for page in pdf.pages:
        ops = pikepdf.parse_content_stream(page)
        for i, (operands, op) in enumerate(ops):
            if str(op) == "Tj" and pred(bytes(operands[0])):
                ops[i] = pikepdf.ContentStreamInstruction([String(change(bytes(operands[0])))], op)
                set_content(pdf, page, pikepdf.unparse_content_stream(ops))
                return True
    raise AssertionError("no such text")


def xmp(pdf, sub):
    md = pdf.Root.Metadata
    data = md.read_bytes().decode("utf-8")
    new = sub(data)
    assert new != data
    pdf.Root.Metadata = pdf.make_stream(new.encode("utf-8"))


def simple_font(pdf):
    for _, _, f in check.fonts_of(pdf):
        if f.get("/Subtype") == Name.TrueType:
            return f
    raise AssertionError("no simple font")


def a_link_annot(pdf):
    for page in pdf.pages:
        for a in page.obj.get("/Annots", []):
            if a.get("/Subtype") == Name.Link:
                return page, a
    raise AssertionError("no link")


def drop_objr(pdf):
    _, annot = a_link_annot(pdf)
    for e in elems(pdf):
        k = e.obj.get("/K")
        if isinstance(k, Array):
            keep = [x for x in k if not (isinstance(x, Dictionary) and x.get("/Type") == Name.OBJR
                                         and x.Obj.objgen == annot.objgen)]
            if len(keep) != len(k):
                e.obj.K = Array(keep)
                return
    raise AssertionError("no OBJR")


def after_h1_h2(pdf):
    seen = False
    for e in elems(pdf):
        if e.role == "H1":
            seen = True
        elif e.role == "H2" and seen:
            e.obj.S = Name.H3
            return
    raise AssertionError("no H2")


def form_with_mcid(pdf):
    p = page1(pdf)
    x = pdf.make_stream(b"/P <</MCID 0>> BDC EMC", Type=Name.XObject, Subtype=Name.Form,
                        BBox=Array([0, 0, 10, 10]))
    res = p.obj.Resources
    if "/XObject" not in res:
        res.XObject = Dictionary()
    res.XObject.Fx1 = x
    append(pdf, b"\n/Artifact BMC q /Fx1 Do Q EMC\n")


# (check id, what is broken, how)
VARIANTS = [
    ("01", "a text shown outside marked content (01-005)",
     lambda pdf: append(pdf, b"\nBT /FONT 9 Tf 1 0 0 1 100 100 Tm (x) Tj ET\n")),
    ("01", "tagged content inside an artifact (01-004)",
     lambda pdf: append(pdf, b"\n/Artifact BMC /P <</MCID 990>> BDC EMC EMC\n")),
    ("01", "an MCID the parent tree does not know",
     lambda pdf: append(pdf, b"\n/P <</MCID 991>> BDC BT /FONT 9 Tf 1 0 0 1 100 100 Tm (x) Tj ET EMC\n")),
    ("01", "a marked-content sequence begun in a text object and ended after it",
     lambda pdf: append(pdf, b"\nBT /Artifact BMC /FONT 9 Tf 1 0 0 1 100 100 Tm (x) Tj ET EMC\n")),
    ("01", "a path painted outside marked content (01-005)",
     lambda pdf: append(pdf, b"\n0 0 10 10 re f\n")),
    ("06", "no /Metadata (06-001)", lambda pdf: pdf.Root.__delitem__("/Metadata")),
    ("06", "no pdfuaid:part in the XMP (06-002)",
     lambda pdf: xmp(pdf, lambda s: re.sub(r"<pdfuaid:part>1</pdfuaid:part>", "<pdfuaid:amd>2012</pdfuaid:amd>",
                                           re.sub(r'pdfuaid:part="1"', 'pdfuaid:amd="2012"', s)))),
    ("06", "no dc:title in the XMP (06-003)",
     lambda pdf: xmp(pdf, lambda s: re.sub(r"<dc:title>.*?</dc:title>", "", s, flags=re.S))),
    ("07", "DisplayDocTitle false (07-002)",
     lambda pdf: pdf.Root.ViewerPreferences.__setitem__("/DisplayDocTitle", False)),
    ("07", "no ViewerPreferences (07-001)", lambda pdf: pdf.Root.__delitem__("/ViewerPreferences")),
    ("09", "a structure type that is not standard and not role-mapped (02-001)",
     lambda pdf: first(pdf, "P").__setitem__("/S", Name("/Paragraph"))),
    ("09", "TD cells not in a TR (09-004)", lambda pdf: first(pdf, "TR").__setitem__("/S", Name.Div)),
    ("09", "LI not in an L (09-005)", lambda pdf: first(pdf, "L").__setitem__("/S", Name.Div)),
    ("09", "LBody not in an LI (09-006)", lambda pdf: first(pdf, "LI").__setitem__("/S", Name.Div)),
    ("11", "no /Lang", lambda pdf: pdf.Root.__delitem__("/Lang")),
    ("11", "a /Lang that is no language tag (11-006)", lambda pdf: pdf.Root.__setitem__("/Lang", String("english (US)"))),
    ("13", "a Figure without /Alt (13-004)", lambda pdf: first(pdf, "Figure").__delitem__("/Alt")),
    ("14", "the first heading an H2 (14-002)", lambda pdf: first(pdf, "H1").__setitem__("/S", Name.H2)),
    ("14", "an H3 right after an H1 (14-003)", after_h1_h2),
    ("15", "a TH without /Scope (15-003)", lambda pdf: first(pdf, "TH").__delitem__("/A")),
    ("15", "a TR that holds a P", lambda pdf: first(pdf, "TD").__setitem__("/S", Name.P)),
    ("28", "a page with links but no /Tabs (28-008)", lambda pdf: a_link_annot(pdf)[0].obj.__delitem__("/Tabs")),
    ("28", "/Tabs /R (28-009)", lambda pdf: a_link_annot(pdf)[0].obj.__setitem__("/Tabs", Name.R)),
    ("28", "a link without /Contents (28-012)", lambda pdf: a_link_annot(pdf)[1].__delitem__("/Contents")),
    ("28", "a link annotation in no Link element (28-002/011)", drop_objr),
    ("30", "a form XObject holding MCIDs (30-002)", form_with_mcid),
    ("31", "/Differences [127 /.notdef], as libharu writes it (PDF/UA-1 7.21.6)",
     lambda pdf: simple_font(pdf).__setitem__("/Encoding", Dictionary(
         Type=Name.Encoding, BaseEncoding=Name.WinAnsiEncoding, Differences=Array([127, Name("/.notdef")])))),
    ("31", "a font not embedded (31-009)",
     lambda pdf: simple_font(pdf).FontDescriptor.__delitem__("/FontFile2")),
    ("31", "a non-symbolic TrueType font with /Encoding /StandardEncoding (7.21.6)",
     lambda pdf: simple_font(pdf).__setitem__("/Encoding", Name.StandardEncoding)),
    ("words", "a wrapped line without its trailing space (\"andmet\")",
     lambda pdf: edit_shown(pdf, lambda b: b.endswith(b"and "), lambda b: b[:-1])),
    ("words", "a line-end hyphen lost (\"selfassessment\")",
     lambda pdf: edit_shown(pdf, lambda b: b.endswith(b"self-"), lambda b: b[:-1])),
]

CID_VARIANTS = [
    ("31", "a Type0 font without /ToUnicode (10-001)", lambda pdf: cid_font(pdf).__delitem__("/ToUnicode")),
]


def cid_font(pdf):
    for _, _, f in check.fonts_of(pdf):
        if f.get("/Subtype") == Name.Type0:
            return f
    raise AssertionError("no Type0 font")


def main(argv):
    if not argv or len(argv) > 3:
        print("usage: selftest.py GOOD.pdf [GOOD_WITH_CID_FONTS.pdf] [TMPDIR]", file=sys.stderr)
        return 2
    good, cid = argv[0], argv[1] if len(argv) > 1 and argv[1].endswith(".pdf") else None
    tmp = argv[-1] if len(argv) > 1 and not argv[-1].endswith(".pdf") else tempfile.mkdtemp()
    passed = failed = 0
    verbose = os.environ.get("UA_VERBOSE") == "1"

    def result(ok, what, why=""):
        nonlocal passed, failed
        print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {why}"))
        passed += ok
        failed += not ok

    bases = [(good, VARIANTS)] + ([(cid, CID_VARIANTS)] if cid else [])
    for base, variants in bases:
        rep = check.check_file(base, False)
        result(not rep.fails, f"{os.path.basename(base)} passes every check", str(rep.fails)[:300])
        for n, (cid_, what, how) in enumerate(variants):
            out = os.path.join(tmp, f"variant-{cid_}-{n}.pdf")
            try:
                with pikepdf.open(base) as pdf:
                    how(pdf)
                    pdf.save(out)
            except Exception as ex:  # noqa: BLE001
                result(False, f"{cid_} {what}", f"cannot make the variant: {ex!r}")
                continue
            rep = check.check_file(out, False)
            result(cid_ in rep.fails, f"{cid_} fails: {what}",
                   f"check {cid_} passed it (failed: {sorted(rep.fails)})")
            if verbose and cid_ in rep.fails:
                print(f"     {rep.fails[cid_][0]}")
    print(f"self-test: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
