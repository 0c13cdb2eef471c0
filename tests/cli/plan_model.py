#!/usr/bin/env python3
"""plan --goal max-model | max-tokens | days (issue #8): the budget C = GPUs x peak x MFU x ETTR x
days, N = C / (6 D) and the Chinchilla N = sqrt(C / 120); max-tokens over the run's own days gives
back the scenario's tokens; --days is required for the first two goals (exit 2)."""
import json
import math
import subprocess
import sys

trainsim, root = sys.argv[1], sys.argv[2]
scen = f"{root}/scenarios/llama3-405b.yaml"
common = ["--replications", "2", "--set", "training.tokens=2T", "--set", "drift.diurnal_amplitude=0"]


def plan(goal, *extra):
    r = subprocess.run([trainsim, "plan", scen, "--goal", goal, "--json", *common, *extra],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"plan --goal {goal} exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)


def close(a, b, rel, what):
    if abs(a - b) > rel * abs(b):
        sys.exit(f"{what}: {a!r} vs {b!r} (relative tolerance {rel})")


m = plan("max-model", "--days", "100")
s, res = m["simulated"], m["result"]
C = s["gpus"] * s["peak_flop_per_s_per_gpu"] * s["mfu"] * s["ettr"] * 100 * 86400
close(res["compute_flop"], C, 1e-9, "compute budget")
close(res["fixed_tokens"]["params"], C / (6 * 2e12), 1e-9, "N = C / 6D")
close(res["chinchilla"]["params"], math.sqrt(C / 120), 1e-9, "Chinchilla N")
close(res["chinchilla"]["tokens"], 20 * res["chinchilla"]["params"], 1e-12, "Chinchilla D = 20 N")
if not m["assumptions"] or "constant" not in m["assumptions"][0]:
    sys.exit(f"the plan must state that MFU is held constant: {m['assumptions']}")

d = plan("days")
days = d["result"]["days"]
close(days, d["simulated"]["wall_time_days"], 1e-12, "days = the simulated run's wall time")
close(d["result"]["days_formula"], days, 0.01, "model FLOPs / (GPUs x peak x MFU x ETTR) vs the simulated days")
t = plan("max-tokens", "--days", repr(days))
close(t["result"]["tokens"], 2e12, 0.01, "tokens reachable in the run's own days")

r = subprocess.run([trainsim, "plan", scen, "--goal", "max-model"], capture_output=True, text=True)
if r.returncode != 2 or "--days" not in r.stderr:
    sys.exit(f"max-model without --days: exit {r.returncode}, stderr {r.stderr!r}")
print(f"C {C:.3g} FLOP in 100 d: {res['fixed_tokens']['params'] / 1e9:.0f}B on 2T tokens, "
      f"{res['chinchilla']['params'] / 1e9:.0f}B Chinchilla; {days:.2f} d for 2T tokens")
