#!/usr/bin/env bash
# Wall time of two fabricplan binaries on the same scenarios, alternating, on one core
# (taskset -c 0), with each run's event count and last completion from its JSON: the
# before/after ratio of a change measured in one run.
# Usage: bench/compare_binaries.sh OLD_BIN NEW_BIN [SCENARIO...]
#   (default: bench-t-128-srd bench-t-1024-srd bench-t-1024-ecmp bench-t-ft1024-srd bench-p-128-spray)
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2
shift 2
scenarios=("$@")
((${#scenarios[@]})) || scenarios=(bench-t-128-srd bench-t-1024-srd bench-t-1024-ecmp bench-t-ft1024-srd bench-p-128-spray)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for sc in "${scenarios[@]}"; do
  for which in old new; do
    bin=$old
    [[ $which == new ]] && bin=$new
    t0=$(date +%s.%N)
    taskset -c 0 "$bin" simulate "configs/scenarios/$sc.json" --format json -o "$out" >/dev/null 2>&1
    t1=$(date +%s.%N)
    read -r events last_us < <(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['engine']['events'], round(d['last_completion_s']*1e6, 1))" "$out")
    printf "%-22s %-4s wall %6.2f s  %10s events  last completion %9s us\n" "$sc" "$which" "$(echo "$t1 - $t0" | bc)" "$events" "$last_us"
  done
done
