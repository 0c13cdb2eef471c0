#!/usr/bin/env bash
# Sweep benchmarks of issue #5 (bench/RESULTS.md): the failure-sensitivity sweep (21 points x 20
# replications) and a 1,000-point random sweep, both on Llama 3 405B at 16,384 GPUs, local
# backend, --jobs 2. Usage: bash bench/sweep_bench.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
exe=${1:-build}/trainsim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {
  local name=$1 file=$2
  local t0=$(date +%s.%N)
  "$exe" sweep "$file" --jobs 2 --out "$out/$name" 2>&1 | tail -1
  local t1=$(date +%s.%N)
  echo "$name: $(echo "$t1 - $t0" | bc) s wall, $(($(wc -l < "$out/$name/results.csv") - 1)) rows"
}
run failure-sensitivity scenarios/sweeps/failure-sensitivity.yaml
run random-1000 bench/sweeps/random-1000.yaml
python3 scripts/plot_sweep.py "$out/failure-sensitivity" --x failures.rate_scale --group checkpoint.interval \
  --dest "${PLOTS:-$out/plots}"
