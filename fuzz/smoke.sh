#!/usr/bin/env bash
# Fuzz smoke test (ctest label fuzz): smoke.sh FUZZER SOURCE_DIR WORK_DIR RUNS
# Runs FUZZER for RUNS executions from fresh seed corpora, with the limits of docs/fuzzing.md.
# libFuzzer exits non-zero on a crash, leak, sanitizer report, timeout (> 1 s) or RSS > 2 GiB.
set -euo pipefail
fuzzer=$1 src=$2 work=$3 runs=$4
name=$(basename "$fuzzer"); kind=${name#fuzz_}
rm -rf "$work" && mkdir -p "$work/new"
bash "$src/fuzz/make_corpus.sh" "$src" "$work/seeds" > /dev/null
cd "$work"
exec "$fuzzer" -runs="$runs" -timeout=1 -rss_limit_mb=2048 -max_len=4096 -dict="$src/fuzz/yaml.dict" \
     -print_final_stats=1 -artifact_prefix="$work/" "$work/new" "$work/seeds/$kind"
