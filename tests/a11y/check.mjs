// SPDX-License-Identifier: Apache-2.0
// Reads accessible (tagged) PDFs back the way an assistive technology does, with pdf.js, and
// checks what a reader relies on. usage: node check.mjs --lang LANG [--verbose] FILE.pdf...
// (--verbose: also a line per file of what was read: pages, text items, figures, tables, ...)
//
// Checks, for each file (README.md says more):
//   a tagged         /MarkInfo /Marked true; the structure's root element is Document; every
//                    page has a structure tree with content in it
//   b lang           the catalog's /Lang (pdf.js: getMetadata().info.Language) is LANG or LANG-xx
//   c figure-alt     every Figure has alternative text with a number in it
//   d table-headers  every Table's first row is TH cells only (a table continuing on another
//                    page is the same Table: its first row is on its first page), every TH has text
//   e headings       the H1 texts, in order, are the top-level bookmarks; no H2 before the first H1
//   f reading-order  per page, the text of the structure (depth first) is the page's visible text
//                    in content order; every visible text item is in the structure exactly once;
//                    artifacts (running header, footer) are not in it
//   g title          /ViewerPreferences /DisplayDocTitle true, a non-empty /Title, bookmarks
//   h links          every link annotation is the child of a Link element, and every Link
//                    element has its annotation
// Prints one line per failed check ("FILE: x name: reason"), then "N passed, N failed".
// Exit 0 when everything passed, 1 when a check failed, 2 on wrong usage.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pdfjsDir = path.join(here, "node_modules", "pdfjs-dist");
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");

const CHECKS = [
    ["a", "tagged"],
    ["b", "lang"],
    ["c", "figure-alt"],
    ["d", "table-headers"],
    ["e", "headings"],
    ["f", "reading-order"],
    ["g", "title"],
    ["h", "links"],
];
const MAX_REASONS = 6;

function usage(msg) {
    if (msg) process.stderr.write(`check.mjs: ${msg}\n`);
    process.stderr.write("usage: node check.mjs --lang LANG [--verbose] FILE.pdf...\n");
    process.exit(2);
}

const norm = (s) => s.replace(/\s+/g, " ").trim();
const short = (s, n = 60) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
const q = (s) => JSON.stringify(short(s));

