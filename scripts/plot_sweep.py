#!/usr/bin/env python3
"""Sensitivity curves of a sweep: ETTR, wall-clock days and facility energy against a swept key,
one line per value of a second key, with the replications' p5-p95 band. PNG and SVG.

    python3 scripts/plot_sweep.py OUT --x failures.rate_scale [--group checkpoint.interval]
                                  [--log-x] [--dest OUT/plots]

OUT is a `trainsim sweep` output directory (or its results.csv). Needs python3-matplotlib
(Debian), installed by scripts/install-deps.sh. Rows whose status is not "ok" are skipped.
"""
import argparse
import csv
import math
import os
import re
import sys

# (report key, p5 key, p95 key, axis label) for each panel.
PANELS = [
    ("job.ettr", "replications.ettr_p5", "replications.ettr_p95", "ETTR (productive / wall-clock)"),
    ("job.wall_time_days", "replications.wall_time_days_p5", "replications.wall_time_days_p95",
     "wall-clock time (days)"),
    ("energy.facility_mwh", "replications.facility_mwh_p5", "replications.facility_mwh_p95",
     "facility energy (MWh)"),
]

_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "min": 60, "h": 3600, "d": 86400, "y": 31557600}


def numeric(text):
    """A swept value as a number for the x axis: plain numbers, and times with a unit (seconds)."""
    try:
        return float(text)
    except ValueError:
        pass
    m = re.fullmatch(r"\s*([0-9.eE+-]+)\s*([a-z]+)\s*", text)
    if m and m.group(2) in _UNITS:
        return float(m.group(1)) * _UNITS[m.group(2)]
    return None


def fail(msg):
    print(f"plot_sweep: error: {msg}", file=sys.stderr)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="sweep output directory or its results.csv")
    ap.add_argument("--x", required=True, help="swept key on the x axis (dotted name)")
    ap.add_argument("--group", help="swept key: one line per value")
    ap.add_argument("--log-x", action="store_true", help="logarithmic x axis (default: when x spans > 10x)")
    ap.add_argument("--dest", help="output directory (default: RESULTS/plots)")
    args = ap.parse_args()

    path = args.results
    if os.path.isdir(path):
        path = os.path.join(path, "results.csv")
    if not os.path.isfile(path):
        fail(f"{path}: no such file (give a sweep output directory or its results.csv)")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        fail(f"{path}: no rows")
    for key in [args.x] + ([args.group] if args.group else []):
        if key not in rows[0]:
            swept = [c for c in rows[0] if c not in ("point", "status") and "." in c][:8]
            fail(f"{path}: no column '{key}' (columns include: {', '.join(swept)})")
    ok = [r for r in rows if r["status"] == "ok"]
    if not ok:
        fail(f"{path}: no finished point with status ok")

    try:
        import matplotlib
    except ImportError:
        # Debian's python3-matplotlib lives with /usr/bin/python3; another python3 may be first on PATH.
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        fail("matplotlib is missing: apt-get install python3-matplotlib (scripts/install-deps.sh)")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = {}
    for r in ok:
        groups.setdefault(r[args.group] if args.group else "", []).append(r)
    xs_all = [numeric(r[args.x]) for r in ok]
    if any(x is None for x in xs_all):
        fail(f"column '{args.x}' is not numeric (e.g. '{ok[0][args.x]}')")
    log_x = args.log_x or (min(xs_all) > 0 and max(xs_all) / min(xs_all) > 10)

    fig, axes = plt.subplots(1, len(PANELS), figsize=(5.2 * len(PANELS), 4.2))
    for ax, (key, lo, hi, label) in zip(axes, PANELS):
        for name, rs in groups.items():
            rs = sorted(rs, key=lambda r: numeric(r[args.x]))
            x = [numeric(r[args.x]) for r in rs]
            y = [float(r[key]) for r in rs]
            line, = ax.plot(x, y, marker="o", label=f"{args.group} = {name}" if args.group else key)
            # Points stopped at simulation.max_wall_time: open markers (their value is at the cap).
            capped = [(xi, yi) for xi, yi, r in zip(x, y, rs) if float(r.get("job.finished_fraction", "1") or 1) < 1]
            if capped:
                ax.plot([c[0] for c in capped], [c[1] for c in capped], linestyle="none", marker="o", color=line.get_color(),
                        markerfacecolor="white", markeredgecolor=line.get_color())
            if lo in rs[0] and rs[0][lo] != "":
                ax.fill_between(x, [float(r[lo]) for r in rs], [float(r[hi]) for r in rs],
                                color=line.get_color(), alpha=0.2, linewidth=0)
        ax.set_xlabel(args.x)
        ax.set_ylabel(label)
        if log_x:
            ax.set_xscale("log")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=8)
    unfinished = [r for r in ok if float(r.get("job.finished_fraction", "1") or 1) < 1]
    title = f"{os.path.basename(os.path.dirname(os.path.abspath(path)))}: mean and p5-p95 over replications"
    if unfinished:
        title += f"\nopen markers: {len(unfinished)} points stopped at simulation.max_wall_time (values at the cap)"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    dest = args.dest or os.path.join(os.path.dirname(os.path.abspath(path)), "plots")
    os.makedirs(dest, exist_ok=True)
    stem = "sensitivity-" + args.x.replace(".", "_")
    written = []
    for ext in ("png", "svg"):
        out = os.path.join(dest, f"{stem}.{ext}")
        tmp = out + ".tmp"
        fig.savefig(tmp, format=ext, dpi=110)
        os.replace(tmp, out)
        written.append(out)
    print("wrote " + ", ".join(written))


if __name__ == "__main__":
    main()
