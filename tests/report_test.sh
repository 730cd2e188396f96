#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certreport tests: the whole report, end to end, for every sample city.
# usage: bash report_test.sh CERTREPORT_BINARY SOURCE_DIR
#
# Each sample is rendered with both PDF backends (haru, cairo) and read back with poppler
# (pdftotext, pdfinfo, pdffonts) and qpdf: a valid PDF with embedded fonts, the city, its tier
# sentence, its area percentages, every criterion statement and every reviewer comment, the title,
# the outline, the status band's links, byte-reproducible output. The display-list dumps of every
# sample are checked for geometric invariants; three are compared with reviewed goldens
# (tests/golden/README.md). Then PNG and SVG output, usage errors and input errors.
# Prints one line per check, then "N passed, M failed"; exits 1 if any check failed.
set -u

if [ $# -ne 2 ]; then
    echo "usage: bash report_test.sh CERTREPORT_BINARY SOURCE_DIR" >&2
    exit 2
fi
CR=$1
SRC=$2
COHORT=$SRC/samples/cohort
BAD=$SRC/tests/data/bad
GOLDEN=$SRC/tests/golden
CATALOG=$SRC/assets/catalog-2023.xml
# Always the assets of this source tree, whatever is installed.
export CERTREPORT_ASSETS=$SRC/assets
# PDFs take their date from the audit log (or the submission); the dumps set it explicitly.
unset SOURCE_DATE_EPOCH
GOLDEN_EPOCH=1689336000

TMP=$(mktemp -d "${TMPDIR:-/tmp}/certreport-report.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
rc=0

# check NAME COMMAND...: one line per check; on failure, what the check said and what the last
# run printed on stderr.
check() {
    local name=$1
    shift
    : >"$TMP/why"
    : >"$TMP/err"
    if "$@" >"$TMP/why" 2>&1; then
        echo "ok   $name"
        # Notes (what a check tolerated), each once.
        local note
        while IFS= read -r note; do
            grep -qxF "$note" "$TMP/notes" 2>/dev/null && continue
            echo "$note" >>"$TMP/notes"
            echo "     $note"
        done < <(grep '^note: ' "$TMP/why")
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        [ -s "$TMP/why" ] && head -n 40 "$TMP/why" | sed 's/^/     /'
        [ -s "$TMP/err" ] && head -n 5 "$TMP/err" | sed 's/^/     stderr: /'
        failed=$((failed + 1))
    fi
    return 0
}

# run ARGS...: runs certreport; stdout in $TMP/out, stderr in $TMP/err, status in $rc.
# Reports are rendered in English whatever the submission's own language: these checks read
# English text (tests/lang_test.sh covers the other languages).
run() {
    if [ "$1" = render ]; then
        "$CR" "$@" --lang en >"$TMP/out" 2>"$TMP/err"
    else
        "$CR" "$@" >"$TMP/out" 2>"$TMP/err"
    fi
    rc=$?
}

lines() { # number of lines of a file
    wc -l <"$1" | tr -d ' '
}

for tool in python3 qpdf pdftotext pdfinfo pdffonts; do
    if ! command -v "$tool" >/dev/null; then
        echo "FAIL $tool is needed (poppler-utils, qpdf, python3)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

# ---- the Python side: reading PDFs' text, outlines, PNGs and dumps back ----
PY=$TMP/report_check.py
cat >"$PY" <<'PYEOF'
import json, os, re, struct, subprocess, sys, unicodedata, zlib
import xml.etree.ElementTree as ET


def norm(s):
    """Whitespace runs (newlines included) to one space; NFC."""
    return re.sub(r'\s+', ' ', unicodedata.normalize('NFC', s or '')).strip()


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def find(text, s):
    """Where the normalized |s| occurs in the normalized |text|: 'exact', 'hyphen' (found only
    when a hyphen may be missing: pdftotext drops a line-end hyphen when it joins the lines, so
    "easy-\\nto-use" reads "easyto-use"), or None."""
    s = norm(s)
    if s in text:
        return 'exact'
    # A line may also break after a slash ("and/" + "or"): pdftotext joins those lines with a space.
    pattern = r'(?:- ?)?'.join(r'/ ?'.join(re.escape(q) for q in p.split('/')) for p in s.split('-'))
    return 'hyphen' if re.search(pattern, text) else None


def catalog(path):
    root = ET.parse(path).getroot()
    areas = []
    for a in root.find('areas').findall('area'):
        crits = [(c.get('code'), c.get('name'), c.get('core') == 'true', norm(c.find('statement').text))
                 for c in a.findall('criterion')]
        areas.append((a.get('code'), a.get('name'), crits))
    return areas


def grouped(pairs):
    """(message, where) pairs to one line per message: "message (in a, b, c)"."""
    where = {}
    for m, w in pairs:
        where.setdefault(m, []).append(w)
    return [f'{m} (in {", ".join(w) if len(w) < 11 else "all %d" % len(w)})' for m, w in where.items()]


def fail(msgs):
    for m in msgs:
        print(m)
    return 1 if msgs else 0


# city TXT CITY SENTENCE: the city's name (exact, accents included) and its tier sentence.
def cmd_city(txt, city, sentence):
    t = norm(read(txt))
    msgs = []
    if unicodedata.normalize('NFC', city) not in t:
        msgs.append(f'city name {city!r} not in the text')
    if norm(sentence) not in t:
        msgs.append(f'tier sentence {sentence!r} not in the text')
    return fail(msgs)


# areas TXT PAGE1_TXT SCORE_JSON CATALOG: each area's percentage (score --json) in the status band
# on page 1, and each area section's "Your city has achieved P% of AREA criteria (M of T)."
def cmd_areas(txt, page1, score_json, cat):
    t, p1 = norm(read(txt)), norm(read(page1))
    score = json.loads(read(score_json))
    msgs = []
    for code, name, _ in catalog(cat):
        a = score['areas'][code]
        if not re.search(r'(?<![0-9])%d%%' % a['percent'], p1):
            msgs.append(f'{code}: "{a["percent"]}%" not on page 1')
        sentence = f'Your city has achieved {a["percent"]}% of {name} criteria ({a["met"]} of {a["total"]}).'
        if sentence not in t:
            msgs.append(f'{code}: {sentence!r} not in the text')
    return fail(msgs)


# statements TXT CATALOG: every criterion statement, whitespace normalized.
def cmd_statements(txt, cat):
    t = norm(read(txt))
    msgs, joined = [], []
    for _, _, crits in catalog(cat):
        for code, _, _, st in crits:
            how = find(t, st)
            if how is None:
                msgs.append(f'{code}: statement not found: {st[:70]}...')
            elif how == 'hyphen':
                joined.append(code)
    if joined:
        print('note: wrapped at a hyphen (pdftotext drops it): ' + ' '.join(joined))
    return fail(msgs)


# headings CATALOG DUMP...: in every dump, each criterion's table heading (the bold lines at the top
# of the criterion cell) reads "CODE NAME" in full ("CODE** NAME" for a core criterion).
def cmd_headings(cat, *dumps):
    msgs = []
    # The cell's left edge and line height: the default layout's margin, cell padding, table
    # type size and leading (<type>, defaults as in layout.xsd).
    lay = ET.parse(os.path.join(os.path.dirname(cat), '..', 'layouts', 'default.xml')).getroot()
    ty = lay.find('type')
    ty = ty.attrib if ty is not None else {}
    size = float(ty.get('table', '8'))
    x = float(lay.get('margin-left')) + float(ty.get('cell-padding-x', '4'))
    lead = size * float(ty.get('table-leading', '1.32'))
    at = re.compile(r'text %s ([\d.]+) bold %s #[0-9a-f]{6} "(.*)"$' %
                    (re.escape('%.2f' % x), re.escape('%.2f' % size)))
    for path in dumps:
        runs, cur, last_y = [], None, None
        for ops in dump_pages(path):
            for k, f, ln in ops:
                m = at.match(ln)
                if not m:
                    if k == 'text':
                        cur = None
                    continue
                y, t = float(m.group(1)), m.group(2).replace('\\"', '"')
                if cur is not None and abs(y - last_y - lead) < 0.1:
                    cur[0] = cur[0] + t if cur[0].endswith('-') else cur[0] + ' ' + t
                else:
                    cur = [t]
                    runs.append(cur)
                last_y = y
        heads = {norm(r[0]) for r in runs}
        for _, _, crits in catalog(cat):
            for code, name, core, _ in crits:
                want = f'{code}{"**" if core else ""} {name}'
                if want not in heads:
                    got = [h for h in heads if h.startswith(code + ' ') or h.startswith(code + '*')]
                    msgs.append((f'{want!r} reads {got[0] if got else "(nothing)"!r}', path.rsplit("/", 1)[-1]))
    return fail(grouped(msgs))


# comments TXT AUDIT: every <comment> of the audit log, whitespace normalized.
def cmd_comments(txt, audit):
    t = norm(read(txt))
    msgs, joined = [], []
    for e in ET.parse(audit).getroot().iter('event'):
        c = e.find('comment')
        if c is None:
            continue
        what = f'{e.get("type")} {e.get("criterion") or e.get("metric") or ""} at {e.get("at")}'
        how = find(t, c.text)
        if how is None:
            msgs.append(f'comment of the {what} event not found: {norm(c.text)[:70]}...')
        elif how == 'hyphen':
            joined.append(what)
    if joined:
        print('note: wrapped at a hyphen (pdftotext drops it): ' + '; '.join(joined))
    return fail(msgs)


# fonts: pdffonts output on stdin; at least one font, every one embedded.
def cmd_fonts():
    out = sys.stdin.read().splitlines()
    if len(out) < 3 or not out[1].startswith('---'):
        return fail(['no fonts listed'] + out[:3])
    # Columns from the dashes line: name, type, encoding, emb, sub, uni, object ID.
    spans, pos = [], 0
    for m in re.finditer(r'-+', out[1]):
        spans.append((m.start(), m.end()))
    msgs = []
    for ln in out[2:]:
        emb = ln[spans[3][0]:spans[3][1]].strip()
        if emb != 'yes':
            msgs.append(f'not embedded: {ln}')
    return fail(msgs)


# info PDFINFO_OUT CITY DATE: "Title: Your Status Report: CITY", Pages >= 10, CreationDate DATE.
def cmd_info(info, city, date):
    fields = {}
    for ln in read(info).splitlines():
        k, _, v = ln.partition(':')
        fields[k.strip()] = v.strip()
    msgs = []
    if fields.get('Title') != f'Your Status Report: {city}':
        msgs.append(f'Title is {fields.get("Title")!r}')
    if not fields.get('Pages', '').isdigit() or int(fields['Pages']) < 10:
        msgs.append(f'Pages is {fields.get("Pages")!r}, expected at least 10')
    if fields.get('CreationDate') != date:
        msgs.append(f'CreationDate is {fields.get("CreationDate")!r}, expected {date!r}')
    return fail(msgs)


# date AUDIT|- SUBMISSION: the document date the report must carry without SOURCE_DATE_EPOCH:
# the audit log's latest event, else the submission date (ISO, as pdfinfo -isodates prints it).
def cmd_date(audit, sub):
    if audit != '-':
        ats = [e.get('at') for e in ET.parse(audit).getroot().iter('event')]
        if ats:
            print(max(ats))
            return 0
    print(ET.parse(sub).getroot().get('submitted') + 'T00:00:00Z')
    return 0


def qpdf_json(pdf, *keys):
    args = ['qpdf', '--json']
    for k in keys:
        args.append('--json-key=' + k)
    return json.loads(subprocess.run(args + [pdf], capture_output=True, text=True, check=True).stdout)


# outline PDF CATALOG: one top-level entry per section (at least 7), the eight areas under
# "Results by practice area", each pointing to the page that shows its title.
def cmd_outline(pdf, cat):
    d = qpdf_json(pdf, 'outlines')
    top = d['outlines']
    msgs = []
    if len(top) < 7:
        msgs.append(f'{len(top)} top-level outline entries, expected at least 7: {[o["title"] for o in top]}')
    areas = [o for o in top if o['title'] == 'Results by practice area']
    names = [name for _, name, _ in catalog(cat)]
    if len(areas) != 1:
        msgs.append('no (single) "Results by practice area" entry')
    else:
        kids = [k['title'] for k in areas[0]['kids']]
        if kids != names:
            msgs.append(f'children of "Results by practice area": {kids}, expected {names}')
    entries = []
    def walk(os):
        for o in os:
            entries.append(o)
            walk(o['kids'])
    walk(top)
    pages = {}
    for o in entries:
        p = o.get('destpageposfrom1')
        if not isinstance(p, int):
            msgs.append(f'outline entry {o["title"]!r} has no destination page')
            continue
        if p not in pages:
            pages[p] = norm(subprocess.run(['pdftotext', '-enc', 'UTF-8', '-f', str(p), '-l', str(p), pdf, '-'],
                                           capture_output=True, text=True).stdout).lower()
        if o['kids'] and o['kids'][0].get('destpageposfrom1') == p:
            continue  # a section without a heading of its own opens with its first part
        if o['title'].lower() not in pages[p]:
            msgs.append(f'outline entry {o["title"]!r} points to page {p}, which does not show it')
    return fail(msgs)


# links PDF: page 1 (the status band) has one link per area, to the page of that area's outline
# entry, in order.
def cmd_links(pdf):
    d = qpdf_json(pdf, 'pages', 'outlines', 'qpdf')
    objs = d['qpdf'][1]
    def val(x):
        while isinstance(x, str) and re.fullmatch(r'\d+ \d+ R', x):
            x = objs['obj:' + x]['value']
        return x
    page_no = {p['object']: p['pageposfrom1'] for p in d['pages']}
    root = val(objs['trailer']['value']['/Root'])
    named = {}
    def names(node):
        node = val(node)
        n = node.get('/Names', [])
        for i in range(0, len(n), 2):
            named[n[i]] = n[i + 1]
        for k in node.get('/Kids', []):
            names(k)
    if '/Names' in root and '/Dests' in val(root['/Names']):
        names(val(root['/Names'])['/Dests'])
    if '/Dests' in root:
        named.update(val(root['/Dests']))
    def dest_page(dest):
        dest = val(dest)
        if isinstance(dest, str):
            dest = val(named.get(dest, []))
        if isinstance(dest, dict):
            dest = val(dest.get('/D', []))
        return page_no.get(dest[0]) if dest else None
    links = []
    for pg in d['pages']:  # the status page: the first with links inside the document
        p1 = val(objs['obj:' + pg['object']]['value'])
        annots = [val(a) for a in val(p1.get('/Annots', []))]
        links = [a for a in annots if a.get('/Subtype') == '/Link' and
                 ('/Dest' in a or ('/A' in a and '/D' in val(a['/A'])))]
        if links:
            break
    targets = []
    for a in links:
        dest = a.get('/Dest')
        if dest is None:
            act = val(a['/A'])
            dest = act.get('/D')
        targets.append(dest_page(dest) if dest is not None else None)
    areas = [o for o in d['outlines'] if o['title'] == 'Results by practice area']
    want = [k.get('destpageposfrom1') for k in areas[0]['kids']] if areas else []
    if len(want) != 8 or targets != want:
        return fail([f'page 1 links go to pages {targets}; the area outline entries to {want}'])
    return 0


# bbox HTML: every word (pdftotext -bbox) inside the margins (x in [54, 558]) and on the page, and
# no two words overlapping (more than lines of one paragraph do).
def words(html):
    s = read(html)
    out = []
    for page in s.split('<page ')[1:]:
        out.append([(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>', page)])
    return out


def cmd_bbox(html):
    msgs = []
    for pi, ws in enumerate(words(html), 1):
        for x0, y0, x1, y1, t in ws:
            if x0 < 54 - 0.5 or x1 > 558 + 0.5 or y0 < 0 or y1 > 792:
                msgs.append(f'page {pi}: word {t!r} at x {x0:.2f}..{x1:.2f}, y {y0:.2f}..{y1:.2f} is outside the margins')
        ws = sorted(ws, key=lambda w: w[1])
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                if b[1] >= a[3] - 2.0:
                    break
                ox = min(a[2], b[2]) - max(a[0], b[0])
                oy = min(a[3], b[3]) - max(a[1], b[1])
                if ox > 0.5 and oy > 2.0:
                    msgs.append(f'page {pi}: words {a[4]!r} and {b[4]!r} overlap ({ox:.2f} x {oy:.2f} pt)')
    return fail(msgs)


def dump_pages(path):
    """The ops of a --dump, per page: (kind, fields, line)."""
    pages = []
    for ln in read(path).splitlines():
        f = ln.split()
        if not f or f[0] in ('display', 'info'):
            continue
        if f[0] == 'page':
            pages.append([])
        else:
            pages[-1].append((f[0], f, ln.strip()))
    return pages


# intrude DUMP HTML: no word runs into a filled shape that starts to its right (a label into its
# bar, a cell into the next column's shading).
def cmd_intrude(dump, html):
    found = {}
    for pi, (ops, ws) in enumerate(zip(dump_pages(dump), words(html)), 1):
        rects = [tuple(map(float, f[1:5])) for k, f, _ in ops if k == 'rect' and len(f) > 5 and f[5].startswith('#')]
        for x0, y0, x1, y1, t in ws:
            for rx, ry, rw, rh in rects:
                if rx > x0 + 0.5 and x1 > rx + 0.5 and min(y1 - 1, ry + rh) > max(y0 + 1, ry):
                    found.setdefault(f'word {t!r} (x {x0:.2f}..{x1:.2f}) runs into the shape at x {rx:.2f}', []).append(pi)
                    break
    return fail([f'{m}: {len(p)} times, pages {sorted(set(p))}' for m, p in found.items()])


# geom DUMP...: every op on the page; every text starts inside the margins [54, 558].
def cmd_geom(*dumps):
    msgs = []
    for path in dumps:
        head = read(path).splitlines()[0].split()
        W, H = float(head[1]), float(head[2])
        eps = 0.01
        for pi, ops in enumerate(dump_pages(path), 1):
            for k, f, ln in ops:
                bad = False
                if k == 'text':
                    x, y = float(f[1]), float(f[2])
                    bad = not (54 - eps <= x <= 558 + eps and 0 <= y <= H)
                elif k in ('rect', 'line', 'link', 'goto'):
                    x, y, w, h = map(float, f[1:5])
                    bad = not (-eps <= min(x, x + w) and max(x, x + w) <= W + eps and
                               -eps <= min(y, y + h) and max(y, y + h) <= H + eps)
                elif k == 'poly':
                    for p in f[1:-1]:
                        x, y = map(float, p.split(','))
                        bad = bad or not (0 <= x <= W and 0 <= y <= H)
                elif k == 'anchor':
                    x, y = float(f[1]), float(f[2])
                    bad = not (0 <= x <= W and 0 <= y <= H)
                if bad:
                    msgs.append(f'{path.rsplit("/", 1)[-1]} page {pi}: {ln}')
    return fail(msgs)


# measure DUMP...: in "How does your city measure up?", each area's block (its colour bar, 3 pt
# wide at the left margin) holds its name and description: no text line of the block's column
# ends below the bar.
def cmd_measure(*dumps):
    msgs = []
    for path in dumps:
        for pi, ops in enumerate(dump_pages(path), 1):
            bar = None
            for k, f, ln in ops:
                if k == 'rect' and f[1] == '54.00' and f[3] == '3.00':
                    bar = (float(f[2]), float(f[4]))
                elif k == 'text' and bar and f[1] == '63.00':
                    y = float(f[2])
                    if y > bar[0] + bar[1] + 0.01:
                        msgs.append((f'page {pi}: baseline {y:.2f} below the bar '
                                     f'(ends at {bar[0] + bar[1]:.2f}): {ln}', path.rsplit("/", 1)[-1]))
                elif k == 'text' and f[1] not in ('63.00',) and float(f[1]) < 63:
                    bar = None
    return fail(grouped(msgs))


# png FILE WIDTH HEIGHT: a PNG that decodes (zlib, filters), of WIDTH x HEIGHT, white at the
# corner and with ink on it.
def cmd_png(path, width, height):
    d = open(path, 'rb').read()
    if d[:8] != b'\x89PNG\r\n\x1a\n':
        return fail(['not a PNG signature'])
    pos, idat, ihdr = 8, b'', None
    while pos < len(d):
        n, kind = struct.unpack('>I4s', d[pos:pos + 8])
        body = d[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) & 0xffffffff != struct.unpack('>I', d[pos + 8 + n:pos + 12 + n])[0]:
            return fail([f'bad CRC in chunk {kind}'])
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        elif kind == b'IEND':
            break
        pos += 12 + n
    if not ihdr:
        return fail(['no IHDR'])
    w, h, depth, ctype, _, _, interlace = ihdr
    if (w, h) != (int(width), int(height)):
        return fail([f'{w} x {h}, expected {width} x {height}'])
    if depth != 8 or ctype not in (0, 2, 6) or interlace:
        return fail([f'unexpected format: depth {depth}, colour type {ctype}, interlace {interlace}'])
    bpp = {0: 1, 2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * bpp
    if len(raw) != h * (stride + 1):
        return fail([f'{len(raw)} bytes of pixel data, expected {h * (stride + 1)}'])
    prev = bytearray(stride)
    ink = 0
    first = None
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ft > 4:
            return fail([f'row {y}: filter type {ft}'])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if first is None:
            first = bytes(line[:bpp])
        for x in range(0, stride, bpp):
            if min(line[x:x + min(bpp, 3)]) < 128:
                ink += 1
        prev = line
    msgs = []
    if first[:min(bpp, 3)] != b'\xff' * min(bpp, 3):
        msgs.append(f'top-left pixel is {first.hex()}, expected white')
    if ink < w * h // 200:
        msgs.append(f'only {ink} dark pixels: a blank page?')
    return fail(msgs)


# svg FILE: well-formed SVG, one US Letter page.
def cmd_svg(path):
    root = ET.parse(path).getroot()
    msgs = []
    if root.tag != '{http://www.w3.org/2000/svg}svg':
        msgs.append(f'root element {root.tag}')
    if (root.get('width'), root.get('height')) != ('612pt', '792pt'):
        msgs.append(f'size {root.get("width")} x {root.get("height")}')
    if sum(1 for _ in root.iter()) < 100:
        msgs.append('almost empty')
    return fail(msgs)


sys.exit(globals()['cmd_' + sys.argv[1]](*sys.argv[2:]))
PYEOF

# The interpreter itself, not a version manager's shim: started a few hundred times.
PYTHON=$(python3 -c 'import sys; print(sys.executable)') || PYTHON=python3
py() {
    "$PYTHON" "$PY" "$@"
}

# ---- the sample cohort ----

# id|city (exact)|tier sentence (EXPECTED.md: awarded, qualifying, not certified, ineligible)
CITIES="gold-city|Tempe|achieved certification at the Gold level
platinum-city|Denver|achieved certification at the Platinum level
sao-paulo|São Paulo|achieved certification at the Silver level
bogota|Bogotá|the assessment meets the requirements of the Gold level
montreal|Montréal|Certification is not yet reached
hamilton|Hamilton|Certification is not yet reached
stale-city|Bozeman|the assessment meets the requirements of the Silver level
small-town|Oxford|cannot be certified
guadalajara|Guadalajara|Certification is not yet reached
medellin|Medellín|achieved certification at the Gold level
no-audit|Tampa|the assessment meets the requirements of the Silver level"

t_stats() {
    run stats "$COHORT" -o "$TMP/peers.xml"
    [ $rc -eq 0 ] && [ -s "$TMP/peers.xml" ]
}
check "stats samples -o peers.xml" t_stats

t_every_sample() {
    local listed have
    listed=$(echo "$CITIES" | cut -d'|' -f1 | sort)
    have=$(cd "$COHORT" && ls *.submission.xml | sed 's/\.submission\.xml$//' | sort)
    [ "$listed" = "$have" ] || { echo "listed: $listed"; echo "in $COHORT: $have"; return 1; }
}
check "every sample city of samples/cohort is covered" t_every_sample

# The command line of a sample: SUB and, when it has one, --audit AUDIT.
sample_args() {
    args=("$COHORT/$1.submission.xml")
    audit=-
    if [ -f "$COHORT/$1.audit.xml" ]; then
        audit=$COHORT/$1.audit.xml
        args+=(--audit "$audit")
    fi
}

t_render() {
    run render "${args[@]}" --peers "$TMP/peers.xml" -o "$pdf" --backend "$b"
    [ $rc -eq 0 ] && [ -s "$pdf" ] && [ ! -s "$TMP/out" ] || return 1
    if [ "$b" = cairo ]; then # says that its PDF is not accessible, and is not tagged
        [ "$(lines "$TMP/err")" -eq 1 ] && grep -q "note: the cairo PDF is not tagged" "$TMP/err" &&
            pdfinfo "$pdf" | grep -q "^Tagged: *no" && ! grep -aq "/MarkInfo" <(qpdf --qdf --object-streams=disable "$pdf" - 2>/dev/null | sed -n '/\/Type \/Catalog/,/>>/p')
    else
        [ ! -s "$TMP/err" ] && pdfinfo "$pdf" | grep -q "^Tagged: *yes"
    fi
}

t_qpdf() {
    [ -s "$pdf" ] || return 1
    local out st
    out=$(qpdf --check "$pdf" 2>&1)
    st=$?
    [ $st -eq 0 ] && ! grep -q WARNING <<<"$out" || { echo "qpdf exit $st"; echo "$out" | head -n 10; return 1; }
}

t_fonts() {
    [ -s "$pdf" ] || return 1
    pdffonts "$pdf" 2>&1 | py fonts
}

# The page of the status section (after the requirements page in the default layout).
status_page() {
    local p
    for p in 1 2 3; do
        pdftotext -enc UTF-8 -f "$p" -l "$p" "$1" - 2>/dev/null | grep -q 'YOUR STATUS REPORT' && { echo "$p"; return; }
    done
    echo 1
}

t_text() {
    [ -s "$pdf" ] || return 1
    pdftotext -enc UTF-8 "$pdf" "$base.txt" 2>"$base.txterr" &&
        pdftotext -enc UTF-8 -f "$(status_page "$pdf")" -l "$(status_page "$pdf")" "$pdf" "$base.p1.txt" 2>>"$base.txterr" || return 1
    [ ! -s "$base.txterr" ] || { head -n 5 "$base.txterr"; return 1; }
}

t_city() {
    [ -s "$base.txt" ] && py city "$base.txt" "$city" "$sentence"
}

t_areas() {
    [ -s "$base.txt" ] && py areas "$base.txt" "$base.p1.txt" "$TMP/$id.score.json" "$CATALOG"
}

t_statements() {
    [ -s "$base.txt" ] && py statements "$base.txt" "$CATALOG"
}

t_comments() {
    [ -s "$base.txt" ] && py comments "$base.txt" "$audit"
}

t_info() {
    [ -s "$pdf" ] || return 1
    pdfinfo -enc UTF-8 -isodates "$pdf" >"$base.info" 2>&1 || { cat "$base.info"; return 1; }
    py info "$base.info" "$city" "$(py date "$audit" "$COHORT/$id.submission.xml")"
}

t_outline() {
    [ -s "$pdf" ] && py outline "$pdf" "$CATALOG"
}

t_links() {
    [ -s "$pdf" ] && py links "$pdf"
}

t_bbox() {
    [ -s "$pdf" ] || return 1
    pdftotext -bbox "$pdf" "$base.html" 2>/dev/null && py bbox "$base.html"
}

t_reproducible() {
    [ -s "$pdf" ] || return 1
    run render "${args[@]}" --peers "$TMP/peers.xml" -o "$base.again.pdf" --backend "$b"
    [ $rc -eq 0 ] && cmp "$pdf" "$base.again.pdf"
}

t_cohort_same() {
    [ -s "$pdf" ] || return 1
    run render "${args[@]}" --cohort "$COHORT" -o "$base.cohort.pdf" --backend "$b"
    [ $rc -eq 0 ] && cmp "$pdf" "$base.cohort.pdf"
}

while IFS='|' read -r id city sentence <&3; do
    sample_args "$id"
    "$CR" score "${args[@]}" --json >"$TMP/$id.score.json" 2>"$TMP/err"
    for b in haru cairo; do
        base=$TMP/$id.$b
        pdf=$base.pdf
        check "$id $b: render exits 0, writes the PDF; haru: tagged, prints nothing; cairo: untagged, says so" t_render
        check "$id $b: qpdf --check is clean" t_qpdf
        check "$id $b: pdffonts: every font embedded" t_fonts
        check "$id $b: pdftotext reads it without a message" t_text
        check "$id $b: city \"$city\" and \"$sentence\"" t_city
        check "$id $b: the eight area percentages (score --json)" t_areas
        check "$id $b: every criterion statement of the catalog" t_statements
        if [ "$audit" != - ]; then
            check "$id $b: every reviewer comment of the audit log" t_comments
        fi
        check "$id $b: pdfinfo: title, at least 10 pages, document date" t_info
        check "$id $b: outline: the sections, the eight areas, each to its page" t_outline
        check "$id $b: the status band links to the eight area pages" t_links
        check "$id $b: words inside the margins, none overlapping" t_bbox
        check "$id $b: same inputs, same bytes" t_reproducible
        check "$id $b: --cohort gives the same PDF as --peers" t_cohort_same
    done
done 3<<<"$CITIES"

t_stale() {
    local t=$TMP/stale-city.haru.txt
    [ -s "$t" ] && grep -q 'Needs re-review' "$t" && tr '\n' ' ' <"$TMP/stale-city.haru.p1.txt" | grep -q 're-review: OD2\.'
}
check "stale-city: the stale OD2 answer is flagged \"Needs re-review\" and named on page 1" t_stale

# ---- display-list dumps: geometry for every sample, goldens for three ----

t_dumps() {
    local id city sentence
    while IFS='|' read -r id city sentence <&3; do
        sample_args "$id"
        SOURCE_DATE_EPOCH=$GOLDEN_EPOCH "$CR" render "${args[@]}" --lang en --peers "$TMP/peers.xml" --dump \
            >"$TMP/$id.dump" 2>"$TMP/err" || { echo "$id: exit $?"; return 1; }
        grep -q "^info title \"Your Status Report: $city\" lang \"en\" created $GOLDEN_EPOCH\$" "$TMP/$id.dump" ||
            { echo "$id: unexpected info line: $(sed -n 2p "$TMP/$id.dump")"; return 1; }
    done 3<<<"$CITIES"
}
check "render --dump for every sample: exit 0, title and date" t_dumps

dumps=()
for id in $(echo "$CITIES" | cut -d'|' -f1); do
    dumps+=("$TMP/$id.dump")
done

t_geom() {
    py geom "${dumps[@]}"
}
check "every dump: each op on the page, each text starting within the margins 54..558" t_geom

t_headings() {
    py headings "$CATALOG" "${dumps[@]}"
}
check "every dump: each criterion's table heading reads \"CODE NAME\" in full" t_headings

t_measure() {
    py measure "${dumps[@]}"
}
check "every dump: each area block of \"How does your city measure up?\" holds its description" t_measure

t_intrude_all() {
    local id city sentence b st=0
    while IFS='|' read -r id city sentence <&3; do
        for b in haru cairo; do
            [ -s "$TMP/$id.$b.html" ] || continue
            py intrude "$TMP/$id.dump" "$TMP/$id.$b.html" | sed "s/^/$id $b: /" | grep . && st=1
        done
    done 3<<<"$CITIES"
    return $st
}
check "every PDF: no word runs into a bar or shape to its right" t_intrude_all

t_golden() {
    local g=$GOLDEN/$1.dump
    [ -f "$g" ] || { echo "missing $g (see tests/golden/README.md)"; return 1; }
    diff -u "$g" "$TMP/$1.dump" >"$TMP/diff" && return 0
    echo "diff -u tests/golden/$1.dump (new output)"
    head -n 60 "$TMP/diff"
    [ "$(lines "$TMP/diff")" -gt 60 ] && echo "... ($(lines "$TMP/diff") lines of diff)"
    return 1
}
for id in gold-city platinum-city montreal; do
    check "$id: dump matches tests/golden/$id.dump" t_golden "$id"
done

# ---- PNG and SVG ----

t_png() {
    mkdir -p "$TMP/png"
    sample_args gold-city
    run render "${args[@]}" --peers "$TMP/peers.xml" -o "$TMP/png/gold" --format png --backend cairo
    [ $rc -eq 0 ] || return 1
    local n pages
    n=$(ls "$TMP/png/gold" | wc -l | tr -d ' ')
    pages=$(pdfinfo "$TMP/gold-city.haru.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
    [ "$n" -ge 10 ] || { echo "$n PNG files"; return 1; }
    [ "$n" = "$pages" ] || { echo "$n PNG files for $pages pages"; return 1; }
    for ((i = 1; i <= n; i++)); do
        [ -s "$TMP/png/gold/$i.png" ] || { echo "no gold/$i.png"; ls "$TMP/png/gold"; return 1; }
    done
    # US Letter at 96 dpi
    py png "$TMP/png/gold/1.png" 816 1056
}
check "gold-city --format png --backend cairo: gold/1.png ... one per page; page 1 decodes, 816 x 1056" t_png

t_svg() {
    sample_args gold-city
    run render "${args[@]}" --peers "$TMP/peers.xml" -o "$TMP/gold.svg" --format svg
    [ $rc -eq 0 ] && [ -s "$TMP/gold.svg" ] && py svg "$TMP/gold.svg"
}
check "gold-city --format svg: one well-formed SVG page" t_svg

# ---- usage and input errors ----

t_usage() {
    sample_args gold-city
    run render "${args[@]}" --peers "$TMP/peers.xml" -o "$TMP/u.png" --format png --backend haru
    [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && ! ls -d "$TMP"/u.png* >/dev/null 2>&1 || { echo "haru + png: exit $rc"; return 1; }
    run render "${args[@]}" --peers "$TMP/peers.xml"
    [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] || { echo "no -o: exit $rc"; return 1; }
    run render "${args[@]}" --peers "$TMP/peers.xml" --cohort "$COHORT" -o "$TMP/u.pdf"
    [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && [ ! -e "$TMP/u.pdf" ] || { echo "--peers and --cohort: exit $rc"; return 1; }
    run render "${args[@]}" --peers "$TMP/peers.xml" -o "$TMP/u.pdf" --backend cairo --accessible
    [ $rc -eq 2 ] && [ ! -e "$TMP/u.pdf" ] && grep -q "accessible needs" "$TMP/err" || { echo "cairo --accessible: exit $rc"; return 1; }
}
check "render usage errors (haru + png, no -o, both --peers and --cohort, cairo --accessible): exit 2, nothing written" t_usage

t_bad_submission() {
    local f=$BAD/population-zero.submission.xml
    mkdir -p "$TMP/keep"
    printf 'an existing report\n' >"$TMP/keep/report.pdf"
    cp "$TMP/keep/report.pdf" "$TMP/before.pdf"
    run render "$f" --peers "$TMP/peers.xml" -o "$TMP/keep/report.pdf"
    [ $rc -eq 1 ] || { echo "exit $rc"; return 1; }
    [ "$(lines "$TMP/err")" = 1 ] && grep -qE "^$f:[0-9]+: ." "$TMP/err" && [ ! -s "$TMP/out" ] ||
        { echo "stderr is not one '$f:LINE: message' line"; return 1; }
    cmp "$TMP/before.pdf" "$TMP/keep/report.pdf" || return 1
    [ "$(ls "$TMP/keep")" = report.pdf ] || { echo "left behind: $(ls "$TMP/keep")"; return 1; }
}
check "render a bad submission: exit 1, one file:line: message, the existing output untouched" t_bad_submission

t_missing_glyph() {
    local f=$TMP/glyph.submission.xml line
    sed 's/name="Tempe"/name="Łódź 東京"/' "$COHORT/gold-city.submission.xml" >"$f"
    line=$(grep -n '<city ' "$f" | cut -d: -f1)
    grep -q 'Łódź 東京' "$f" || return 1
    run render "$f" --audit "$COHORT/gold-city.audit.xml" --peers "$TMP/peers.xml" -o "$TMP/glyph.pdf"
    [ $rc -eq 0 ] && [ "$(lines "$TMP/err")" = 2 ] && [ -s "$TMP/glyph.pdf" ] &&
        grep -qF "$f:$line: warning: U+6771 '東' has no glyph in the report's fonts; drawn as a placeholder" "$TMP/err" &&
        grep -qF "$f:$line: warning: U+4EAC '京'" "$TMP/err" &&
        pdftotext "$TMP/glyph.pdf" - | grep -qF 'Łódź 東京'
}
check "a city name with characters no font has (東京): a warning each naming the file and line of <city>, drawn as placeholders, extracted as written" t_missing_glyph

# The fallback chain (fonts/README.md): embedded only in a report that uses it.
UNI=$SRC/tests/data/unicode
t_fallbacks_embedded() {
    "$CR" render "$COHORT/gold-city.submission.xml" --audit "$COHORT/gold-city.audit.xml" \
        --peers "$TMP/peers.xml" -o "$TMP/latin.pdf" 2>"$TMP/latin.err" || return 1
    "$CR" render "$UNI/unicode.submission.xml" --audit "$UNI/unicode.audit.xml" \
        --peers "$TMP/peers.xml" -o "$TMP/uni.pdf" 2>"$TMP/err" || return 1
    [ ! -s "$TMP/latin.err" ] || return 1
    pdffonts "$TMP/latin.pdf" >"$TMP/latin.fonts" && pdffonts "$TMP/uni.pdf" >"$TMP/uni.fonts" || return 1
    ! grep -E 'NotoSansExtra|NotoSansMath|NotoSansSymbols|NotoSansCanadianAboriginal|Symbola' "$TMP/latin.fonts" &&
        for n in NotoSansExtra-Regular NotoSansMath-Regular NotoSansSymbols2-Regular \
            NotoSansCanadianAboriginal-Regular Symbola; do grep -q "+$n " "$TMP/uni.fonts" || return 1; done &&
        qpdf --check "$TMP/uni.pdf" >/dev/null &&
        pdftotext "$TMP/uni.pdf" - | grep -qF 'Tempe ≥ → ✓ − ʼ g̃ ư Ω Ж ᐊ 👍 東'
}
check "fallback fonts embedded only when used: none in a Latin report, five in tests/data/unicode (every character extracted as written)" t_fallbacks_embedded

t_same_warnings() {
    "$CR" validate "$UNI/unicode.submission.xml" "$UNI/unicode.audit.xml" >/dev/null 2>"$TMP/w1" || return 1
    "$CR" score "$UNI/unicode.submission.xml" --audit "$UNI/unicode.audit.xml" >/dev/null 2>"$TMP/w2" || return 1
    "$CR" render "$UNI/unicode.submission.xml" --audit "$UNI/unicode.audit.xml" --peers "$TMP/peers.xml" \
        --format png -o "$TMP/uni" 2>"$TMP/w3" || return 1
    [ "$(lines "$TMP/w1")" = 2 ] && cmp -s "$TMP/w1" "$TMP/w2" && cmp -s "$TMP/w1" "$TMP/w3" &&
        grep -qF "$UNI/unicode.audit.xml:4: warning: U+6771 '東' has no glyph in the report's fonts; drawn as a placeholder" "$TMP/w1" &&
        [ -s "$TMP/uni/1.png" ]
}
check "validate, score and render print the same placeholder warnings; the cairo PNG renders" t_same_warnings

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
