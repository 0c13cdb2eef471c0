#!/usr/bin/env python3
"""plan --goal layout and --goal min-gpus (issue #5 §6).

usage: plan_capacity.py TRAINSIM ROOT"""
import json
import subprocess
import sys

exe, root = sys.argv[1], sys.argv[2]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def plan(*args, expect=0):
    p = subprocess.run([exe, "plan", *args, "--json", "--jobs", "2"], capture_output=True, text=True, cwd=root)
    check(p.returncode == expect, f"plan {' '.join(args)}: exit {p.returncode} (expected {expect}): {p.stderr[-800:]}")
    return json.loads(p.stdout) if p.stdout.strip() else {}


small = "tests/sweeps/base-small.yaml"
# Layout on the small scenario: the search is exhaustive enough to check the bound and the order.
d = plan(small, "--goal", "layout", "--max-simulations", "12")
rows = d.get("ranking", [])
check(len(rows) >= 3, f"expected several simulated layouts, got {len(rows)}")
check(any(r["scenario_layout"] for r in rows), "the scenario's own layout must be ranked")
times = [r["step_time_s"] for r in rows]
check(times == sorted(times), "ranking must be by simulated step time")
for r in rows:
    check(r["lower_bound_s"] <= r["step_time_s"] * (1 + 1e-9),
          f"lower bound {r['lower_bound_s']} exceeds the simulated step {r['step_time_s']} for {r}")
    check(r["memory_per_gpu_gib"] <= 80 / 1.073741824, f"a ranked layout does not fit: {r}")
base = [r for r in rows if r["scenario_layout"]][0]
check(d["best"]["step_time_s"] <= base["step_time_s"], "best must be at least as fast as the scenario's layout")
check(d["rejected"].get("does not fit in GPU memory", 0) > 0, "memory pruning should reject some layouts")

# Llama 3 405B on 16,384 H100 (acceptance): Meta's TP8/PP16/DP128 ranked against alternatives.
d = plan("scenarios/llama3-405b.yaml", "--goal", "layout", "--max-simulations", "6")
rows = d.get("ranking", [])
meta = [r for r in rows if r["tp"] == 8 and r["pp"] == 16 and r["dp"] == 128 and r["cp"] == 1]
check(len(meta) == 1, "Meta's TP8/PP16/DP128 must be in the ranking")
check(len(rows) >= 4, "alternatives must be simulated too")
if meta:
    check(d["best"]["step_time_s"] <= meta[0]["step_time_s"], "a layout at least as fast as Meta's must be found")

# min-gpus: the smallest size meeting the deadline; the next smaller one does not.
d = plan(small, "--goal", "min-gpus", "--deadline", "2d", "--replications", "3", "--set", "platform.nodes=8")
cands = d.get("candidates", [])
best = d.get("best")
check(best is not None and best["meets_deadline"], f"min-gpus should find a size: {d}")
if best:
    check(best["wall_time_days"] <= 2.0, "the chosen size must meet the deadline")
    check(0 < best["ettr"] <= 1, "the chosen size reports its ETTR")
    smaller = [c for c in cands if c["gpus"] < best["gpus"]]
    check(all(not c["meets_deadline"] for c in smaller), "a smaller size meets the deadline but was not chosen")
    check(any(c["gpus"] < best["gpus"] for c in cands), "smaller sizes must have been considered")
    bigger = [c for c in cands if c["gpus"] > best["gpus"] and "wall_time_days" in c]
    check(all(c["wall_time_days"] <= best["wall_time_days"] * 1.05 for c in bigger), "larger jobs should not be slower")
d = plan(small, "--goal", "min-gpus", "--deadline", "1h", "--replications", "2", expect=3)
check(d.get("best") is None, "an impossible deadline has no answer")
p = subprocess.run([exe, "plan", small, "--goal", "min-gpus"], capture_output=True, text=True, cwd=root)
check(p.returncode == 2 and "--deadline" in p.stderr, "min-gpus without --deadline is a usage error")

if failures:
    sys.exit(1)
print("plan capacity: all checks passed")
