#!/usr/bin/env bash
# Every shipped scenario (configs/scenarios/*.json; bench-f-ft1024-a2a1024 is left to
# bench/same_outputs.sh ALL=1, it takes minutes) gives, for its seed, exactly the
# result recorded in tests/data/golden/NAME.json (scripts/report_result.py: the report
# less tool version and wall time). A change meant to be faster must leave every one
# alone; a change to a model shows here which figures it moved, and is recorded with
#   tests/e2e/golden_outputs.sh build/fabricplan . --update
# so the diff of tests/data/golden is the review of what the change did to results.
set -euo pipefail
bin=$1; src=$2; update=${3:-}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
golden=$src/tests/data/golden
fail=0 checked=0
declare -A shipped=()
for f in "$src"/configs/scenarios/*.json; do
  n=$(basename "$f" .json)
  [[ $n == bench-f-ft1024-a2a1024 ]] && continue
  shipped[$n]=1
  "$bin" simulate "$f" --format json -o "$tmp/$n.json" >/dev/null
  if [[ $update == --update ]]; then
    mkdir -p "$golden"
    "$src/scripts/report_result.py" "$tmp/$n.json" > "$golden/$n.json"
    continue
  fi
  if [[ ! -f $golden/$n.json ]]; then
    echo "FAIL $n: no recorded result in tests/data/golden (record it with --update)"; fail=1; continue
  fi
  if ! verdict=$("$src/scripts/report_result.py" "$golden/$n.json" "$tmp/$n.json"); then
    echo "FAIL $n: $verdict"; fail=1; continue
  fi
  checked=$((checked + 1))
done
for g in "$golden"/*.json; do
  n=$(basename "$g" .json)
  [[ -n ${shipped[$n]:-} ]] || { echo "FAIL $n: recorded, but no such scenario ships (remove $g)"; fail=1; }
done
[[ $update == --update ]] && { echo "recorded ${#shipped[@]} results in $golden"; exit 0; }
echo "$checked of ${#shipped[@]} shipped scenarios give their recorded results"
exit $fail
