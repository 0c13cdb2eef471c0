#!/usr/bin/env python3
"""The 4Ms chain (Patterson et al. 2022, "The Carbon Footprint of Machine Learning Training Will
Plateau, Then Shrink", IEEE Computer; arXiv:2204.05149): Model, Machine, Mechanization, Map.

Runs one scenario, then changes one factor per link and reports how facility energy and operational
CO2 move at each link (multiplier vs the previous link, and cumulative):

  0  baseline      the base scenario on A100 (platforms/dgx-a100.yaml), PUE 1.6, grid 0.7 kg/kWh
  1  Machine       the same job on H100 (platforms/dgx-h100.yaml)
  2  Mechanization a hyperscale facility: PUE 1.6 -> 1.1
  3  Map           a low-carbon grid: 0.7 -> 0.05 kg/kWh

The first M, Model (sparse models, e.g. mixture of experts), is not in the chain: trainsim simulates
dense transformers only. Every link is `trainsim run BASE --json --set ...`; the baseline's values
(PUE 1.6 of an older air-cooled room, 0.7 kg/kWh of a coal-heavy grid, 0.05 kg/kWh of a hydro or
nuclear grid) are the what-if's assumptions, not measurements.

usage: scripts/fourms.py [--trainsim build/trainsim] [--base scenarios/gpt3-175b-a100.yaml]
                         [--replications N] [--json]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (link, factor changed, --set overrides added to the previous link's)
CHAIN = [
    ("baseline", "A100, PUE 1.6, grid 0.7 kg/kWh",
     ["platform=" + os.path.join(ROOT, "platforms/dgx-a100.yaml"), "energy.pue=1.6",
      "energy.carbon_intensity=0.7kg/kWh", "failures.spare_nodes=0"]),
    ("Machine", "A100 -> H100", ["platform=" + os.path.join(ROOT, "platforms/dgx-h100.yaml")]),
    ("Mechanization", "PUE 1.6 -> 1.1", ["energy.pue=1.1"]),
    ("Map", "grid 0.7 -> 0.05 kg/kWh", ["energy.carbon_intensity=0.05kg/kWh"]),
]


def run(trainsim, base, sets, replications):
    cmd = [trainsim, "run", base, "--json", "--replications", str(replications)]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr}")
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainsim", default=os.path.join(ROOT, "build/trainsim"))
    ap.add_argument("--base", default=os.path.join(ROOT, "scenarios/gpt3-175b-a100.yaml"))
    ap.add_argument("--replications", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the chain as one JSON document")
    a = ap.parse_args()

    sets, links = [], []
    for name, change, extra in CHAIN:
        sets = sets + extra
        d = run(a.trainsim, a.base, sets, a.replications)
        links.append({"link": name, "change": change, "wall_time_days": d["job"]["wall_time_days"],
                      "facility_mwh": d["energy"]["facility_mwh"], "co2_t": d["energy"]["co2_t"]})
    first = links[0]
    for prev, cur in zip([None] + links[:-1], links):
        for k in ("facility_mwh", "co2_t"):
            cur[k.split("_")[0] + "_x"] = cur[k] / prev[k] if prev and prev[k] > 0 else 1.0
            cur[k.split("_")[0] + "_cumulative_x"] = cur[k] / first[k] if first[k] > 0 else 1.0
    if a.json:
        print(json.dumps({"base": a.base, "links": links}, indent=2))
        return
    print(f"4Ms chain on {os.path.relpath(a.base)} (energy = facility MWh, CO2 = operational t)\n")
    print(f"{'link':<14} {'change':<30} {'days':>6} {'MWh':>9} {'x':>6} {'t CO2e':>9} {'x':>7} "
          f"{'cum. energy':>11} {'cum. CO2':>9}")
    for c in links:
        print(f"{c['link']:<14} {c['change']:<30} {c['wall_time_days']:6.1f} {c['facility_mwh']:9.0f} "
              f"{c['facility_x']:6.3f} {c['co2_t']:9.1f} {c['co2_x']:7.3f} {c['facility_cumulative_x']:11.3f} "
              f"{c['co2_cumulative_x']:9.4f}")
    last = links[-1]
    print(f"\nenergy / {1 / last['facility_cumulative_x']:.1f}, CO2 / {1 / last['co2_cumulative_x']:.0f} "
          "from the first link to the last (Patterson et al. 2022 report up to ~100x and ~1000x with all "
          "four Ms, the Model link included)")


if __name__ == "__main__":
    main()
