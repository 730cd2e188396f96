#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""certreport tests: every ```console example of README.md runs as written.

In a temporary folder holding `build` (a link to the build tree) and `samples` (to the source
tree's), the examples run in the order the README gives them, as one session (a later one may
use a file an earlier one wrote). Each `$ ` command (with its `\\` continuation lines) must exit 0,
and every line the README shows after it must be among the lines it printed (stdout and stderr;
progress lines with a rate, "N/s", are left out: they change from run to run).

usage: readme_test.py README.md BUILD_DIR SOURCE_DIR"""
import os
import re
import subprocess
import sys
import tempfile

readme, build, src = sys.argv[1:4]
text = open(readme, encoding="utf-8").read()
blocks = re.findall(r"^```console\n(.*?)^```", text, re.S | re.M)
commands = []  # (command, expected lines)
for block in blocks:
    lines = block.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            i += 1
            continue
        cmd = line[2:]
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd = cmd[:-1] + " " + lines[i].strip()
        i += 1
        expected = []
        while i < len(lines) and not lines[i].startswith("$ "):
            if lines[i].strip() and not re.search(r"\d+/s\b", lines[i]):
                expected.append(lines[i].rstrip())
            i += 1
        commands.append((cmd, expected))

passed = failed = 0
with tempfile.TemporaryDirectory(prefix="certreport-readme.") as tmp:
    os.symlink(os.path.abspath(build), os.path.join(tmp, "build"))
    os.symlink(os.path.join(os.path.abspath(src), "samples"), os.path.join(tmp, "samples"))
    env = dict(os.environ, CERTREPORT_ASSETS=os.path.join(os.path.abspath(src), "assets"))
    env.pop("SOURCE_DATE_EPOCH", None)
    for cmd, expected in commands:
        p = subprocess.run(["bash", "-c", cmd], cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
        got = [l.rstrip() for l in (p.stdout + p.stderr).split("\n")]
        missing = [e for e in expected if e not in got]
        short = cmd if len(cmd) < 90 else cmd[:87] + "..."
        if p.returncode == 0 and not missing:
            print(f"ok   {short}")
            passed += 1
        else:
            print(f"FAIL {short} (exit {p.returncode})")
            for m in missing[:5]:
                print(f"     README shows, not printed: {m}")
            for l in (p.stdout + p.stderr).split("\n")[:5]:
                print(f"     printed: {l}")
            failed += 1
if passed < 15:
    print(f"FAIL only {passed} commands found in the README's console examples")
    failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
