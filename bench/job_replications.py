#!/usr/bin/env python3
"""Job-level cost: Llama 3 405B on 16,384 H100, a 54-day run (11.5T tokens at the simulated step
time), llama3 failure preset, 1 / 10 / 100 replications. Wall seconds and peak RSS of one
`trainsim run` process each (the step simulation, ~0.6 s, is included; `step` alone is the
first row). The checkpoint interval is fixed at Daly's 250 s.

Usage: python3 bench/job_replications.py [BUILD_DIR]
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"), "trainsim")
SCEN = os.path.join(ROOT, "scenarios/llama3-405b.yaml")


def measure(args):
    t0 = time.monotonic()
    proc = subprocess.Popen([EXE] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(err)
    return time.monotonic() - t0, usage.ru_maxrss / 1024.0, out


print("| command | wall s | peak RSS MiB | wall days | ETTR | failures |")
print("|---|---|---|---|---|---|")
w, rss, _ = measure(["step", SCEN, "--json"])
print(f"| step only | {w:.2f} | {rss:.0f} | | | |")
for reps in (1, 10, 100):
    # A fixed interval (Daly's, 250 s) so that the cost measured is the replications', not the
    # `auto` interval search that `run` would otherwise do first.
    w, rss, out = measure(["run", SCEN, "--json", "--set", "training.tokens=11.5T", "--set", "checkpoint.interval=250s",
                           "--replications", str(reps)])
    job = json.loads(out)["job"]
    print(f"| run, {reps} replications | {w:.2f} | {rss:.0f} | {job['wall_time_days']:.2f} | {job['ettr']:.4f} | "
          f"{job['failures']:.1f} |")
