// SPDX-License-Identifier: Apache-2.0
// Shows that check.mjs can fail: it must pass the hand-made tagged PDF of fixture.mjs and fail
// each broken variant of it on the check that the variant breaks.
// usage: node selftest.mjs        (prints one line per variant, then "selftest: N passed, N failed")
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BREAKS, makeFixture } from "./fixture.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "certreport-a11y-self."));
const names = CHECK_NAMES();
let passed = 0,
    failed = 0;
try {
    const files = [];
    for (const brk of Object.keys(BREAKS)) {
        const f = path.join(tmp, `${brk || "good"}.pdf`);
        fs.writeFileSync(f, makeFixture(brk));
        files.push([brk, f]);
    }
    const r = spawnSync(process.execPath, [path.join(here, "check.mjs"), "--lang", "en", ...files.map((x) => x[1])], {
        encoding: "utf8",
    });
    if (r.status !== 1 || !/^\d+ passed, [1-9]\d* failed$/m.test(r.stdout)) {
        console.log(`FAIL check.mjs exited ${r.status} (want 1 with failures): ${r.stderr}${r.stdout}`);
        failed++;
    }
    for (const [brk, f] of files) {
        const lines = r.stdout.split("\n").filter((l) => l.startsWith(f + ": "));
        const letters = lines.map((l) => l.slice(f.length + 2, f.length + 3));
        const [want, pattern] = Array.isArray(BREAKS[brk]) ? BREAKS[brk] : [BREAKS[brk], null];
        if (want === null) {
            if (lines.length === 0) {
                console.log("ok   the good fixture passes every check");
                passed++;
            } else {
                console.log(`FAIL the good fixture fails: ${lines.join(" | ")}`);
                failed++;
            }
        } else if (letters.includes(want) && (!pattern || pattern.test(lines[letters.indexOf(want)]))) {
            const line = lines[letters.indexOf(want)];
            console.log(`ok   ${brk}: fails ${line.slice(f.length + 2, f.length + 150)}`);
            passed++;
        } else {
            console.log(`FAIL ${brk}: should fail check ${want} (${names[want]})${pattern ? " with " + pattern : ""} but ${lines.length ? "fails: " + lines.map((l) => l.slice(f.length + 2)).join(" | ") : "passes"}`);
            failed++;
        }
    }
} finally {
    fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`selftest: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

function CHECK_NAMES() {
    return { a: "tagged", b: "lang", c: "figure-alt", d: "table-headers", e: "headings", f: "reading-order", g: "title", h: "links" };
}
