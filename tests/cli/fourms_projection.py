#!/usr/bin/env python3
"""scripts/fourms.py and scripts/failure_projection.py (issue #8): each 4Ms link moves only its own
factor (PUE 1.6 -> 1.1 scales energy by 1.1/1.6; the grid 0.7 -> 0.05 scales CO2 by 0.05/0.7 and
leaves energy alone; H100 needs less energy than A100 for the same job), and the Meta RSC job MTBF
is 1 / (nodes x 6.5 per 1,000 node-days)."""
import json
import subprocess
import sys

trainsim, root = sys.argv[1], sys.argv[2]


def script(name, *args):
    r = subprocess.run([sys.executable, f"{root}/scripts/{name}", "--trainsim", trainsim, "--json", *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{name} exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)


def close(a, b, rel, what):
    if abs(a - b) > rel * abs(b):
        sys.exit(f"{what}: {a!r} vs {b!r} (relative tolerance {rel})")


links = {l["link"]: l for l in script("fourms.py")["links"]}
if not links["Machine"]["facility_x"] < 0.9:
    sys.exit(f"A100 -> H100 should cut energy: x{links['Machine']['facility_x']:.3f}")
close(links["Mechanization"]["facility_x"], 1.1 / 1.6, 1e-9, "PUE link energy multiplier")
close(links["Mechanization"]["co2_x"], 1.1 / 1.6, 1e-9, "PUE link CO2 multiplier")
close(links["Map"]["facility_x"], 1.0, 1e-12, "grid link energy multiplier")
close(links["Map"]["co2_x"], 0.05 / 0.7, 1e-9, "grid link CO2 multiplier")

rows = script("failure_projection.py", "--sizes", "1024", "2048")["rows"]
for r in rows:
    close(r["mtbf_hours"], 24 / (r["gpus"] / 8 * 6.5e-3), 1e-6, f"Meta RSC job MTBF at {r['gpus']} GPUs")
if not rows[1]["ettr"] < rows[0]["ettr"]:
    sys.exit(f"ETTR should fall with size: {rows}")
print(f"4Ms: energy x{links['Machine']['facility_x']:.3f} (H100), CO2 x{links['Map']['co2_cumulative_x']:.4f} "
      f"overall; MTBF {rows[0]['mtbf_hours']:.1f} h at 1,024 GPUs")
