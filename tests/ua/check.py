#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""certreport tests: a PDF/UA-1 checker of our own, on the Matterhorn Protocol 1.1.

Checks the machine-checkable Matterhorn conditions that apply to the PDFs certreport writes (what
they are: tests/ua/README.md), with pikepdf (Debian's python3-pikepdf, hence
/usr/bin/python3) and, for the words check, poppler's pdfinfo and pdftotext.

usage: /usr/bin/python3 tests/ua/check.py [--verbose] FILE.pdf...
Prints one line per failed check, `FILE: ID name: reason` (the first few places), then
`N passed, N failed` (N counts file x check); exits 1 if any check failed, 2 on bad usage.
"""
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET

import pikepdf
from pikepdf import Array, Dictionary, Name

try:
    from fontTools.agl import LEGACY_AGL2UV as AGL  # the whole Adobe Glyph List
except ImportError:  # pragma: no cover - scripts/build.sh installs python3-fonttools
    AGL = None

# check id -> name; the ids are Matterhorn checkpoints (01-xxx: its failure conditions), except
# "words", which is ours (text read through the structure keeps its word boundaries).
CHECKS = [
    ("01", "tagged-content"),  # 01-003/004/005, MCIDs in the parent tree, nesting with BT/ET
    ("06", "metadata"),        # 06-001/002/003
    ("07", "doc-title"),       # 07-001/002
    ("09", "tags"),            # 02-001, 09-004/005/006 (+ the structure's shape)
    ("11", "lang"),            # 11-001..006
    ("13", "figure-alt"),      # 13-004
    ("14", "headings"),        # 14-002/003 (+ 14-006/007: H and Hn not mixed)
    ("15", "tables"),          # 15-003 (+ cells in TR, rows of one width)
    ("28", "annotations"),     # 28-002/008/009/011/012
    ("30", "xobjects"),        # 30-001/002
    ("31", "fonts"),           # 10-001, 31-006/009/017.., PDF/UA-1 7.21.6 Differences
    ("words", "word-boundaries"),
]

STANDARD = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
    P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note
    Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form""".split())
INLINE = {"Span", "Link", "Quote", "Note", "Reference", "BibEntry", "Code", "Annot", "Ruby", "Warichu"}
HEADING = re.compile(r"^H([1-6])$")
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # BCP 47, the shapes we could write
SHOW = {"Tj", "TJ", "'", '"'}
PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "INLINE IMAGE"}
NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


def q(s, n=60):
    s = str(s)
    return '"' + (s if len(s) <= n else s[: n - 1] + "…") + '"'


class Report:
    def __init__(self):
        self.fails = {}

    def fail(self, cid, msg):
        self.fails.setdefault(cid, []).append(msg)


# ---- the structure tree ---------------------------------------------------------------------

class Elem:
    def __init__(self, obj, parent, role):
        self.obj, self.parent, self.role, self.kids = obj, parent, role, []  # kids: Elem or ("mcid", page, n) or ("objr", obj)

    @property
    def s(self):
        return str(self.obj.get("/S", ""))[1:]


def role_of(s, rolemap):
    seen = set()
    while s not in STANDARD and s in rolemap and s not in seen:
        seen.add(s)
        s = rolemap[s]
    return s


