#!/usr/bin/env python3
"""The sweep through a real Slurm (issue #5 §4): scripts/slurm-local.sh starts a single-node Slurm
on localhost (installing it if needed), then tests/sweeps/small.yaml runs with --backend slurm and
must give byte-identical results.csv and per-point records as the local backend. Exits 77 (ctest:
skipped) with the reason when Slurm cannot start here; never passes without running the sweep.

usage: sweep_slurm.py TRAINSIM ROOT WORKDIR"""
import os
import shutil
import subprocess
import sys

exe, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
script = os.path.join(root, "scripts", "slurm-local.sh")
if os.geteuid() != 0:
    print("SKIPPED: starting a local Slurm needs root (apt-get, munged, slurmctld, slurmd)")
    sys.exit(77)
was_up = subprocess.run(["sinfo", "-h"], capture_output=True).returncode == 0 if shutil.which("sinfo") else False
up = subprocess.run(["bash", script, "start"], capture_output=True, text=True)
print(up.stdout, up.stderr)
if up.returncode != 0:
    print("SKIPPED: Slurm could not be started here: " + (up.stderr.strip() or up.stdout.strip()))
    sys.exit(77)

small = os.path.join(root, "tests", "sweeps", "small.yaml")
local, slurm = os.path.join(work, "local"), os.path.join(work, "slurm")
p = subprocess.run([exe, "sweep", small, "--out", local, "--jobs", "2"], capture_output=True, text=True)
assert p.returncode == 0, p.stderr
p = subprocess.run([exe, "sweep", small, "--out", slurm, "--backend", "slurm", "--tasks", "3"],
                   capture_output=True, text=True, timeout=600)
print(p.stderr)
failures = []
if p.returncode != 0:
    failures.append(f"slurm backend exit {p.returncode}")
if "submitting 12 points as a 3-task Slurm array" not in p.stderr:
    failures.append("the sweep did not go through sbatch")
logs = sorted(f for f in os.listdir(os.path.join(slurm, "slurm")) if f.startswith("task-"))
if len(logs) != 3:
    failures.append(f"expected 3 array-task logs, got {logs}")


def read(path):
    with open(path, "rb") as f:
        return f.read()


if not failures:
    if read(os.path.join(local, "results.csv")) != read(os.path.join(slurm, "results.csv")):
        failures.append("results.csv differs between the local and the Slurm backend")
    for name in sorted(os.listdir(os.path.join(local, "points"))):
        if read(os.path.join(local, "points", name)) != read(os.path.join(slurm, "points", name)):
            failures.append(f"points/{name} differs between backends")
if not was_up:  # leave the machine as found: stop the daemons this test started
    subprocess.run(["bash", script, "stop"], capture_output=True)
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
