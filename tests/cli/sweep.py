#!/usr/bin/env python3
"""trainsim sweep end to end (issue #5): determinism across --jobs, one step simulation per
distinct step, results.csv == SQLite rows, kill midway + --resume == uninterrupted run, --out
safety, infeasible points recorded, and the sensitivity plot.

usage: sweep.py TRAINSIM ROOT WORKDIR"""
import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

exe, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
sweeps = os.path.join(root, "tests", "sweeps")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def sweep(sweep_file, out, *extra, expect=0):
    p = subprocess.run([exe, "sweep", sweep_file, "--out", out, *extra], capture_output=True, text=True)
    if p.returncode != expect:
        print(p.stdout, p.stderr)
    check(p.returncode == expect, f"sweep {os.path.basename(sweep_file)} {' '.join(extra)}: exit {p.returncode}, expected {expect}")
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


small = os.path.join(sweeps, "small.yaml")
a, b = os.path.join(work, "a"), os.path.join(work, "b")
sweep(small, a, "--jobs", "1")
sweep(small, b, "--jobs", "2")
check(read(os.path.join(a, "results.csv")) == read(os.path.join(b, "results.csv")),
      "results.csv differs between --jobs 1 and --jobs 2")
for name in sorted(os.listdir(os.path.join(a, "points"))):
    check(read(os.path.join(a, "points", name)) == read(os.path.join(b, "points", name)),
          f"points/{name} differs between --jobs 1 and --jobs 2")

rows = list(csv.DictReader(open(os.path.join(a, "results.csv"))))
check(len(rows) == 12, f"expected 12 rows, got {len(rows)}")
check(all(r["status"] == "ok" for r in rows), "every point of small.yaml should be ok")
cols = list(rows[0].keys())
check(cols[:5] == ["point", "status", "failures.rate_scale", "checkpoint.interval", "energy.pue"],
      f"first columns: {cols[:5]}")
for key in ["step.time_s", "job.ettr", "job.wall_time_days", "energy.facility_mwh", "replications.ettr_p5",
            "replications.n"]:
    check(key in cols, f"results.csv lacks {key}")
check(all(r["replications.n"] == "3" for r in rows), "sweep replications (3) not applied")
steps = os.listdir(os.path.join(a, "steps"))
check(len(steps) == 1, f"points differing only in failure/checkpoint/energy keys must share one step profile, got {steps}")
# ETTR falls as the failure rate rises (same interval, same PUE draw).
by = {(r["failures.rate_scale"], r["checkpoint.interval"], r["energy.pue"]): float(r["job.ettr"]) for r in rows}
for iv in ["10min", "1h"]:
    for pue in {r["energy.pue"] for r in rows}:
        e = [by[(rs, iv, pue)] for rs in ["10", "50", "200"]]
        check(e[0] > e[1] > e[2], f"ETTR should fall with the failure rate at {iv}: {e}")
# PUE changes facility energy, not ETTR.
r0 = [r for r in rows if r["failures.rate_scale"] == "50" and r["checkpoint.interval"] == "10min"]
check(r0[0]["job.ettr"] == r0[1]["job.ettr"], "PUE must not change ETTR (common random numbers)")
check(r0[0]["energy.facility_mwh"] != r0[1]["energy.facility_mwh"], "PUE must change facility energy")

db = sqlite3.connect(os.path.join(a, "results.sqlite"))
n, ettr = db.execute('SELECT count(*), sum("job.ettr") FROM results').fetchone()
check(n == 12, f"SQLite has {n} rows")
check(abs(ettr - sum(float(r["job.ettr"]) for r in rows)) < 1e-9, "SQLite job.ettr differs from results.csv")
rep = json.loads(db.execute("SELECT report FROM results WHERE point = 3").fetchone()[0])
check(rep["job"]["ettr"] == float(rows[3]["job.ettr"]), "SQLite report JSON differs from the row")
db.close()