def walk_tree(pdf, rep):
    """The structure elements in document order (depth first), and the MCIDs they hold per page."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return None, []
    rm = root.get("/RoleMap", Dictionary())
    rolemap = {str(k)[1:]: str(v)[1:] for k, v in rm.items()}
    order = []
    seen = set()

    def kids_of(k):
        if k is None:
            return []
        return list(k) if isinstance(k, Array) else [k]

    def visit(obj, parent, page):
        if obj.objgen != (0, 0):
            if obj.objgen in seen:
                rep.fail("09", f"structure element {obj.objgen} is reached twice")
                return None
            seen.add(obj.objgen)
        s = str(obj.get("/S", ""))[1:]
        e = Elem(obj, parent, role_of(s, rolemap))
        order.append(e)
        pg = obj.get("/Pg", page)
        for k in kids_of(obj.get("/K")):
            if isinstance(k, int):
                e.kids.append(("mcid", pg, int(k)))
            elif isinstance(k, Dictionary):
                t = k.get("/Type")
                if t == Name.MCR:
                    e.kids.append(("mcid", k.get("/Pg", pg), int(k.MCID)))
                elif t == Name.OBJR:
                    e.kids.append(("objr", k.Obj))
                else:
                    c = visit(k, e, pg)
                    if c:
                        e.kids.append(c)
        return e

    top = Elem(root, None, "StructTreeRoot")
    for k in kids_of(root.get("/K")):
        if isinstance(k, Dictionary):
            c = visit(k, top, None)
            if c:
                top.kids.append(c)
    return top, order


# ---- 01: tagged content ---------------------------------------------------------------------

def check_content(pdf, rep, order):
    """Every painting operator inside marked content that is an artifact or has an MCID, never
    both nested; every MCID on a page unique and in the parent tree, pointing at the element that
    holds it; every element's MCID on its page."""
    root = pdf.Root.get("/StructTreeRoot")
    nums = {}
    if root is not None and "/ParentTree" in root:
        def collect(node):
            if "/Nums" in node:
                a = node.Nums
                for i in range(0, len(a) - 1, 2):
                    nums[int(a[i])] = a[i + 1]
            for kid in node.get("/Kids", []):
                collect(kid)
        collect(root.ParentTree)
    held = {}  # (page objgen, mcid) -> element
    for e in order:
        for k in e.kids:
            if isinstance(k, tuple) and k[0] == "mcid":
                if k[1] is None:
                    rep.fail("01", f"{e.s} holds MCID {k[2]} with no /Pg")
                else:
                    held[(k[1].objgen, k[2])] = e
    for pno, page in enumerate(pdf.pages, 1):
        # Marked content and text objects nest (ISO 32000-1, 14.6): a sequence begun inside a
        # text object ends inside it, one begun outside ends outside.
        stack, mcids, untagged, in_text, crossed = [], set(), 0, False, 0
        try:
            ops = pikepdf.parse_content_stream(page)
        except Exception as ex:  # noqa: BLE001
            rep.fail("01", f"page {pno}: content stream unreadable: {ex}")
            continue
        opened_in = []  # per open sequence: whether it began in a text object
        for operands, op in ops:
            op = str(op)
            if op in ("BMC", "BDC"):
                tag = str(operands[0])
                props = operands[1] if op == "BDC" and len(operands) > 1 else None
                mcid = None
                if isinstance(props, Dictionary) and "/MCID" in props:
                    mcid = int(props.MCID)
                kind = "artifact" if tag == "/Artifact" else "mcid" if mcid is not None else "other"
                if kind == "mcid" and "artifact" in stack:
                    rep.fail("01", f"page {pno}: MCID {mcid} inside an artifact (01-004)")
                if kind == "artifact" and "mcid" in stack:
                    rep.fail("01", f"page {pno}: an artifact inside tagged content (01-003)")
                if kind == "mcid":
                    if mcid in mcids:
                        rep.fail("01", f"page {pno}: MCID {mcid} used twice")
                    mcids.add(mcid)
                stack.append(kind)
                opened_in.append(in_text)
            elif op == "EMC":
                if not stack:
                    rep.fail("01", f"page {pno}: EMC without BMC/BDC")
                else:
                    stack.pop()
                    if opened_in.pop() != in_text:
                        crossed += 1
            elif op == "BT":
                in_text = True
            elif op == "ET":
                in_text = False
            elif op in SHOW or op in PAINT:
                if "artifact" not in stack and "mcid" not in stack:
                    untagged += 1
        if stack:
            rep.fail("01", f"page {pno}: {len(stack)} marked-content sequence(s) left open")
        if crossed:
            rep.fail("01", f"page {pno}: {crossed} marked-content sequence(s) crossing BT/ET")
        if untagged:
            rep.fail("01", f"page {pno}: {untagged} painting operator(s) neither tagged nor an artifact (01-005)")
        if root is None:
            continue
        sp = page.obj.get("/StructParents")
        if mcids and sp is None:
            rep.fail("01", f"page {pno}: marked content but no /StructParents")
            continue
        arr = nums.get(int(sp)) if sp is not None else None
        for m in sorted(mcids):
            parent = arr[m] if arr is not None and m < len(arr) else None
            owner = held.get((page.obj.objgen, m))
            if parent is None or not isinstance(parent, Dictionary):
                rep.fail("01", f"page {pno}: MCID {m} has no parent tree entry")
            elif owner is None or parent.objgen != owner.obj.objgen:
                rep.fail("01", f"page {pno}: MCID {m}: the parent tree names an element that does not hold it")
        for (pg, m), e in held.items():
            if pg == page.obj.objgen and m not in mcids:
                rep.fail("01", f"page {pno}: {e.s} holds MCID {m}, which the page does not have")