// --- The whole structure tree from qpdf (object identities, which pdf.js's per-page view has
// not): maps pdf.js content ids ("p12R_mc3") to the struct element that owns them, so that a
// Table continuing on the next page is known to be the same Table.
function qpdfStructure(file) {
    const out = execFileSync("qpdf", ["--json=2", "--json-key=qpdf", file], {
        maxBuffer: 1 << 30,
        encoding: "utf8",
    });
    const objects = JSON.parse(out).qpdf[1];
    if (!objects) throw new Error("qpdf --json gave no objects");
    const get = (r) => {
        const o = objects[`obj:${r}`];
        return o ? (o.value ?? o.stream?.dict) : undefined;
    };
    const deref = (v) => (typeof v === "string" && / R$/.test(v) ? get(v) : v);
    const pdfjsRef = (r) => {
        const [num, gen] = r.split(" ");
        return gen === "0" ? `${num}R` : `${num}R${gen}`;
    };
    const catalog = deref(objects.trailer?.value?.["/Root"]);
    const root = catalog && deref(catalog["/StructTreeRoot"]);
    const roleMap = (root && deref(root["/RoleMap"])) || {};
    const role = (e) => {
        let s = e["/S"];
        for (let i = 0; i < 10 && roleMap[s]; i++) s = roleMap[s];
        return typeof s === "string" ? s.replace(/^\//, "") : "";
    };
    const owner = new Map(); // pdf.js content id -> struct element ref
    for (const [key, o] of Object.entries(objects)) {
        const e = o.value;
        if (!e || typeof e !== "object" || !("/S" in e) || !("/P" in e)) continue;
        const self = key.replace(/^obj:/, "");
        let kids = e["/K"];
        if (kids === undefined) continue;
        if (!Array.isArray(kids)) kids = [kids];
        for (let k of kids) {
            let pg = e["/Pg"];
            let mcid = null;
            if (Number.isInteger(k)) mcid = k;
            else {
                const kd = typeof k === "string" ? null : k; // a ref is a child element
                if (kd && Number.isInteger(kd["/MCID"])) {
                    mcid = kd["/MCID"];
                    pg = kd["/Pg"] ?? pg;
                }
            }
            if (mcid !== null && typeof pg === "string") owner.set(`p${pdfjsRef(pg)}_mc${mcid}`, self);
        }
    }
    // the nearest ancestor-or-self of the owner of content id |id| whose role is |want|
    const ancestor = (id, want) => {
        let r = owner.get(id);
        for (let i = 0; r && i < 100; i++) {
            const e = get(r);
            if (!e) return null;
            if (role(e) === want) return r;
            r = e["/P"];
        }
        return null;
    };
    // elements with no kids at all: no page's /ParentTree entry leads to them, so pdf.js (which
    // builds each page's tree from it) never shows them
    const empty = [];
    for (const o of Object.values(objects)) {
        const e = o.value;
        if (!e || typeof e !== "object" || !("/S" in e) || !("/P" in e)) continue;
        const k = e["/K"];
        if (k === undefined || (Array.isArray(k) && k.length === 0)) {
            const alt = typeof e["/Alt"] === "string" ? pdfString(e["/Alt"]) : "";
            empty.push({ role: role(e), alt });
        }
    }
    return { ancestor, empty };
}

// a qpdf JSON string: "u:text" or "b:hex" (UTF-16BE with a BOM, or PDFDocEncoding ~ Latin-1)
function pdfString(v) {
    if (v.startsWith("u:")) return v.slice(2);
    if (!v.startsWith("b:")) return v;
    const b = Buffer.from(v.slice(2), "hex");
    if (b[0] === 0xfe && b[1] === 0xff) return b.subarray(2).swap16().toString("utf16le");
    return b.toString("latin1");
}

// --- One page as pdf.js sees it.
async function readPage(page) {
    const tree = await page.getStructTree();
    const tc = await page.getTextContent({ includeMarkedContent: true });
    const vp = page.getViewport({ scale: 1 });
    // Text per marked-content id, and the page's text items in content order.
    const mcText = new Map(); // id -> text (all its items)
    const items = []; // the visible text items: {str, full, id, artifact, y, x}
    const all = []; // every text item, blank ones too (pdf.js puts line ends on blank items)
    const stack = [];
    for (const it of tc.items) {
        if (it.type === "beginMarkedContent" || it.type === "beginMarkedContentProps") {
            stack.push({ tag: it.tag, id: it.id ?? null });
            continue;
        }
        if (it.type === "endMarkedContent") {
            stack.pop();
            continue;
        }
        if (typeof it.str !== "string") continue;
        let id = null;
        for (let i = stack.length - 1; i >= 0; i--)
            if (stack[i].id) {
                id = stack[i].id;
                break;
            }
        const artifact = stack.some((m) => m.tag === "Artifact");
        const str = it.str + (it.hasEOL ? " " : "");
        if (id) mcText.set(id, (mcText.get(id) ?? "") + str);
        all.push({ full: str, id, artifact });
        if (!norm(it.str)) continue;
        items.push({ str: it.str, full: str, id, artifact, x: it.transform[4], y: it.transform[5] });
    }
    // Artifact marked-content ids
    const artifactIds = new Set(items.filter((i) => i.artifact && i.id).map((i) => i.id));
    return { tree, mcText, items, all, artifactIds, height: vp.viewBox[3] - vp.viewBox[1], y0: vp.viewBox[1] };
}

// Depth-first walk of a pdf.js struct tree node: calls visit(node, ancestors) on every node
function walk(node, visit, anc = []) {
    visit(node, anc);
    if (node.children) for (const c of node.children) walk(c, visit, [...anc, node]);
}
// The text of a struct node's subtree (its content items in order)
function nodeText(node, mcText) {
    const parts = [];
    walk(node, (n) => {
        if (n.type === "content") parts.push(mcText.get(n.id) ?? "");
    });
    return norm(parts.join(" "));
}

async function checkFile(file, lang) {
    const fails = new Map(); // letter -> [reason]
    const fail = (letter, reason) => {
        if (!fails.has(letter)) fails.set(letter, []);
        fails.get(letter).push(reason);
    };
    const data = new Uint8Array(fs.readFileSync(file));
    const doc = await pdfjs.getDocument({
        data,
        verbosity: pdfjs.VerbosityLevel.ERRORS,
        isEvalSupported: false,
        useSystemFonts: false,
        disableFontFace: true,
        cMapUrl: path.join(pdfjsDir, "cmaps") + path.sep,
        cMapPacked: true,
        standardFontDataUrl: path.join(pdfjsDir, "standard_fonts") + path.sep,
    }).promise;
    try {
        const { info } = await doc.getMetadata();
        const markInfo = await doc.getMarkInfo();
        const prefs = (await doc.getViewerPreferences()) ?? {};
        const outline = (await doc.getOutline()) ?? [];
        let qs = null;
        const qpdf = () => (qs ??= qpdfStructure(file));

        // a. tagged
        if (markInfo?.Marked !== true) fail("a", `/MarkInfo /Marked is ${markInfo ? markInfo.Marked : "missing"}, not true`);

        // b. lang: the catalog's /Lang, which pdf.js gives as info.Language
        const docLang = info.Language;
        const langOk = (l) => typeof l === "string" && (l.toLowerCase() === lang || l.toLowerCase().startsWith(lang + "-"));
        if (!langOk(docLang)) fail("b", `catalog /Lang is ${docLang ? q(docLang) : "missing"}, want ${q(lang)}`);

        // g. title
        if (prefs.DisplayDocTitle !== true) fail("g", "/ViewerPreferences /DisplayDocTitle is not true: viewers show the file name, not the title");
        if (!norm(info.Title ?? "")) fail("g", "/Title is empty or missing");
        if (outline.length === 0) fail("g", "no bookmarks (outline)");

        const stats = { pages: doc.numPages, items: 0, artifacts: 0, figures: 0, tables: 0, th: 0, links: 0, h1: 0, h2: 0 };
        const h1s = []; // {text, page}
        let firstH1Seen = false;
        const tableViews = []; // {key, page, firstRow: [cells], ths: [{text,page}]}
        const bands = new Map(); // running text: "y|str" -> pages, for the header/footer check
        const pages = [];
        let rootChecked = false;

        for (let pn = 1; pn <= doc.numPages; pn++) {
            const page = await doc.getPage(pn);
            const pg = await readPage(page);
            pages.push(pg);
            const { tree, mcText, items, artifactIds } = pg;
            for (const i of items) i.artifact ? stats.artifacts++ : stats.items++;
            const where = `page ${pn}`;

            // a. a structure on every page, rooted at Document
            const contentLeaves = [];
            if (tree) walk(tree, (n) => n.type === "content" && contentLeaves.push(n));
            if (!tree || !tree.children?.length || contentLeaves.length === 0) {
                fail("a", `${where}: no structure tree (nothing on it is tagged)`);
            } else if (!rootChecked) {
                rootChecked = true;
                const top = tree.children.filter((c) => c.role);
                if (top.length !== 1 || top[0].role !== "Document")
                    fail("a", `the structure's root element is ${top.map((t) => t.role).join(", ")}, not one Document`);
            }
            if (!tree) {
                // f still applies: nothing visible may be hidden from a screen reader
                const vis = items.filter((i) => !i.artifact);
                if (vis.length)
                    fail("f", `${where}: ${vis.length} visible text items but no structure, e.g. ${q(vis[0].str)}`);
                continue;
            }

            // walk the page's tree once: figures, tables, headings, links, content order
            const refs = new Map(); // content id -> times referenced
            const structOrder = [];
            const annotParents = new Map(); // annotation id -> parent role
            const linkEls = [];
            walk(tree, (n, anc) => {
                const parent = anc[anc.length - 1];
                if (n.type === "content") {
                    refs.set(n.id, (refs.get(n.id) ?? 0) + 1);
                    structOrder.push(n.id);
                    return;
                }
                if (n.type === "annotation" || n.type === "object") {
                    // an OBJR: pdf.js names it "annotation" (id pdfjs_internal_id_12R) when it is
                    // its element's only child, else "object" (id 12R)
                    annotParents.set(n.id.replace(/^pdfjs_internal_id_/, ""), parent?.role);
                    return;
                }
                if (n.type) return;
                const counted = { Figure: "figures", Table: "tables", TH: "th", Link: "links", H1: "h1", H2: "h2" }[n.role];
                if (counted) stats[counted]++;
                switch (n.role) {
                    case "Figure": {
                        const alt = norm(n.alt ?? "");
                        if (!alt) fail("c", `${where}: Figure without alternative text (${q(nodeText(n, mcText)) || "no text"})`);
                        else if (!/\d/.test(alt)) fail("c", `${where}: Figure alt text has no number: ${q(alt)}`);
                        break;
                    }
                    case "H1":
                        firstH1Seen = true;
                        h1s.push({ text: nodeText(n, mcText) || norm(n.alt ?? ""), page: pn });
                        break;
                    case "H2":
                        if (!firstH1Seen) fail("e", `${where}: H2 ${q(nodeText(n, mcText))} comes before the first H1`);
                        break;
                    case "Table": {
                        // rows: TR children, directly or in THead/TBody/TFoot
                        const rows = [];
                        for (const c of n.children ?? []) {
                            if (c.role === "TR") rows.push(c);
                            else if (["THead", "TBody", "TFoot"].includes(c.role))
                                for (const r of c.children ?? []) if (r.role === "TR") rows.push(r);
                        }
                        // identity: a content item of this table (not of a nested one)
                        let ownLeaf = null;
                        const findLeaf = (x) => {
                            for (const c of x.children ?? []) {
                                if (ownLeaf) return;
                                if (c.type === "content") ownLeaf = c.id;
                                else if (!c.type && c.role !== "Table") findLeaf(c);
                            }
                        };
                        findLeaf(n);
                        let key = ownLeaf ? qpdf().ancestor(ownLeaf, "Table") : null;
                        key ??= `view:${pn}:${tableViews.length}`;
                        const ths = [];
                        walk(n, (c) => {
                            if (c.role === "TH") ths.push(nodeText(c, mcText) || norm(c.alt ?? ""));
                        });
                        tableViews.push({
                            key,
                            page: pn,
                            firstRow: rows.length ? (rows[0].children ?? []).filter((c) => c.role).map((c) => ({ role: c.role, text: nodeText(c, mcText) })) : null,
                            ths,
                            caption: nodeText(n, mcText),
                        });
                        break;
                    }
                    case "Link":
                        linkEls.push(n);
                        break;
                }
            });

            // h. links: annotations of this page <-> Link elements
            const annots = (await page.getAnnotations()).filter((a) => a.subtype === "Link");
            for (const a of annots) {
                const prole = annotParents.get(a.id);
                const label = a.url ?? (a.dest ? "internal link" : a.id);
                if (prole === undefined) fail("h", `${where}: link annotation ${a.id} (${short(String(label), 40)}) is not in the structure`);
                else if (prole !== "Link") fail("h", `${where}: link annotation ${a.id} belongs to a ${prole}, not a Link`);
                if (!(a.structParent >= 0))
                    fail("h", `${where}: link annotation ${a.id} (${short(String(label), 40)}) has no /StructParent: the parent tree does not lead from it to its Link`);
            }
            const annotIds = new Set(annots.map((a) => a.id));
            for (const l of linkEls)
                if (!(l.children ?? []).some((c) => (c.type === "annotation" || c.type === "object") && annotIds.has(c.id.replace(/^pdfjs_internal_id_/, ""))))
                    fail("h", `${where}: Link element ${q(nodeText(l, mcText))} has no annotation (OBJR)`);

            // f. reading order and coverage
            for (const [id, n] of refs)
                if (n > 1) fail("f", `${where}: marked content ${id} (${q(norm(mcText.get(id) ?? ""))}) is in the structure ${n} times`);
            for (const id of artifactIds)
                if (refs.has(id)) fail("f", `${where}: artifact text ${q(norm(mcText.get(id) ?? ""))} (${id}) is in the structure`);
            const untagged = items.filter((i) => !i.artifact && !i.id);
            if (untagged.length)
                fail("f", `${where}: ${untagged.length} visible text item(s) in no marked content, hidden from screen readers: ${untagged.slice(0, 3).map((i) => q(i.str)).join(", ")}`);
            const unref = [...new Set(items.filter((i) => !i.artifact && i.id && !refs.has(i.id)).map((i) => i.id))];
            if (unref.length)
                fail("f", `${where}: ${unref.length} tagged text item(s) that no structure element holds: ${unref.slice(0, 3).map((id) => `${id} ${q(norm(mcText.get(id)))}`).join(", ")}`);
            // the structure's text (depth first) against the visible text in content order
            const seen = new Set();
            const structText = norm(
                structOrder
                    .filter((id) => !artifactIds.has(id) && !seen.has(id) && seen.add(id))
                    .map((id) => mcText.get(id) ?? "")
                    .join(" ")
            );
            let contentText = "";
            let prevId;
            for (const i of pg.all) {
                if (i.artifact) continue;
                contentText += (i.id !== prevId ? " " : "") + i.full;
                prevId = i.id;
            }
            contentText = norm(contentText);
            if (structText !== contentText) {
                let k = 0;
                while (k < structText.length && structText[k] === contentText[k]) k++;
                const from = Math.max(0, k - 20);
                fail("f", `${where}: structure order differs from the visible text at char ${k}: structure reads ${q(structText.slice(from, from + 70))}, page shows ${q(contentText.slice(from, from + 70))}`);
            }
            // running headers and footers (the same text at the same height near the top or
            // bottom edge on most pages) must be artifacts
            for (const i of items) {
                const rel = (i.y - pg.y0) / pg.height;
                if (rel > 0.1 && rel < 0.9) continue;
                const k = `${Math.round(i.y)}|${norm(i.str).replace(/\d+/g, "#")}`;
                if (!bands.has(k)) bands.set(k, []);
                bands.get(k).push({ page: pn, artifact: i.artifact, str: i.str });
            }
        }

        if (doc.numPages >= 2)
            for (const occ of bands.values()) {
                const pagesWith = new Set(occ.map((o) => o.page));
                if (pagesWith.size < Math.max(2, Math.ceil(doc.numPages / 2))) continue;
                const tagged = occ.filter((o) => !o.artifact);
                if (tagged.length)
                    fail("f", `running header/footer ${q(tagged[0].str)} is tagged as content on page(s) ${[...new Set(tagged.map((o) => o.page))].join(",")}, not an artifact`);
            }

        // d. tables: the first row of each table (on its first page) is TH only; every TH has text
        const seenTables = new Set();
        for (const t of tableViews) {
            const first = !seenTables.has(t.key);
            seenTables.add(t.key);
            const where = `page ${t.page}`;
            if (first) {
                if (!t.firstRow) fail("d", `${where}: Table ${q(t.caption)} has no TR rows`);
                else if (t.firstRow.length === 0 || t.firstRow.some((c) => c.role !== "TH"))
                    fail("d", `${where}: Table ${q(t.caption)}: first row is [${t.firstRow.map((c) => `${c.role} ${q(c.text)}`).join(", ")}], not header cells (TH) only`);
            }
            t.ths.forEach((text, i) => {
                if (!text) fail("d", `${where}: Table ${q(t.caption)}: header cell ${i + 1} (TH) has no text`);
            });
        }

        // e. headings: H1s in order are the top-level bookmarks
        const marks = outline.map((o) => norm(o.title ?? ""));
        const heads = h1s.map((h) => h.text);
        if (heads.some((h) => !h)) fail("e", `an H1 without text on page ${h1s.find((h) => !h.text).page}`);
        if (marks.length && heads.join("\n") !== marks.join("\n")) {
            let k = 0;
            while (k < heads.length && k < marks.length && heads[k] === marks[k]) k++;
            fail("e", `H1 #${k + 1} is ${heads[k] !== undefined ? `${q(heads[k])} (page ${h1s[k].page})` : "missing"}, bookmark #${k + 1} is ${marks[k] !== undefined ? q(marks[k]) : "missing"}; H1s: ${h1s.map((h) => `${q(short(h.text, 30))} p${h.page}`).join(", ")}; top-level bookmarks: ${marks.map((m) => q(short(m, 30))).join(", ")}`);
        }
        if (fails.has("e")) {
            const lost = qpdf().empty.filter((x) => /^H\d?$/.test(x.role));
            if (lost.length)
                fail("e", `(in the file but not seen: ${lost.length} heading element(s) with no content, ${lost.map((x) => `${x.role} ${q(x.alt)}`).join(", ")}: no page's /ParentTree entry leads to an element without marked content, so pdf.js never shows it)`);
        }
        if (verbose)
            console.log(`${file}: read ${Object.entries(stats).map(([k, v]) => `${v} ${k}`).join(", ")} (per-page views)`);
    } finally {
        await doc.destroy();
    }
    return fails;
}

// --- main
const args = process.argv.slice(2);
let lang = null;
let verbose = false;
const files = [];
for (let i = 0; i < args.length; i++) {
    if (args[i] === "--lang") {
        lang = args[++i];
        if (!lang) usage("--lang needs a value");
    } else if (args[i].startsWith("--lang=")) lang = args[i].slice(7);
    else if (args[i] === "--verbose" || args[i] === "-v") verbose = true;
    else if (args[i].startsWith("-")) usage(`unknown option ${args[i]}`);
    else files.push(args[i]);
}
if (!lang) usage("--lang LANG is required");
if (files.length === 0) usage("no PDF given");
lang = lang.toLowerCase();

let passed = 0,
    failed = 0;
for (const file of files) {
    let fails;
    try {
        fails = await checkFile(file, lang);
    } catch (e) {
        console.log(`${file}: pdf.js cannot read it: ${e?.message ?? e}`);
        failed += CHECKS.length;
        continue;
    }
    for (const [letter, name] of CHECKS) {
        const reasons = fails.get(letter);
        if (!reasons) {
            passed++;
            continue;
        }
        failed++;
        const more = reasons.length > MAX_REASONS ? `; (+${reasons.length - MAX_REASONS} more)` : "";
        console.log(`${file}: ${letter} ${name}: ${reasons.slice(0, MAX_REASONS).join("; ")}${more}`);
    }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
