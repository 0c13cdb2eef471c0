#!/usr/bin/env python3
"""Energy of the Llama 3 405B run (issue #4): power.csv integrates to the reported facility MWh
within 0.1 %; simulated GPU energy below the TDP-based figure; power swing >= 8 MW at 16,384
GPUs; a DGX H100 node at full load <= 10.2 kW; the step's node power measured by SimGrid's host
energy plugin."""
import csv
import json
import os
import subprocess
import sys
import tempfile

trainsim, root = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as out:
    r = subprocess.run([trainsim, "run", f"{root}/scenarios/llama3-405b.yaml", "--replications", "1", "--out", out,
                        "--force", "--set", "training.tokens=2T", "--set", "checkpoint.interval=250s"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"run exited {r.returncode}: {r.stderr}")
    if len(r.stderr.splitlines()) > 2:
        sys.exit(f"run wrote {len(r.stderr.splitlines())} lines on stderr (energy plugin report?):\n{r.stderr[:500]}")
    rep = json.load(open(os.path.join(out, "report.json")))
    rows = list(csv.DictReader(open(os.path.join(out, "power.csv"))))
e = rep["energy"]
mwh = sum((float(b["time_s"]) - float(a["time_s"])) * float(a["facility_mw"]) for a, b in zip(rows, rows[1:])) / 3600
if abs(mwh / e["facility_mwh"] - 1) > 1e-3:
    sys.exit(f"power.csv integrates to {mwh:.3f} MWh, report says {e['facility_mwh']:.3f} MWh")
if not e["gpu_mwh"] < e["tdp_based_mwh"]:
    sys.exit(f"GPU energy {e['gpu_mwh']:.0f} MWh not below the TDP-based {e['tdp_based_mwh']:.0f} MWh")
if e["power_swing_mw"] < 8:
    sys.exit(f"power swing {e['power_swing_mw']:.1f} MW < 8 MW")
if not e["step_power_from_plugin"]:
    sys.exit("the step's node power should come from the host energy plugin (TP8 stages fill their nodes)")
if not 0 < e["step_node_power_w"] <= 10200:
    sys.exit(f"node power {e['step_node_power_w']:.0f} W outside (0, 10.2 kW]")

# Switches and storage, when the platform gives their power, draw it for the whole run: the
# facility energy grows by exactly (their power x wall time x PUE), and power.csv still integrates.
with tempfile.TemporaryDirectory() as out2:
    r2 = subprocess.run([trainsim, "run", f"{root}/scenarios/llama3-405b.yaml", "--replications", "1", "--out", out2,
                         "--force", "--set", "training.tokens=2T", "--set", "checkpoint.interval=250s",
                         "--set", "platform.storage.power=1MW"], capture_output=True, text=True)
    if r2.returncode != 0:
        sys.exit(f"run with storage power exited {r2.returncode}: {r2.stderr}")
    rep2 = json.load(open(os.path.join(out2, "report.json")))
    rows2 = list(csv.DictReader(open(os.path.join(out2, "power.csv"))))
e2 = rep2["energy"]
mwh2 = sum((float(b["time_s"]) - float(a["time_s"])) * float(a["facility_mw"]) for a, b in zip(rows2, rows2[1:])) / 3600
if abs(mwh2 / e2["facility_mwh"] - 1) > 1e-3:
    sys.exit(f"with storage power, power.csv {mwh2:.3f} MWh vs report {e2['facility_mwh']:.3f} MWh")
extra = 1.0 * rep2["job"]["wall_time_days"] * 24 * 1.1
if abs((e2["facility_mwh"] - e["facility_mwh"]) / extra - 1) > 1e-3:
    sys.exit(f"1 MW of storage added {e2['facility_mwh'] - e['facility_mwh']:.1f} MWh, expected {extra:.1f}")
print(f"power.csv {mwh:.1f} MWh = report {e['facility_mwh']:.1f} MWh; GPU {e['gpu_mwh']:.0f} < TDP "
      f"{e['tdp_based_mwh']:.0f} MWh; swing {e['power_swing_mw']:.1f} MW; node {e['step_node_power_w']:.0f} W")