# ---- 06, 07, 11: document ---------------------------------------------------------------------

def check_document(pdf, rep, order):
    md = pdf.Root.get("/Metadata")
    if md is None:
        rep.fail("06", "no /Metadata stream in the catalog (06-001)")
    else:
        try:
            x = ET.fromstring(md.read_bytes())
            part = [d.get(f"{{{NS['pdfuaid']}}}part") for d in x.iter(f"{{{NS['rdf']}}}Description")]
            part += [p.text for p in x.iter(f"{{{NS['pdfuaid']}}}part")]
            if not any(p and p.strip() == "1" for p in part):
                rep.fail("06", "the XMP metadata has no pdfuaid:part 1 (06-002)")
            titles = [li.text for t in x.iter(f"{{{NS['dc']}}}title") for li in t.iter(f"{{{NS['rdf']}}}li")]
            if not any(t and t.strip() for t in titles):
                rep.fail("06", "the XMP metadata has no dc:title (06-003)")
        except ET.ParseError as ex:
            rep.fail("06", f"the XMP metadata is not well-formed XML: {ex}")
    vp = pdf.Root.get("/ViewerPreferences", Dictionary())
    if vp.get("/DisplayDocTitle") is not True:
        rep.fail("07", f"/ViewerPreferences /DisplayDocTitle is {vp.get('/DisplayDocTitle')}, not true (07-001/002)")
    lang = pdf.Root.get("/Lang")
    if lang is None:
        rep.fail("11", "no /Lang in the catalog (11-001..005 need a language for every text)")
    elif not LANG.match(str(lang)):
        rep.fail("11", f"the catalog's /Lang {q(lang)} is no language tag (11-006)")
    for e in order:
        if "/Lang" in e.obj and not LANG.match(str(e.obj.Lang)):
            rep.fail("11", f"{e.s}: /Lang {q(e.obj.Lang)} is no language tag (11-006)")


# ---- 09, 13, 14, 15: tags -------------------------------------------------------------------

def elem_kids(e):
    return [k for k in e.kids if isinstance(k, Elem)]


