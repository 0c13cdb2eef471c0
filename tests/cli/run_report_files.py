#!/usr/bin/env python3
"""run --out DIR (issue #6): report.html, the three SVG plots, trace.json and job_trace.json.
Plots parse as SVG, draw more than a trivial number of elements and name their axes' units;
report.html is one self-contained page holding the three plots and the tables; both traces are
Chrome Trace Event documents (traceEvents with ph/ts/dur, nonnegative durations) with the expected
tracks and categories (the step's bubble and pipeline waits; the job's training, checkpoints and
failure recovery)."""
import html.parser
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

trainsim, root = sys.argv[1], sys.argv[2]
SVG = "{http://www.w3.org/2000/svg}"


def fail(msg):
    sys.exit("FAIL: " + msg)


def check_svg(path, min_elements, must_say):
    tree = ET.parse(path)  # raises on malformed XML
    top = tree.getroot()
    if top.tag != SVG + "svg":
        fail(f"{path}: root element is {top.tag}, not svg")
    drawn = [e for e in top.iter() if e.tag in (SVG + "rect", SVG + "path", SVG + "line")]
    texts = " ".join(e.text or "" for e in top.iter(SVG + "text"))
    if len(drawn) < min_elements:
        fail(f"{path}: {len(drawn)} drawn elements < {min_elements}")
    for s in must_say:
        if s not in texts:
            fail(f"{path}: no text '{s}' (axis label with its unit?)")
    # Non-trivial: several colours in use (fills and strokes beyond the white background).
    colours = {e.get(a) for e in drawn for a in ("fill", "stroke")} - {None, "none", "white"}
    if len(colours) < 4:
        fail(f"{path}: only {len(colours)} colours")
    return len(drawn)


def check_trace(path, want_tracks, want_cats):
    doc = json.load(open(path))
    ev = doc.get("traceEvents")
    if not isinstance(ev, list) or not ev:
        fail(f"{path}: no traceEvents list")
    tracks = {e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"}
    cats = set()
    n = 0
    for e in ev:
        if e.get("ph") == "M":
            continue
        for k in ("name", "ph", "ts", "dur", "pid", "tid"):
            if k not in e:
                fail(f"{path}: event without '{k}': {e}")
        if e["ph"] != "X" or not isinstance(e["ts"], (int, float)) or e["ts"] < 0 or e["dur"] < 0:
            fail(f"{path}: bad complete event {e}")
        cats.add(e.get("cat"))
        n += 1
    for t in want_tracks:
        if not any(t in x for x in tracks):
            fail(f"{path}: no track '{t}' among {sorted(tracks)}")
    for c in want_cats:
        if c not in cats:
            fail(f"{path}: no category '{c}' among {sorted(c for c in cats if c)}")
    return n


with tempfile.TemporaryDirectory() as out:
    r = subprocess.run([trainsim, "run", f"{root}/scenarios/llama3-405b.yaml", "--replications", "2", "--out", out,
                        "--force", "--set", "training.tokens=3T"], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"run exited {r.returncode}: {r.stderr}")
    if r.stderr.strip():
        fail(f"stderr is not a terminal, yet run wrote to it (progress bar?): {r.stderr[:300]}")
    for f in ("report.html", "report.json", "timeline.csv", "power.csv", "trace.json", "job_trace.json",
              "timeline.svg", "power.svg", "step.svg"):
        p = os.path.join(out, f)
        if not os.path.isfile(p) or os.path.getsize(p) < 200:
            fail(f"{f} missing or nearly empty")
    rep = json.load(open(os.path.join(out, "report.json")))
    days = rep["job"]["wall_time_days"]
    counts = {
        "timeline.svg": check_svg(os.path.join(out, "timeline.svg"), 100,
                                  ["hour of the day (h)", "day since job start (d)", "training", "failure recovery",
                                   "checkpoint stall"]),
        "power.svg": check_svg(os.path.join(out, "power.svg"), 15,
                               ["facility power (MW)", "time since job start (days)"]),
        "step.svg": check_svg(os.path.join(out, "step.svg"), 16 * 4,
                              ["time in one step (s)", "pipeline stage", "pipeline bubble", "TP exposed"]),
    }

    class Page(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

        def handle_data(self, data):
            self.text.append(data)

    page = Page()
    page.feed(open(os.path.join(out, "report.html")).read())
    tags = [t for t, _ in page.tags]
    text = " ".join(page.text)
    if tags.count("svg") != 3:
        fail(f"report.html has {tags.count('svg')} inline SVGs, expected 3")
    for t, a in page.tags:  # self-contained: no external resources, no scripts
        if t == "script" or (t in ("img", "link") and ("src" in a or "href" in a)):
            fail(f"report.html refers to an external resource: <{t} {a}>")
    for s in ("Summary", "Where the time went", "Failures by cause", "Energy, carbon and cost", "productive training",
              "redone work", "waiting for nodes", "checkpoint stalls", "pipeline bubble", "faulty_gpu", "MWh", "t CO2e",
              "USD", f"{days:.1f} days"):
        if s not in text:
            fail(f"report.html does not say '{s}'")
    n_step = check_trace(os.path.join(out, "trace.json"), ["stage 00", "stage 15"],
                         ["compute", "tp", "pp", "dp", "bubble", "optimizer"])
    n_job = check_trace(os.path.join(out, "job_trace.json"),
                        ["launch", "training", "redone work", "checkpoint stall", "failure recovery"],
                        ["training", "checkpoint stall", "failure recovery", "detection", "restart", "reload"])
    # The job trace spans the run: its last slice ends at replication 0's wall time (us).
    jt = json.load(open(os.path.join(out, "job_trace.json")))["traceEvents"]
    end_us = max(e["ts"] + e["dur"] for e in jt if e.get("ph") == "X")
    wall0 = float(open(os.path.join(out, "timeline.csv")).read().strip().splitlines()[-1].split(",")[0])
    if abs(end_us / 1e6 - wall0) > 1:
        fail(f"job trace ends at {end_us / 1e6:.1f} s, timeline.csv at {wall0:.1f} s")
print(f"svg elements {counts}; step trace {n_step} slices, job trace {n_job} slices; {days:.1f} days")
