#!/usr/bin/env python3
"""The bad-input corpus end to end (issue #7, docs/limits.md): for every tests/inputs/bad_*.yaml and
for the whole-file failure modes generated here (binary, UTF-16, over 1 MiB, a directory, a
0-byte file, a FIFO, a character device), `trainsim run FILE --out DIR` and
`trainsim step FILE --trace T` must
  * exit 2 (bad input) or 3 (infeasible),
  * print a first stderr line "FILE:LINE:COL: error: " (or "FILE: error: " for whole-file problems),
    matching the generated case's regex,
  * write nothing: neither DIR nor T exists afterwards.
Every bad_*.yaml must also be registered in tests/CMakeLists.txt (so that its "# expect:" is checked).
Usage: bad_inputs_write_nothing.py TRAINSIM SOURCE_DIR WORK_DIR"""
import itertools
import os
import random
import re
import shutil
import subprocess
import sys

trainsim, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
inputs = os.path.join(root, "tests", "inputs")
shutil.rmtree(work, ignore_errors=True)
gen = os.path.join(work, "gen")
os.makedirs(gen)

failures = []
serial = itertools.count()


def check(path, cwd, pattern=None):
    """Runs `run --out` and `step --trace` on path; records every broken promise."""
    n = next(serial)
    out, trace = os.path.join(work, f"out-{n}"), os.path.join(work, f"trace-{n}.json")
    for cmd, written in (([trainsim, "run", path, "--replications", "1", "--out", out], out),
                         ([trainsim, "step", path, "--trace", trace], trace)):
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=60)
        first = r.stderr.splitlines()[0] if r.stderr else ""
        prefix = re.escape(path) + r"(:[0-9]+:[0-9]+)?: error: "
        if r.returncode not in (2, 3):
            failures.append(f"{cmd[1]} {path}: exit {r.returncode}, expected 2 or 3: {r.stderr[:300]}")
        elif not re.match(prefix, first):
            failures.append(f"{cmd[1]} {path}: first stderr line is not '{path}[:LINE:COL]: error: ...': {first}")
        elif pattern and not re.search(pattern, r.stderr):
            failures.append(f"{cmd[1]} {path}: stderr does not match {pattern!r}: {r.stderr[:300]}")
        if os.path.exists(written):
            failures.append(f"{cmd[1]} {path}: wrote {written} although it failed")


# --- the checked-in corpus, all of it registered in tests/CMakeLists.txt
registered = open(os.path.join(root, "tests", "CMakeLists.txt")).read()
corpus = sorted(f for f in os.listdir(inputs) if f.startswith("bad_") and f.endswith(".yaml"))
for f in corpus:
    if not re.search(r"^\s*" + re.escape(f) + r"\s*$", registered, re.M):
        failures.append(f"tests/inputs/{f} is not listed in TRAINSIM_BAD_INPUTS (tests/CMakeLists.txt)")
    check(f, inputs)

# --- whole-file failure modes, generated (not worth checking in)
rng = random.Random(7)
with open(os.path.join(gen, "binary.yaml"), "wb") as fh:
    fh.write(bytes(rng.randrange(256) for _ in range(4096)) + b"\0")
with open(os.path.join(gen, "utf16.yaml"), "wb") as fh:
    fh.write(open(os.path.join(inputs, "good_scenario.yaml"), encoding="utf-8").read().encode("utf-16"))
with open(os.path.join(gen, "huge.yaml"), "w") as fh:
    fh.write(("#" * 63 + "\n") * (1024 * 1024 // 64) + "x: 1\n")
open(os.path.join(gen, "zero_bytes.yaml"), "w").close()
os.mkdir(os.path.join(gen, "directory.yaml"))
os.mkfifo(os.path.join(gen, "fifo.yaml"))
cases = [
    ("binary.yaml", r"binary data \(a NUL byte\)|invalid YAML"),
    ("utf16.yaml", r"binary data \(a NUL byte\)"),
    ("huge.yaml", r"error: file is 1048581 bytes, more than the 1048576-byte \(1 MiB\) limit"),
    ("zero_bytes.yaml", r"error: file is empty"),
    ("directory.yaml", r"error: is a directory, expected a YAML file"),
    ("fifo.yaml", r"error: is not a regular file"),
]
for name, pattern in cases:
    check(name, gen, pattern)
check("/dev/zero", gen, r"^/dev/zero: error: is not a regular file")

# --- a control: the same commands on a valid scenario do write (else the checks above prove nothing)
control = os.path.join(work, "control")
r = subprocess.run([trainsim, "run", "good_scenario.yaml", "--replications", "1", "--out", control],
                   cwd=inputs, capture_output=True, text=True)
if r.returncode != 0 or not os.path.isfile(os.path.join(control, "report.json")):
    failures.append(f"control: run --out on good_scenario.yaml did not write report.json: {r.stderr[:300]}")

if failures:
    sys.exit("\n".join(failures))
print(f"{len(corpus)} corpus files and {len(cases) + 1} generated cases: exit 2/3, located message, nothing written")