def check_tags(pdf, rep, top, order):
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or not pdf.Root.get("/MarkInfo", Dictionary()).get("/Marked"):
        rep.fail("09", "not a tagged PDF: no /StructTreeRoot or /MarkInfo /Marked true (01-001..)")
        return
    rm = root.get("/RoleMap", Dictionary())
    for k, v in rm.items():
        if str(k)[1:] in STANDARD:
            rep.fail("09", f"the role map remaps the standard type {k} (02-004)")
    for e in order:
        if e.role not in STANDARD:
            rep.fail("09", f"structure type {q(e.s)} is neither standard nor role-mapped to one (02-001)")
        if e.s == "Artifact":
            rep.fail("09", "an element /S /Artifact: an artifact in the structure")
        p = e.parent.role if e.parent else None
        if e.role in ("TR",) and p not in ("Table", "THead", "TBody", "TFoot"):
            rep.fail("09", f"TR in {p} (09-004)")
        if e.role in ("TH", "TD") and p != "TR":
            rep.fail("09", f"{e.role} {(text_of(pdf, e))} in {p}, not in a TR (09-004)")
        if e.role in ("THead", "TBody", "TFoot") and p != "Table":
            rep.fail("09", f"{e.role} in {p} (09-004)")
        if e.role == "Table":
            for k in elem_kids(e):
                if k.role not in ("TR", "THead", "TBody", "TFoot", "Caption"):
                    rep.fail("09", f"a {k.role} directly in a Table (09-004)")
        if e.role == "LI" and p != "L":
            rep.fail("09", f"LI in {p} (09-005)")
        if e.role == "L":
            for k in elem_kids(e):
                if k.role not in ("LI", "L", "Caption"):
                    rep.fail("09", f"a {k.role} directly in an L (09-005)")
        if e.role in ("Lbl", "LBody") and p not in ("LI",) and not (e.role == "Lbl" and p in ("BibEntry", "Note", "TOCI")):
            rep.fail("09", f"{e.role} in {p}, not in an LI (09-006)")
        if e.role == "Figure" and not (str(e.obj.get("/Alt", "")).strip() or str(e.obj.get("/ActualText", "")).strip()):
            rep.fail("13", f"a Figure without /Alt (13-004){where(pdf, e)}")
    if top is not None and (len(top.kids) != 1 or top.kids[0].role != "Document"):
        rep.fail("09", f"the structure tree's root holds {[k.role for k in top.kids][:5]}, not one Document")

    # 14: headings in document order
    heads = [e for e in order if HEADING.match(e.role) or e.role == "H"]
    numbered = [e for e in heads if e.role != "H"]
    if numbered and len(numbered) != len(heads):
        rep.fail("14", "both H and H1-H6 headings (14-006/007)")
    if numbered:
        if numbered[0].role != "H1":
            rep.fail("14", f"the first heading is {numbered[0].role} {(text_of(pdf, numbered[0]))}, not H1 (14-002)")
        level = 0
        for h in numbered:
            n = int(h.role[1])
            if n > level + 1:
                rep.fail("14", f"{h.role} {(text_of(pdf, h))} after an H{level}: a level skipped (14-003)")
            level = n
    for h in heads:
        if not h.kids and not str(h.obj.get("/Alt", "")).strip():
            rep.fail("14", f"{h.role}{where(pdf, h)}: a heading with no content and no /Alt")

    # 15: tables
    for t in (e for e in order if e.role == "Table"):
        rows = [r for r in desc(t) if r.role == "TR"]
        if not rows:
            rep.fail("15", "a Table with no TR")
        widths = set()
        for r in rows:
            cells = [c for c in elem_kids(r)]
            bad = [c.role for c in cells if c.role not in ("TH", "TD")]
            if bad:
                rep.fail("15", f"a TR holds {bad[0]}, not TH or TD")
            widths.add(sum(int(c.obj.get("/A", Dictionary()).get("/ColSpan", 1)) if isinstance(c.obj.get("/A"), Dictionary) else 1 for c in cells))
        if len(widths) > 1:
            rep.fail("15", f"a Table's rows have {sorted(widths)} cells: not one width (15-xxx regular table)")
    for th in (e for e in order if e.role == "TH"):
        if "/Headers" in th.obj:
            continue
        attrs = th.obj.get("/A")
        attrs = list(attrs) if isinstance(attrs, Array) else [attrs] if attrs is not None else []
        scope = [a.get("/Scope") for a in attrs if isinstance(a, Dictionary) and a.get("/O") == Name.Table]
        if not any(s in (Name.Row, Name.Column, Name.Both) for s in scope):
            rep.fail("15", f"TH {(text_of(pdf, th))} has no /Scope and no /Headers (15-003)")


def desc(e):
    for k in elem_kids(e):
        yield k
        if k.role != "Table":
            yield from desc(k)


def where(pdf, e):
    pg = e.obj.get("/Pg")
    if pg is None:
        return ""
    for i, p in enumerate(pdf.pages, 1):
        if p.obj.objgen == pg.objgen:
            return f" on page {i}"
    return ""


def text_of(pdf, e):
    """Only for messages: the element's /Alt, else where it is."""
    alt = str(e.obj.get("/Alt", e.obj.get("/ActualText", "")))
    return q(alt) if alt else where(pdf, e).strip() or "(no page)"


# ---- 28: annotations ------------------------------------------------------------------------