# --out safety.
p = sweep(small, a, expect=2)
check("--resume" in p.stderr and "--force" in p.stderr, "non-empty --out should suggest --resume / --force")
p = sweep(small, a, "--resume")  # everything done: nothing rerun, same results
check("12 of 12 points already finished" in p.stderr, "resume of a finished sweep should skip every point")
check(read(os.path.join(a, "results.csv")) == read(os.path.join(b, "results.csv")), "resume changed results.csv")
changed = os.path.join(work, "changed.yaml")
with open(small) as f:
    text = f.read().replace("[10, 50, 200]", "[10, 50, 300]").replace("base: base-small.yaml", f"base: {sweeps}/base-small.yaml")
with open(changed, "w") as f:
    f.write(text)
p = sweep(changed, a, "--resume", expect=2)
check("changed" in p.stderr, "resume with another sweep must be refused")

# The Slurm backend without a Slurm client: a usage error before anything is written.
noslurm = os.path.join(work, "noslurm")
p = subprocess.run([exe, "sweep", small, "--out", noslurm, "--backend", "slurm"], capture_output=True, text=True,
                   env=dict(os.environ, PATH="/nonexistent"))
check(p.returncode == 2 and "sbatch is not on PATH" in p.stderr, f"--backend slurm without sbatch: {p.returncode} {p.stderr}")
check(not os.path.exists(noslurm), "--backend slurm without sbatch must write nothing")

# Kill midway (SIGKILL to the driver and its children), then resume: identical results.
slow = os.path.join(sweeps, "resume.yaml")
full, killed = os.path.join(work, "full"), os.path.join(work, "killed")
sweep(slow, full, "--jobs", "2")
proc = subprocess.Popen([exe, "sweep", slow, "--out", killed, "--jobs", "2"], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL, start_new_session=True)
deadline = time.time() + 120
pts = os.path.join(killed, "points")
while time.time() < deadline:
    done = [f for f in os.listdir(pts) if f.endswith(".json")] if os.path.isdir(pts) else []
    if len(done) >= 3:
        break
    time.sleep(0.02)
os.killpg(proc.pid, signal.SIGKILL)
proc.wait()
done = [f for f in os.listdir(pts) if f.endswith(".json")]
total = len(list(csv.DictReader(open(os.path.join(full, "results.csv")))))
check(3 <= len(done) < total, f"the kill should land midway: {len(done)} of {total} points done")
if os.path.exists(os.path.join(killed, "results.csv")):
    partial = list(csv.DictReader(open(os.path.join(killed, "results.csv"))))
    check(all(r["status"] in ("ok", "infeasible") and r["job.ettr"] != "" for r in partial),
          "a killed sweep left a half-written row")
sweep(slow, killed, "--resume", "--jobs", "2")
check(read(os.path.join(full, "results.csv")) == read(os.path.join(killed, "results.csv")),
      "killed + resumed results.csv differs from the uninterrupted run")
check(not [f for f in os.listdir(pts) if f.endswith(".tmp")], "temporary files left after resume")

# Points that change the step: one profile each; an infeasible layout is recorded, not fatal.
lay = os.path.join(work, "layouts")
sweep(os.path.join(sweeps, "layouts.yaml"), lay)
rows = list(csv.DictReader(open(os.path.join(lay, "results.csv"))))
check([r["status"] for r in rows] == ["ok", "ok", "infeasible"], f"layout statuses: {[r['status'] for r in rows]}")
check(rows[0]["step.time_s"] != rows[1]["step.time_s"], "different layouts should have different step times")
rec = json.load(open(os.path.join(lay, "points", "000002.json")))
check("GiB" in rec.get("message", ""), "the infeasible point should say how much memory it needs")

# The sensitivity plot.
plot = subprocess.run([sys.executable, os.path.join(root, "scripts", "plot_sweep.py"), a, "--x",
                       "failures.rate_scale", "--group", "checkpoint.interval"], capture_output=True, text=True)
check(plot.returncode == 0, f"plot_sweep.py failed: {plot.stderr}")
png = os.path.join(a, "plots", "sensitivity-failures_rate_scale.png")
svg = os.path.join(a, "plots", "sensitivity-failures_rate_scale.svg")
check(os.path.exists(png) and os.path.getsize(png) > 20000, "PNG missing or trivially small")
check(os.path.exists(svg) and read(svg).count(b"<path") > 50, "SVG missing or without drawn paths")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("sweep: all checks passed")
