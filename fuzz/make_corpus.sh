#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets: make_corpus.sh SOURCE_DIR OUT_DIR
#   OUT_DIR/scenario  scenarios/*.yaml (platform paths rewritten for tests/inputs/, where the
#                     fuzz target's documents live), scenarios/models/*.yaml, tests/inputs/*.yaml
#   OUT_DIR/platform  platforms/*.yaml and the platform files among tests/inputs/
#   OUT_DIR/override  fuzz/seeds/override/* (one KEY=VALUE per line)
set -euo pipefail
src=$1 out=$2
mkdir -p "$out/scenario" "$out/platform" "$out/override" "$out/sweep"
for f in "$src"/scenarios/sweeps/*.yaml "$src"/tests/sweeps/*.yaml; do
  grep -q '^base:' "$f" || continue
  # Seeds live in scenarios/sweeps/: tests/sweeps' base is rewritten to a scenario there.
  sed 's#^base: base-small.yaml#base: ../llama3-405b.yaml#' "$f" > "$out/sweep/$(basename "$(dirname "$f")")_$(basename "$f")"
done
for f in "$src"/scenarios/*.yaml; do
  sed 's#\.\./platforms/#../../platforms/#' "$f" > "$out/scenario/scenarios_$(basename "$f")"
done
for f in "$src"/scenarios/models/*.yaml; do cp "$f" "$out/scenario/models_$(basename "$f")"; done
for f in "$src"/tests/inputs/*.yaml; do
  if grep -q '^node:' "$f"; then
    cp "$f" "$out/platform/inputs_$(basename "$f")"
  else
    cp "$f" "$out/scenario/inputs_$(basename "$f")"
  fi
done
for f in "$src"/platforms/*.yaml; do cp "$f" "$out/platform/platforms_$(basename "$f")"; done
cp "$src"/fuzz/seeds/override/* "$out/override/"
echo "make_corpus: $(ls "$out/scenario" | wc -l) scenario, $(ls "$out/platform" | wc -l) platform," \
     "$(ls "$out/override" | wc -l) override, $(ls "$out/sweep" | wc -l) sweep seeds in $out"