def check_annotations(pdf, rep, order):
    objr = {}
    for e in order:
        for k in e.kids:
            if isinstance(k, tuple) and k[0] == "objr":
                objr[k[1].objgen] = e
    root = pdf.Root.get("/StructTreeRoot")
    nums = {}
    if root is not None and "/ParentTree" in root:
        a = root.ParentTree.get("/Nums", [])
        for i in range(0, len(a) - 1, 2):
            nums[int(a[i])] = a[i + 1]
    for pno, page in enumerate(pdf.pages, 1):
        annots = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") not in (Name.Popup,)]
        if not annots:
            continue
        if page.obj.get("/Tabs") is None:
            rep.fail("28", f"page {pno}: annotations but no /Tabs (28-008)")
        elif page.obj.Tabs != Name.S:
            rep.fail("28", f"page {pno}: /Tabs {page.obj.Tabs}, not /S (28-009)")
        for a in annots:
            sub = str(a.get("/Subtype"))
            e = objr.get(a.objgen)
            if e is None:
                rep.fail("28", f"page {pno}: a {sub} annotation is in no structure element (28-002)")
            elif sub == "/Link" and e.role != "Link":
                rep.fail("28", f"page {pno}: a link annotation in a {e.role}, not a Link (28-011)")
            sp = a.get("/StructParent")
            if sp is None or (e is not None and (nums.get(int(sp)) is None or nums[int(sp)].objgen != e.obj.objgen)):
                rep.fail("28", f"page {pno}: a {sub} annotation whose /StructParent does not lead to its element")
            if sub == "/Link" and not str(a.get("/Contents", "")).strip():
                rep.fail("28", f"page {pno}: a link annotation without /Contents (28-012)")


# ---- 30, 31: XObjects, fonts --------------------------------------------------------------------

def fonts_of(pdf):
    seen = {}
    for pno, page in enumerate(pdf.pages, 1):
        res = page.obj.get("/Resources", Dictionary())
        for name, f in res.get("/Font", Dictionary()).items():
            seen.setdefault(f.objgen, (pno, str(name), f))
    return seen.values()


def embedded(fd):
    return fd is not None and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_fonts(pdf, rep):
    for pno, page in enumerate(pdf.pages, 1):
        res = page.obj.get("/Resources", Dictionary())
        for name, x in res.get("/XObject", Dictionary()).items():
            if "/Ref" in x:
                rep.fail("30", f"page {pno}: reference XObject {name} (30-001)")
            if x.get("/Subtype") == Name.Form and b"/MCID" in x.read_bytes():
                rep.fail("30", f"page {pno}: form XObject {name} holds MCIDs (30-002)")
    for pno, name, f in fonts_of(pdf):
        sub = f.get("/Subtype")
        base = str(f.get("/BaseFont", name))
        what = f"font {base} (page {pno})"
        if sub == Name.Type0:
            d = f.DescendantFonts[0]
            if not embedded(d.get("/FontDescriptor")):
                rep.fail("31", f"{what}: not embedded (31-009)")
            if d.get("/Subtype") == Name.CIDFontType2 and "/CIDToGIDMap" not in d:
                rep.fail("31", f"{what}: a CIDFontType2 without /CIDToGIDMap (31-? 9.7.4.2)")
            enc = f.get("/Encoding")
            if "/ToUnicode" not in f:
                rep.fail("31", f"{what}: no /ToUnicode (10-001)")
            elif b"beginbfchar" not in f.ToUnicode.read_bytes() and b"beginbfrange" not in f.ToUnicode.read_bytes():
                rep.fail("31", f"{what}: its /ToUnicode maps nothing (10-001)")
            if enc not in (Name("/Identity-H"), Name("/Identity-V")) and not isinstance(enc, pikepdf.Stream):
                rep.fail("31", f"{what}: /Encoding {enc}")
            continue
        if sub == Name.Type3:
            continue
        fd = f.get("/FontDescriptor")
        if not embedded(fd):
            rep.fail("31", f"{what}: not embedded (31-009)")
        flags = int(fd.get("/Flags", 0)) if fd is not None else 0
        symbolic = bool(flags & 4)
        enc = f.get("/Encoding")
        std = (Name.WinAnsiEncoding, Name.MacRomanEncoding)
        if sub == Name.TrueType and not symbolic:
            # PDF/UA-1 7.21.6: WinAnsi or MacRoman, as the encoding or its base; Differences of
            # Adobe Glyph List names only
            if isinstance(enc, Dictionary):
                if enc.get("/BaseEncoding") not in std:
                    rep.fail("31", f"{what}: /BaseEncoding {enc.get('/BaseEncoding')}, not WinAnsi or MacRoman (7.21.6)")
                bad = [str(g)[1:] for g in enc.get("/Differences", []) if isinstance(g, Name) and not agl_name(str(g)[1:])]
                if bad:
                    rep.fail("31", f"{what}: /Differences names {', '.join(bad[:5])}, not in the Adobe Glyph List (7.21.6)")
            elif enc not in std:
                rep.fail("31", f"{what}: /Encoding {enc}, not WinAnsi or MacRoman (7.21.6)")
        elif sub == Name.TrueType and symbolic and enc is not None:
            rep.fail("31", f"{what}: a symbolic TrueType font with an /Encoding (7.21.6)")
        if "/ToUnicode" not in f and not (isinstance(enc, Name) and enc in std) and not (
                isinstance(enc, Dictionary) and enc.get("/BaseEncoding") in std and not agl_bad(enc)):
            rep.fail("31", f"{what}: no /ToUnicode and no standard encoding (10-001)")


