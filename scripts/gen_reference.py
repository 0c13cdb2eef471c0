#!/usr/bin/env python3
"""Regenerates docs/reference/input-keys.md and docs/reference/report-keys.md from the code's own key
lists, keeping the hand-written cells (unit, default, meaning) of every key already documented.

  python3 scripts/gen_reference.py [--trainsim build/trainsim]          # rewrite both files
  python3 scripts/gen_reference.py --check [--trainsim build/trainsim]  # exit 1 if a key is undocumented

Input keys come from `trainsim keys --json` (config::input_keys(): the schema tables the loader
rejects unknown keys with). Output keys come from running the binary on a small case and flattening
its JSON documents to dotted names (run --json = report.json, describe --json, plan --json) and the
headers of the CSV files of `run --out`. A new key gets a row with TODO cells; --check fails on
missing rows, TODO cells and rows whose key no longer exists. Python 3 standard library only.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INPUT_DOC = os.path.join(ROOT, "docs", "reference", "input-keys.md")
OUTPUT_DOC = os.path.join(ROOT, "docs", "reference", "report-keys.md")
SMALL = ["--set", "training.tokens=1T"]  # a few simulated days: fast, every section present

INPUT_SECTIONS = [
    ("platform", "Platform file (`platforms/*.yaml`)", "Explained with examples in docs/inputs/platform.md."),
    ("scenario", "Scenario file (`scenarios/*.yaml`)", "Explained with examples in docs/inputs/scenario.md."),
    ("model_preset", "Model preset (`scenarios/models/*.yaml`)",
     "A scenario's `model.preset: ID` reads `scenarios/models/ID.yaml`; the scenario's own `model.*` keys "
     "override the preset's."),
]
INPUT_HEAD = ["key", "type / unit", "default", "rule / meaning"]
OUTPUT_SECTIONS = [
    ("run", "`trainsim run --json` and `report.json`",
     "`trainsim step --json` prints the `scenario`, `step.*`, `layout.*` and `simulation.*` part. "
     "`job.*` and `energy.*` are means over replications."),
    ("describe", "`trainsim describe --json`", ""),
    ("plan", "`trainsim plan --goal checkpoint-interval --json`", ""),
    ("timeline.csv", "`timeline.csv` columns (`run --out DIR`)", "One row per job event of replication 0."),
    ("power.csv", "`power.csv` columns (`run --out DIR`)", "Facility power of replication 0 at every change."),
]
OUTPUT_HEAD = ["key", "unit", "meaning / formula"]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr}")
    return r.stdout


def flatten(doc, prefix=""):
    """Dotted leaf keys in document order; map-valued keys of failure categories collapse to <name>,
    lists of objects to key[].child."""
    out = []
    for k, v in doc.items():
        key = f"{prefix}{k}"
        if key == "job.failures_by_category":
            out.append(key + ".<name>")
        elif isinstance(v, dict):
            out += flatten(v, key + ".")
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            out += flatten(v[0], key + "[].")
        else:
            out.append(key)
    return out


def code_input_keys(trainsim):
    return json.loads(run([trainsim, "keys", "--json"]))


def code_output_keys(trainsim):
    scen = os.path.join(ROOT, "scenarios", "llama3-405b.yaml")
    keys = {}
    with tempfile.TemporaryDirectory() as out:
        keys["run"] = flatten(json.loads(run([trainsim, "run", scen, "--json", "--replications", "2", "--out", out,
                                              "--force"] + SMALL)))
        for f in ("timeline.csv", "power.csv"):
            with open(os.path.join(out, f)) as fh:
                keys[f] = next(csv.reader(fh))
    keys["describe"] = flatten(json.loads(run([trainsim, "describe", os.path.join(ROOT, "platforms",
                                                                                    "dgx-h100.yaml"), "--json"])))
    keys["plan"] = flatten(json.loads(run([trainsim, "plan", scen, "--goal", "checkpoint-interval", "--json",
                                           "--replications", "2"] + SMALL)))
    return keys


ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$")


def read_doc(path):
    """{section id: {key: [cells]}} and the hand-written preamble (text before the first section)."""
    rows, section, preamble = {}, None, []
    if not os.path.exists(path):
        return rows, ""
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^## .*<!-- section: (\S+) -->", line)
        if m:
            section = m.group(1)
            rows.setdefault(section, {})
            continue
        if section is None:
            preamble.append(line)
            continue
        m = ROW.match(line.rstrip("\n"))
        if m:
            rows[section][m.group(1)] = [c.strip() for c in re.split(r"(?<!\\)\|", m.group(2))]
    return rows, "".join(preamble)


def write_doc(path, title_intro, sections, head, code, old):
    lines = [title_intro.rstrip("\n") + "\n"]
    ncells = len(head) - 1
    for sid, title, note in sections:
        lines.append(f"\n## {title} <!-- section: {sid} -->\n\n")
        if note:
            lines.append(note + "\n\n")
        lines.append("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
        for key in code.get(sid, []):
            cells = old.get(sid, {}).get(key) or ["TODO"] * ncells
            cells = (cells + ["TODO"] * ncells)[:ncells]
            lines.append(f"| `{key}` | " + " | ".join(cells) + " |\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(lines))


def problems(code, old, name):
    out = []
    for sid, keys in code.items():
        doc = old.get(sid, {})
        for k in keys:
            if k not in doc:
                out.append(f"{name}: [{sid}] `{k}` is in the code but has no row")
            elif any("TODO" in c for c in doc[k]) or not doc[k][-1]:
                out.append(f"{name}: [{sid}] `{k}` still has TODO (or an empty meaning)")
        for k in doc:
            if k not in keys:
                out.append(f"{name}: [{sid}] `{k}` is documented but no longer in the code")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainsim", default=os.path.join(ROOT, "build", "trainsim"))
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 when a key is undocumented")
    a = ap.parse_args()
    inputs, outputs = code_input_keys(a.trainsim), code_output_keys(a.trainsim)
    old_in, pre_in = read_doc(INPUT_DOC)
    old_out, pre_out = read_doc(OUTPUT_DOC)
    if a.check:
        bad = problems(inputs, old_in, "docs/reference/input-keys.md") + \
            problems(outputs, old_out, "docs/reference/report-keys.md")
        for b in bad:
            print(b)
        n_in = sum(len(v) for v in inputs.values())
        n_out = sum(len(v) for v in outputs.values())
        print(f"{n_in} input keys, {n_out} output keys; {len(bad)} problems"
              + ("" if not bad else " (fix: python3 scripts/gen_reference.py, then fill in the TODO cells)"))
        sys.exit(1 if bad else 0)
    write_doc(INPUT_DOC, pre_in or "# Reference: input keys\n", INPUT_SECTIONS, INPUT_HEAD, inputs, old_in)
    write_doc(OUTPUT_DOC, pre_out or "# Reference: output keys\n", OUTPUT_SECTIONS, OUTPUT_HEAD, outputs, old_out)
    print(f"wrote {os.path.relpath(INPUT_DOC, ROOT)} and {os.path.relpath(OUTPUT_DOC, ROOT)}")


if __name__ == "__main__":
    main()
