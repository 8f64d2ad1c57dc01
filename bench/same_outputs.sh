#!/usr/bin/env bash
# Are two fabricplan binaries' results the same? Runs every shipped scenario
# (configs/scenarios/*.json; bench-f-ft1024-a2a1024 only with ALL=1, it takes minutes)
# through both, on the engine each scenario names, and compares the JSON reports with
# what describes the run rather than its result left out (wall time, tool version).
# A speed change must print "same" on every line; a model change names what moved.
# Usage: bench/same_outputs.sh OLD_BIN NEW_BIN [SCENARIO_NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2
shift 2
names=("$@")
if ((${#names[@]} == 0)); then
  for f in configs/scenarios/*.json; do
    n=$(basename "$f" .json)
    [[ $n == bench-f-ft1024-a2a1024 && ${ALL:-0} != 1 ]] && continue
    names+=("$n")
  done
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
differ=0
for n in "${names[@]}"; do
  "$old" simulate "configs/scenarios/$n.json" --format json -o "$tmp/old.json" >/dev/null 2>&1 || echo '{"error": "old failed"}' > "$tmp/old.json"
  "$new" simulate "configs/scenarios/$n.json" --format json -o "$tmp/new.json" >/dev/null 2>&1 || echo '{"error": "new failed"}' > "$tmp/new.json"
  verdict=$(scripts/report_result.py "$tmp/old.json" "$tmp/new.json" || true)
  [[ $verdict == same ]] || differ=1
  printf "%-36s %s\n" "$n" "$verdict"
done
exit $differ
