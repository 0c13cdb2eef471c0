#!/usr/bin/env python3
"""Runs every ```sh block of a Markdown page as written (issue #6: "the tutorial's commands run as
written"). `trainsim` resolves to the built binary through PATH; the working directory is a fresh
temporary directory in which the repository's platforms/, scenarios/, tests/ and docs/ are
reachable, so pages may write files (runs/, my/) without touching the source tree. Blocks share the
directory in page order. A block fenced ```sh no-test is skipped (installation, commands not merged
yet). Each block runs under `bash -euo pipefail`; a non-zero exit fails the test with its output.

usage: doc_commands.py TRAINSIM ROOT PAGE.md [PAGE.md...]"""
import os
import re
import subprocess
import sys
import tempfile
import time

trainsim, root, pages = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
FENCE = re.compile(r"^```([A-Za-z][\w-]*(?: [\w-]+)*)?$")


def blocks(path):
    out, cur, info, start = [], None, None, 0
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        m = FENCE.match(line.rstrip("\n"))
        if m and cur is None:
            cur, info, start = [], m.group(1).strip(), n
        elif line.rstrip("\n") == "```" and cur is not None:
            out.append((info, start, "".join(cur)))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


with tempfile.TemporaryDirectory() as work:
    bindir = os.path.join(work, ".bin")
    os.mkdir(bindir)
    os.symlink(trainsim, os.path.join(bindir, "trainsim"))
    for d in ("platforms", "scenarios", "tests", "docs", "scripts"):
        os.symlink(os.path.join(root, d), os.path.join(work, d))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    ran = skipped = 0
    for page in pages:
        for info, line, code in blocks(os.path.join(root, page)):
            if info.split() == ["sh", "no-test"]:
                skipped += 1
                continue
            if info != "sh":
                continue
            t0 = time.time()
            r = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=work, env=env, capture_output=True,
                               text=True)
            dt = time.time() - t0
            if r.returncode != 0:
                sys.exit(f"FAIL {page}:{line}: block exited {r.returncode}\n--- block\n{code}--- stdout\n"
                         f"{r.stdout[-3000:]}\n--- stderr\n{r.stderr[-3000:]}")
            print(f"ok {page}:{line} ({dt:.1f} s): {code.strip().splitlines()[0][:100]}")
            ran += 1
    print(f"{ran} blocks ran, {skipped} marked no-test")
    if ran == 0:
        sys.exit("FAIL: no ```sh blocks found")
