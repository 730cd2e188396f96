// SPDX-License-Identifier: Apache-2.0
// A small hand-made tagged PDF shaped like a certreport report (running header and footer as
// artifacts, sections with H1/H2, a paragraph with a link, a list, a figure with alternative text,
// a table continuing on the next page with its header row repeated as an artifact, bookmarks),
// and broken variants of it: selftest.mjs feeds them to check.mjs to show that every check can
// fail. makeFixture(breakName) returns the PDF bytes; BREAKS lists the variants and the check
// each one must fail (its letter, or [letter, a pattern its reason must match]).

export const BREAKS = {
    "": null, // the good one: every check passes
    unmarked: "a", // /MarkInfo /Marked false
    nostruct: "a", // no structure tree at all
    emptypage: "a", // page 2 has no /StructParents: pdf.js finds no structure on it
    "lang-es": "b", // /Lang (es) in an English document
    nolang: "b", // no /Lang
    noalt: "c", // the Figure has no /Alt
    altnodigit: "c", // the Figure's /Alt has no number in it
    tdheader: "d", // the table's first row has TD cells
    emptyth: "d", // a TH whose text is blank
    splittable: ["d", /page 2: Table "DM.2 No": first row is \[TD/], // page 2's rows: a new Table, no TH
    "h1-as-p": "e", // the last section's heading is tagged P: H1s != bookmarks
    h2first: "e", // an H2 comes before the first H1
    emptyh1: ["e", /H1 #1 is "How your city.*heading element\(s\) with no content, H1 "Your status"/], // H1 with /Alt, no content
    untaggedtext: ["f", /in no marked content/], // visible text outside any marked content
    readingorder: ["f", /structure order differs/], // a paragraph read before its heading
    doubleref: ["f", /in the structure 2 times/], // one marked-content item in two elements
    taggedheader: ["f", /running header\/footer "YOUR STATUS REPORT" is tagged/], // tagged P, not an artifact
    artifactmcid: ["f", /artifact text .* is in the structure/], // an artifact the structure uses
    nodisplaytitle: "g", // no /ViewerPreferences /DisplayDocTitle
    notitle: "g", // empty /Title
    nooutline: "g", // no bookmarks
    linkuntagged: "h", // the link annotation is not in the structure
    nostructparent: ["h", /has no \/StructParent/], // the Link has its OBJR, the annotation no /StructParent
};

const esc = (s) => s.replace(/[\\()]/g, (c) => "\\" + c);

export function makeFixture(brk = "") {
    if (!(brk in BREAKS)) throw new Error(`unknown variant ${brk}`);
    const W = 612,
        H = 792;
    // --- Content: per page, a list of marked-content runs in content-stream order.
    // run: {tag, mcid?, artifact?, text?: [str, x, y, size], rect?: [x, y, w, h]}
    const pages = [[], []];
    const mcidNext = [0, 0];
    const run = (p, tag, what) => {
        const r = { tag, ...what, mcid: mcidNext[p]++ };
        pages[p].push(r);
        return { page: p, mcid: r.mcid, run: r };
    };
    const artifact = (p, str, x, y, size = 9, mcid) => {
        const r = { tag: "Artifact", artifact: true, text: [str, x, y, size] };
        if (mcid) r.mcid = mcidNext[p]++;
        pages[p].push(r);
        return r.mcid !== undefined ? { page: p, mcid: r.mcid } : null;
    };
    const text = (p, tag, str, x, y, size = 11) => run(p, tag, { text: [str, x, y, size] });

    // --- Structure elements: {role, alt?, kids: [mcr | element | {annot: true}]}
    const el = (role, kids, extra = {}) => ({ role, kids, ...extra });

    // page 1
    let header1;
    if (brk === "taggedheader") header1 = text(0, "P", "YOUR STATUS REPORT", 54, 760, 9);
    else if (brk === "artifactmcid") header1 = artifact(0, "YOUR STATUS REPORT", 54, 760, 9, true);
    else artifact(0, "YOUR STATUS REPORT", 54, 760);
    const h1a = text(0, brk === "h2first" ? "H2" : "H1", "Your status", 54, 720, 20);
    const p1 = text(0, "P", "Congratulations! Tempe met 31 of 43 criteria.", 54, 690);
    if (brk === "untaggedtext") pages[0].push({ tag: null, text: ["Draft - not for release", 300, 690, 11] });
    const fig = run(0, "Figure", { rect: [54, 600, 200, 60] });
    const h1b = text(0, "H1", "How your city was assessed", 54, 560, 20);
    const lbl = text(0, "Lbl", "1.", 54, 530);
    const lbody = text(0, "LBody", "Submitted on 1 March 2023", 72, 530);
    const see = text(0, "P", "See", 54, 500);
    const linkText = text(0, "Link", "the standard", 80, 500);
    const th1 = text(0, brk === "tdheader" ? "TD" : "TH", "Criterion", 54, 460);
    const th2 = text(0, brk === "tdheader" ? "TD" : "TH", brk === "emptyth" ? " " : "Met", 200, 460);
    const td1 = text(0, "TD", "DM.1", 54, 440);
    const td2 = text(0, "TD", "Yes", 200, 440);
    artifact(0, "Page 1 of 2", 54, 30);
    // page 2
    if (brk === "taggedheader") header1 = { second: text(1, "P", "YOUR STATUS REPORT", 54, 760, 9), first: header1 };
    else artifact(1, "YOUR STATUS REPORT", 54, 760);
    artifact(1, "Criterion", 54, 720, 11); // the table's header row, repeated
    artifact(1, "Met", 200, 720, 11);
    const td3 = text(1, "TD", "DM.2", 54, 700);
    const td4 = text(1, "TD", "No", 200, 700);
    const h1c = text(1, brk === "h1-as-p" ? "P" : "H1", "Next steps", 54, 650, 20);
    const h2 = text(1, "H2", "Data Management", 54, 620, 14);
    const p2 = text(1, "P", "Publish 2 more data sets.", 54, 600);
    artifact(1, "Page 2 of 2", 54, 30);

    const figEl = el("Figure", [fig]);
    if (brk === "altnodigit") figEl.alt = "Tier gauge";
    else if (brk !== "noalt") figEl.alt = "Tier gauge: 31 of 43 criteria met, Gold tier";
    const linkEl = el("Link", [linkText, ...(brk === "linkuntagged" ? [] : [{ annot: true }])]);
    const h1aEl = brk === "emptyh1" ? el("H1", [], { alt: "Your status" }) : el(h1a.run.tag, [h1a]);
    if (brk === "emptyh1") h1a.run.tag = "P"; // the text stays, as a paragraph of its own
    const sect1Kids = brk === "readingorder" ? [el("P", [p1]), h1aEl] : [h1aEl, ...(brk === "emptyh1" ? [el("P", [h1a])] : []), el("P", [p1])];
    const sect1 = el("Sect", [...sect1Kids, figEl]);
    if (brk === "taggedheader") sect1.kids.unshift(el("P", [header1.first]));
    if (brk === "artifactmcid") sect1.kids.unshift(el("P", [header1]));
    const row1 = el("TR", [el(th1.run.tag, [th1]), el(th2.run.tag, [th2])]);
    const row3 = el("TR", [el("TD", [td3]), el("TD", [td4])]);
    const table = el("Table", [row1, el("TR", [el("TD", [td1]), el("TD", [td2])]), ...(brk === "splittable" ? [] : [row3])]);
    const sect2 = el("Sect", [
        el("H1", [h1b]),
        el("L", [el("LI", [el("Lbl", [lbl]), el("LBody", [lbody])])]),
        el("P", [see, linkEl, ...(brk === "doubleref" ? [linkText] : [])]),
        table,
        ...(brk === "splittable" ? [el("Table", [row3])] : []),
    ]);
    const sect3 = el("Sect", [el(h1c.run.tag, [h1c]), el("H2", [h2]), el("P", [p2])]);
    const docKids = [sect1, sect2, sect3];
    if (brk === "taggedheader") docKids.push(el("P", [header1.second]));
    const doc = el("Document", docKids);

    // --- Objects
    const objs = []; // index = object number - 1; each a string (or {stream, dict})
    const alloc = () => {
        objs.push(null);
        return objs.length;
    };
    const ref = (n) => `${n} 0 R`;
    const catalog = alloc(),
        pagesObj = alloc(),
        font = alloc(),
        structRoot = alloc(),
        outlines = alloc();
    const pageObjs = [alloc(), alloc()];
    const contentObjs = [alloc(), alloc()];
    const annot = alloc();

    // structure elements: number them, then write
    const parentOf = [new Map(), new Map()]; // page -> mcid -> element object number
    let annotParent = null;
    const assign = (e) => {
        e.obj = alloc();
        for (const k of e.kids) if (k.role) assign(k);
    };
    assign(doc);
    const writeEl = (e, parent) => {
        const ks = [];
        for (const k of e.kids) {
            if (k.role) {
                writeEl(k, e.obj);
                ks.push(ref(k.obj));
            } else if (k.annot) {
                ks.push(`<< /Type /OBJR /Obj ${ref(annot)} /Pg ${ref(pageObjs[0])} >>`);
                annotParent = e.obj;
            } else {
                ks.push(`<< /Type /MCR /MCID ${k.mcid} /Pg ${ref(pageObjs[k.page])} >>`);
                if (!parentOf[k.page].has(k.mcid)) parentOf[k.page].set(k.mcid, e.obj);
            }
        }
        let d = `<< /Type /StructElem /S /${e.role} /P ${ref(parent)} /K [${ks.join(" ")}]`;
        if (e.alt !== undefined) d += ` /Alt (${esc(e.alt)})`;
        objs[e.obj - 1] = d + " >>";
    };
    writeEl(doc, structRoot);
    const nums = [];
    for (let p = 0; p < 2; p++) {
        const arr = [];
        for (let m = 0; m < mcidNext[p]; m++) arr.push(parentOf[p].has(m) ? ref(parentOf[p].get(m)) : "null");
        nums.push(`${p} [${arr.join(" ")}]`);
    }
    if (annotParent && brk !== "nostructparent") nums.push(`2 ${ref(annotParent)}`);
    objs[structRoot - 1] =
        `<< /Type /StructTreeRoot /K [${ref(doc.obj)}] /ParentTree << /Nums [${nums.join(" ")}] >> /ParentTreeNextKey 3 >>`;

    // content streams
    for (let p = 0; p < 2; p++) {
        let s = "";
        for (const r of pages[p]) {
            const props = r.mcid !== undefined ? `<< /MCID ${r.mcid} >>` : r.artifact ? "<< /Type /Pagination >>" : null;
            if (r.tag) s += props ? `/${r.tag} ${props} BDC\n` : `/${r.tag} BMC\n`;
            if (r.text) {
                const [str, x, y, size] = r.text;
                s += `BT /F1 ${size} Tf 1 0 0 1 ${x} ${y} Tm (${esc(str)}) Tj ET\n`;
            }
            if (r.rect) s += `0.8 0.6 0.1 rg ${r.rect.join(" ")} re f\n`;
            if (r.tag) s += "EMC\n";
        }
        objs[contentObjs[p] - 1] = { dict: "", stream: s };
        const structParents = brk === "nostruct" || (brk === "emptypage" && p === 1) ? "" : ` /StructParents ${p}`;
        const annots = p === 0 ? ` /Annots [${ref(annot)}] /Tabs /S` : "";
        objs[pageObjs[p] - 1] =
            `<< /Type /Page /Parent ${ref(pagesObj)} /MediaBox [0 0 ${W} ${H}] /Resources << /Font << /F1 ${ref(font)} >> >> /Contents ${ref(contentObjs[p])}${structParents}${annots} >>`;
    }
    objs[annot - 1] =
        `<< /Type /Annot /Subtype /Link /Rect [80 495 150 512] /Border [0 0 0] /A << /S /URI /URI (https://example.org/standard) >> /Contents (the standard)` +
        (brk === "linkuntagged" || brk === "nostructparent" ? "" : " /StructParent 2") +
        " >>";
    objs[pagesObj - 1] = `<< /Type /Pages /Kids [${pageObjs.map(ref).join(" ")}] /Count 2 >>`;
    objs[font - 1] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

    // outline: the three sections, the last with one child
    const titles = ["Your status", "How your city was assessed", "Next steps"];
    const dests = [[0, 720], [0, 560], [1, 650]];
    const items = titles.map(() => alloc());
    const child = alloc();
    items.forEach((n, i) => {
        let d = `<< /Title (${esc(titles[i])}) /Parent ${ref(outlines)} /Dest [${ref(pageObjs[dests[i][0]])} /XYZ 0 ${dests[i][1]} null]`;
        if (i > 0) d += ` /Prev ${ref(items[i - 1])}`;
        if (i < items.length - 1) d += ` /Next ${ref(items[i + 1])}`;
        if (i === 2) d += ` /First ${ref(child)} /Last ${ref(child)} /Count 1`;
        objs[n - 1] = d + " >>";
    });
    objs[child - 1] = `<< /Title (Data Management) /Parent ${ref(items[2])} /Dest [${ref(pageObjs[1])} /XYZ 0 620 null] >>`;
    objs[outlines - 1] = `<< /Type /Outlines /First ${ref(items[0])} /Last ${ref(items[2])} /Count 4 >>`;

    let cat = `<< /Type /Catalog /Pages ${ref(pagesObj)}`;
    if (brk !== "nooutline") cat += ` /Outlines ${ref(outlines)} /PageMode /UseOutlines`;
    if (brk === "lang-es") cat += " /Lang (es)";
    else if (brk !== "nolang") cat += " /Lang (en)";
    if (brk !== "nostruct") cat += ` /StructTreeRoot ${ref(structRoot)} /MarkInfo << /Marked ${brk === "unmarked" ? "false" : "true"} >>`;
    if (brk !== "nodisplaytitle") cat += " /ViewerPreferences << /DisplayDocTitle true >>";
    objs[catalog - 1] = cat + " >>";
    const info = alloc();
    objs[info - 1] = `<< /Title (${brk === "notitle" ? "" : "Your Status Report: Tempe"}) /Producer (certreport a11y fixture) >>`;

    // serialise
    const chunks = ["%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"];
    let len = Buffer.byteLength(chunks[0], "latin1");
    const offsets = [];
    objs.forEach((o, i) => {
        offsets.push(len);
        let s;
        if (typeof o === "object" && o !== null) {
            s = `${i + 1} 0 obj\n<< /Length ${Buffer.byteLength(o.stream, "latin1")} >>\nstream\n${o.stream}\nendstream\nendobj\n`;
        } else {
            s = `${i + 1} 0 obj\n${o ?? "null"}\nendobj\n`;
        }
        chunks.push(s);
        len += Buffer.byteLength(s, "latin1");
    });
    let xref = `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
    for (const off of offsets) xref += `${String(off).padStart(10, "0")} 00000 n \n`;
    xref += `trailer\n<< /Size ${objs.length + 1} /Root ${ref(catalog)} /Info ${ref(info)} >>\nstartxref\n${len}\n%%EOF\n`;
    chunks.push(xref);
    return Buffer.from(chunks.join(""), "latin1");
}
