#!/usr/bin/env python3
"""Step-simulation cost from 1k to 16k to ~100k GPUs: wall seconds and peak RSS of one
`trainsim step` process per point (one simulation per process, as SimGrid requires).

Usage: python3 bench/step_scaling.py [BUILD_DIR]   (default: build)
Prints a Markdown table for bench/RESULTS.md.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
EXE = os.path.join(BUILD, "trainsim")

# (label, scenario, overrides): Llama 3 405B shape (TP8 PP16, 16 micro-batches per pipeline)
POINTS = [
    ("1,024 GPUs (DP8, Meta platform, full recompute to fit)", "scenarios/llama3-405b.yaml",
     ["gpus=1024", "training.parallelism.dp=8", "training.global_batch=128", "training.recompute=full"]),
    ("4,096 GPUs (DP32, Meta platform, full recompute)", "scenarios/llama3-405b.yaml",
     ["gpus=4096", "training.parallelism.dp=32", "training.global_batch=512", "training.recompute=full"]),
    ("16,384 GPUs (DP128, Meta platform)", "scenarios/llama3-405b.yaml", []),
    ("98,304 GPUs (DP768, Colossus)", "scenarios/colossus-llama3-405b.yaml", []),
]


def run(scenario, sets):
    cmd = [EXE, "step", os.path.join(ROOT, scenario), "--json"]
    for s in sets:
        cmd += ["--set", s]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{stderr}")
    cpu = usage.ru_utime + usage.ru_stime
    rss_mib = usage.ru_maxrss / 1024.0  # KiB on Linux
    out = type("Out", (), {"stdout": stdout})
    report = json.loads(out.stdout)
    return wall, cpu, rss_mib, report, " ".join(cmd[1:])


def main():
    print("| job | wall s | CPU s | peak RSS MiB | step s | MFU | SimGrid flows |")
    print("|---|---|---|---|---|---|---|")
    for label, scenario, sets in POINTS:
        wall, cpu, rss, rep, cmd = run(scenario, sets)
        st = rep["step"]
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {st['time_s']:.3f} | {st['mfu']:.3f} | "
              f"{rep['simulation']['flows']} |")
        print(f"<!-- {cmd} -->")


if __name__ == "__main__":
    main()
