#!/usr/bin/env python3
"""efficiency.* and cost.* of `trainsim run` (issue #8): the five factors multiply to the
end-to-end efficiency computed directly (constant step time: no drift), each factor moves with its
what-if (--set energy.pue, spare nodes), capex follows its formula, and a scenario without
cost.gpu_price reports no capex."""
import json
import subprocess
import sys

trainsim, root = sys.argv[1], sys.argv[2]


def run(scenario, *sets, json_out=True):
    cmd = [trainsim, "run", f"{root}/scenarios/{scenario}", "--replications", "2"]
    if json_out:
        cmd.append("--json")
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout) if json_out else r.stdout


def close(a, b, rel, what):
    if abs(a - b) > rel * abs(b):
        sys.exit(f"{what}: {a!r} vs {b!r} (relative tolerance {rel})")


base = ("training.tokens=1T", "drift.diurnal_amplitude=0")
d = run("llama3-405b.yaml", *base)
ef, st, jb, c = d["efficiency"], d["step"], d["job"], d["cost"]
prod = ef["energy"] * ef["kernel"] * ef["scaling"] * ef["ettr"] * ef["utilisation"]
close(ef["product"], prod, 1e-12, "product of the five factors")
close(ef["product"], ef["end_to_end"], 1e-9, "product vs useful FLOPs / (peak x allocated GPUs x wall x PUE)")
close(ef["kernel"] * ef["scaling"], st["mfu"], 1e-9, "kernel x scaling vs step.mfu")
close(ef["energy"], 1 / 1.1, 1e-12, "1/PUE")
close(ef["ettr"], jb["ettr"], 1e-12, "efficiency.ettr vs job.ettr")
close(ef["utilisation"], 16384 / (16384 + 64 * 8), 1e-12, "utilisation with 64 spare nodes")
# Capex: allocated GPUs x 33,750 / (1 - 0.19) x wall / 4 y (scenarios/llama3-405b.yaml).
capex = 16896 * 33750 / 0.81 * jb["wall_time_days"] / (4 * 365.25)
close(c["capex_usd"], capex, 1e-9, "capex")
close(c["electricity_usd"], d["energy"]["cost_usd"], 1e-12, "electricity = energy.cost_usd")
close(c["total_usd"], capex + c["electricity_usd"], 1e-9, "total")
close(c["usd_per_trillion_tokens"], c["total_usd"], 1e-9, "USD per trillion tokens at 1T tokens")

# What-ifs move their own factor.
d2 = run("llama3-405b.yaml", *base, "energy.pue=1.6")
close(d2["efficiency"]["energy"], 1 / 1.6, 1e-12, "1/PUE at PUE 1.6")
close(d2["efficiency"]["kernel"], ef["kernel"], 1e-12, "kernel does not depend on PUE")
d3 = run("llama3-405b.yaml", *base, "failures.spare_nodes=0")
close(d3["efficiency"]["utilisation"], 1.0, 1e-12, "utilisation without spares")

# No gpu_price: no capex key, total = electricity.
g = run("gpt3-175b-a100.yaml", "training.tokens=30B")
if g["cost"]["capex_included"] or "capex_usd" in g["cost"]:
    sys.exit(f"gpt3-175b-a100 has no cost.gpu_price but reports capex: {g['cost']}")
close(g["cost"]["total_usd"], g["cost"]["electricity_usd"], 1e-12, "total without capex")

# The terminal summary shows the table.
s = run("llama3-405b.yaml", *base, json_out=False)
for needle in ("energy       1 / PUE", "utilisation  job GPUs / allocated GPUs", "product", "capex (amortised)"):
    if needle not in s:
        sys.exit(f"summary lacks '{needle}':\n{s}")
print(f"product {ef['product']:.4f} = direct {ef['end_to_end']:.4f}; capex {c['capex_usd']:.4g} USD, "
      f"electricity share {c['electricity_share']:.3f}")