def agl_name(g):
    if AGL is not None and g in AGL:
        return True
    return bool(re.fullmatch(r"uni([0-9A-F]{4})+|u[0-9A-F]{4,6}", g))


def agl_bad(enc):
    return any(isinstance(g, Name) and not agl_name(str(g)[1:]) for g in enc.get("/Differences", []))


# ---- words: word boundaries through the structure ---------------------------------------------------

def run(args):
    return subprocess.run(args, capture_output=True, check=False).stdout.decode("utf-8", "replace")


def norm(s):
    return unicodedata.normalize("NFC", s)


def check_words(path, rep, verbose):
    """Every word of the text read through the structure tree (pdfinfo -struct-text: per element,
    its text) is a word of the visible text (pdftotext -raw: content order, words apart where the
    glyphs are apart; a line that ends in a hyphen, slash or dash may go on with the next line's word): a word
    boundary lost at a line break or between runs fuses two visible words into one that is not
    on the page ("andmet", "89%DataManagement"); a hyphen lost at a line end makes "selfassessment"."""
    st = run(["pdfinfo", "-struct-text", path])
    raw = run(["pdftotext", "-raw", "-enc", "UTF-8", path, "-"])
    if not st.strip():
        rep.fail("words", "pdfinfo -struct-text reads no text")
        return
    raw = norm(raw)
    # a line that ends where a word may break without a space (a hyphen, a slash, a dash) may
    # go on with the next line's word: both readings are words on the page
    visible = set(raw.split()) | set(re.sub(r"([\-\u2010/\u2013\u2014])\n", r"\1", raw).split())
    texts = [m.group(1) for m in re.finditer(r'^\s*"(.*)"\s*$', norm(st), re.M)]
    fused = []
    n = 0
    for t in texts:
        for w in t.split():
            n += 1
            if w not in visible and w not in fused:
                fused.append(w)
    if not texts:
        rep.fail("words", "no text in the structure")
    if fused:
        rep.fail("words", f"{len(fused)} word(s) read through the structure are not words on the page: "
                 + ", ".join(q(w, 40) for w in fused[:8]))
    if verbose:
        print(f"  words: {n} read through the structure, {len(visible)} distinct on the page")


# ---- main -----------------------------------------------------------------------------------

def check_file(path, verbose):
    rep = Report()
    try:
        pdf = pikepdf.open(path)
    except Exception as ex:  # noqa: BLE001
        for cid, _ in CHECKS:
            rep.fail(cid, f"cannot open: {ex}")
        return rep
    with pdf:
        top, order = walk_tree(pdf, rep)
        check_tags(pdf, rep, top, order)
        check_content(pdf, rep, order)
        check_document(pdf, rep, order)
        check_annotations(pdf, rep, order)
        check_fonts(pdf, rep)
        if verbose:
            roles = {}
            for e in order:
                roles[e.role] = roles.get(e.role, 0) + 1
            print(f"{path}: {len(pdf.pages)} pages, {len(order)} elements "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(roles.items()))}), {len(list(fonts_of(pdf)))} fonts")
    check_words(path, rep, verbose)
    return rep


def main(argv):
    verbose = "--verbose" in argv
    files = [a for a in argv if a != "--verbose"]
    if not files or any(a.startswith("-") for a in files):
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    passed = failed = 0
    for path in files:
        rep = check_file(path, verbose)
        for cid, name in CHECKS:
            msgs = rep.fails.get(cid)
            if msgs:
                failed += 1
                more = f" (and {len(msgs) - 3} more)" if len(msgs) > 3 else ""
                print(f"{path}: {cid} {name}: {'; '.join(msgs[:3])}{more}")
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
