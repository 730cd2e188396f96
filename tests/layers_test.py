#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certreport tests: the layer rules (CONTRIBUTING.md, "Layers").

Every public header, private header and library source belongs to one stage; a file may include
the headers of its own stage and of earlier stages, never of a later one. A file missing from the
table fails too, so a new file gets its stage when it is added. Also: only the backend files
include their library (hpdf.h in render_pdf.c, cairo's headers in render_cairo.c), and only the
program's files (app/) fork, block or handle signals.

usage: python3 layers_test.py SOURCE_DIR
"""
import os
import re
import sys

# The stages, earliest first, and the files of each (public headers are include/certreport/NAME,
# the rest are in src/). Keep CONTRIBUTING.md's table in step with this one.
STAGES = [
    ("base", ["export.h", "error.h", "version.h", "io.h", "digest.h",
              "error.c", "arena.c", "arena.h", "args.h", "fileio.c", "fileio.h", "version.c"]),
    ("input", ["catalog.h", "input.h",
               "catalog.c", "input.c", "auditlog.c", "xmlsafe.c", "xmlsafe.h", "text.c", "text.h"]),
    ("audit", ["audit.h", "audit.c"]),
    ("score", ["score.h", "score.c"]),
    ("peers", ["peers.h", "cohort.h", "roadmap.h", "json.h",
               "peers.c", "cohort.c", "cohort_compact.h", "roadmap.c", "json.c"]),
    ("display", ["display.h", "fonts.h", "display.c", "dlist.h", "fonts.c", "fonts_internal.h"]),
    ("layout", ["layout.h", "overview.h",
                "layout.c", "layout_draw.c", "layout_draw.h", "layout_internal.h",
                "layout_overview.c", "layout_text.c", "layout_text.h", "layoutspec.c"]),
    ("render", ["render.h", "render.c", "render_pdf.c", "render_cairo.c",
                "pdf_pack.c", "pdf_pack.h", "pdf_ops.c", "pdf_ops.h",
                "pdf_untag.c", "pdf_untag.h"]),
    ("api", ["api.h", "batch.h", "api.c", "batch.c", "batch_plan.h", "manifest.c", "outdir.c"]),
    # The program (app/: the command, batch runs, the HTTP service and its page): the only files
    # that may fork, handle signals or print; nothing of the library includes them.
    ("program", ["certreport.h", "cli.c", "batch_run.c", "batch_run.h", "progress.c",
                 "progress.h", "serve.c", "serve.h", "serve_web.c", "serve_web.h",
                 "serve_pool.c", "serve_pool.h"]),
]

# Third-party headers that only the backend's own file may include.
ONLY = {
    r"hpdf[\w.]*\.h": {"render_pdf.c"},
    r"cairo[\w.-]*\.h|cairo/.*": {"render_cairo.c"},
}

# What only the program may do: fork, block or handle signals (CONTRIBUTING.md, "The library is
# a library"). A library file (any stage but "program") that calls one of these fails.
PROGRAM_ONLY = re.compile(r"\b(fork|vfork|sigprocmask|pthread_sigmask|signalfd|sigaction|signal)\s*\(")

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    stage = {}
    for rank, (name, files) in enumerate(STAGES):
        for f in files:
            stage[f] = (rank, name)
    files = []
    pub = os.path.join(root, "include", "certreport")
    files += [os.path.join(pub, f) for f in sorted(os.listdir(pub)) if f.endswith(".h")]
    for top in ("src", "app"):
        for dirpath, _, names in sorted(os.walk(os.path.join(root, top))):
            files += [os.path.join(dirpath, f) for f in sorted(names) if f.endswith((".c", ".h"))]
    problems = []
    for path in files:
        me = os.path.basename(path)
        rel = os.path.relpath(path, root)
        if me not in stage:
            problems.append(f"{rel}: not in the table of stages (tests/layers_test.py)")
            continue
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        in_app = rel.startswith("app" + os.sep)
        if (stage[me][1] == "program") != in_app and not rel.startswith("include"):
            problems.append(f"{rel}: stage {stage[me][1]}, so it belongs in "
                            f"{'app/' if stage[me][1] == 'program' else 'src/'}: app/ is the "
                            "program's, never compiled into the library")
        if stage[me][1] != "program":
            for m in PROGRAM_ONLY.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: calls {m.group(1)}(): only the program (app/) may")
        for m in INCLUDE.finditer(text):
            inc = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            base = os.path.basename(inc)
            for lib, allowed in ONLY.items():
                if re.fullmatch(lib, inc) and me not in allowed:
                    problems.append(f"{rel}:{line}: includes {inc}: only {', '.join(sorted(allowed))} may")
            ours = inc.startswith("certreport/") or '"' in m.group(0)
            if not ours or base not in stage:
                continue
            if stage[base][0] > stage[me][0]:
                problems.append(f"{rel}:{line}: {me} (stage {stage[me][1]}) includes {inc} "
                                f"(later stage {stage[base][1]})")
    for p in problems:
        print("FAIL " + p)
    print(f"ok   {len(files)} files checked against {len(STAGES)} stages" if not problems else
          f"{len(problems)} layer violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
