#!/usr/bin/env python3
"""Failure-rate projection from 1k to 131k GPUs with Meta RSC's A100 rates (Kokolis et al., HPCA
2025, arXiv:2410.21680: 6.5 failures per 1,000 node-days on RSC-1; their projected job MTTF is
7.9 h measured at 1,024 GPUs, 1.8 h at 16,384 and 0.23 h at 131,072; published_runs.yaml
meta-rsc-mttf-*).

One `trainsim run --json` per size (the same points as scenarios/sweeps/failure-projection.yaml, with a comparison table), on the base scenario
(default scenarios/gpt3-175b-a100.yaml: GPT-3 175B, TP8 PP16) with `failures.model=meta-rsc`.
Weak scaling keeps every size comparable: DP = GPUs / 128, the global batch grows with DP (192
sequences per pipeline, so the step time stays that of the base) and the token budget grows with the
GPUs (300B tokens per 1,024 GPUs), so every run lasts about the base's wall time (~1 month) and its
ETTR reflects failures, not run length. Spares: 5 % of the job's nodes (at least 1); the platform is
resized to job + spare nodes.

usage: scripts/failure_projection.py [--trainsim build/trainsim] [--sizes 1024 2048 ...] [--json]
"""
import argparse
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072]
PUBLISHED_MTTF_H = {1024: 7.9, 16384: 1.8, 131072: 0.23}  # Kokolis et al.: measured at 1,024, projected above


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trainsim", default=os.path.join(ROOT, "build/trainsim"))
    ap.add_argument("--base", default=os.path.join(ROOT, "scenarios/gpt3-175b-a100.yaml"))
    ap.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    ap.add_argument("--replications", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = []
    for gpus in a.sizes:
        if gpus % 128:
            sys.exit(f"--sizes: {gpus} is not a multiple of 128 GPUs (TP8 x PP16)")
        dp, nodes = gpus // 128, gpus // 8
        spares = max(1, math.ceil(0.05 * nodes))
        sets = [f"gpus={gpus}", f"platform.nodes={nodes + spares}", f"failures.spare_nodes={spares}",
                "failures.model=meta-rsc", f"training.parallelism.dp={dp}", f"training.global_batch={192 * dp}",
                f"training.tokens={300e9 * gpus / 1024:.6g}",
                # The projection wants the whole run even where failures make it hopeless (ETTR ~0.2
                # at 131k GPUs): lift run's default cap of 4x the failure-free time.
                "simulation.max_wall_time=5000d"]
        cmd = [a.trainsim, "run", a.base, "--json", "--replications", str(a.replications)]
        for s in sets:
            cmd += ["--set", s]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr}")
        d = json.loads(r.stdout)
        j = d["job"]
        rows.append({"gpus": gpus, "spare_nodes": spares, "mtbf_hours": j["mtbf_hours"],
                     "published_mttf_hours": PUBLISHED_MTTF_H.get(gpus), "failures_per_day": j["failures_per_day"],
                     "wall_time_days": j["wall_time_days"], "ettr": j["ettr"],
                     "checkpoint_interval_min": d["checkpoint"]["interval_s"] / 60,
                     "wait_for_nodes_hours": j["wait_for_nodes_hours"]})
    if a.json:
        print(json.dumps({"base": a.base, "rows": rows}, indent=2))
        return
    print("Meta RSC failure rates projected over job size (weak scaling, ~1 month per run)\n")
    print(f"{'GPUs':>7} {'spares':>6} {'MTBF h':>8} {'Meta h':>7} {'fail/d':>7} {'ckpt min':>8} "
          f"{'wait h':>7} {'days':>6} {'ETTR':>6}")
    for r in rows:
        pub = f"{r['published_mttf_hours']:.2f}" if r["published_mttf_hours"] else "-"
        print(f"{r['gpus']:>7} {r['spare_nodes']:>6} {r['mtbf_hours']:8.2f} {pub:>7} {r['failures_per_day']:7.1f} "
              f"{r['checkpoint_interval_min']:8.1f} {r['wait_for_nodes_hours']:7.1f} {r['wall_time_days']:6.1f} "
              f"{r['ettr']:6.3f}")
    print("\nMeta h: Kokolis et al.'s MTTF (1,024: measured, all failure causes; 16,384 and 131,072: their "
          "projection from the node rate, which trainsim's meta-rsc model reproduces)")


if __name__ == "__main__":
    main()
