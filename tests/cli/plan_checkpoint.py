#!/usr/bin/env python3
"""plan --goal checkpoint-interval --json: Daly's higher-order interval and the simulated
optimum (design.md §4 keys); the optimum within 20 % of Daly's; ETTR falls off on both sides."""
import json
import subprocess
import sys

trainsim, root = sys.argv[1], sys.argv[2]
out = subprocess.run([trainsim, "plan", f"{root}/scenarios/llama3-405b.yaml", "--goal", "checkpoint-interval",
                      "--json", "--set", "training.tokens=2T", "--replications", "5"],
                     capture_output=True, text=True)
if out.returncode != 0:
    sys.exit(f"plan exited {out.returncode}: {out.stderr}")
doc = json.loads(out.stdout)
ck = doc["checkpoint"]
daly, best = ck["young_daly_interval_s"], ck["optimal_interval_s"]
if abs(best / daly - 1) > 0.2:
    sys.exit(f"simulated optimum {best:.0f} s is not within 20 % of Daly's {daly:.0f} s")
curve = doc["curve"]
ettr = [p["ettr"] for p in curve]
if not (ettr[0] < max(ettr) and ettr[-1] < max(ettr)):
    sys.exit(f"ETTR curve has no interior maximum: {ettr}")
print(f"Daly {daly/60:.2f} min, simulated optimum {best/60:.2f} min, ETTR {max(ettr):.4f}")
