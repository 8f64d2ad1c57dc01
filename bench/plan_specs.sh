#!/usr/bin/env bash
# Wall time of the planner on every example spec: the analytic engine alone (what the
# split search and sweeps use), the plan with its flow-engine runs (default), and
# compare SPEC (two plans plus two packet-engine link-failure slices). One run each,
# whole process, pinned to core 0; the machines are shared, so compare ratios within one
# run rather than absolute figures across runs.
# usage: bench/plan_specs.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
bin="$build/fabricplan"
pin() { if command -v taskset >/dev/null; then taskset -c 0 "$@"; else "$@"; fi; }
secs() { local TIMEFORMAT=%R; { time pin "$@" >/dev/null 2>&1; } 2>&1; }
printf "%-24s %12s %12s %12s\n" spec "analytic s" "plan s" "compare s"
for spec in "$src"/configs/clusters/*.json; do
  printf "%-24s %12.3f %12.3f %12.3f\n" "$(basename "$spec" .json)" \
    "$(secs "$bin" plan "$spec" --engine analytic)" "$(secs "$bin" plan "$spec")" "$(secs "$bin" compare "$spec")"
done
