#!/usr/bin/env bash
# Runs the SCENARIOS.md scenario files under configs/scenarios/ one at a time (one
# core) and prints wall time, events per second, delivered packets per wall second and
# peak memory, plus the wall-time ratio to the ns-3 peer figure SCENARIOS.md records
# for this kind of machine (bench-p-128 spray: 150 s). Usage:
#   bench/run_scenarios.sh [PATTERN]     (default: bench-p-*)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/fabricplan
[[ -x $bin ]] || scripts/setup.sh
pattern=${1:-bench-p-*}
declare -A ns3_wall_s=([bench-p-128-spray]=150 [bench-p-128-flowhash]=116 [bench-p-512-spray]=151)
printf '%-24s %9s %12s %12s %14s %14s %9s %s\n' scenario wall_s sim_s events M_events/s M_delivered/s peak_MB vs_ns3
for f in configs/scenarios/$pattern.json; do
  name=$(basename "$f" .json)
  out=$(mktemp)
  /usr/bin/time -f '%M' -o "$out.rss" taskset -c 0 "$bin" simulate "$f" --format json -o "$out"
  /usr/bin/python3 - "$out" "$(cat "$out.rss")" "$name" "${ns3_wall_s[$name]:-}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rss_kb = int(sys.argv[2]); name = sys.argv[3]; ns3 = sys.argv[4]
e = r["engine"]; wall = e["wall_s"]
ratio = f"{float(ns3) / wall:.0f}x faster than ns-3's {ns3} s" if ns3 else "-"
print(f"{name:<24} {wall:9.3f} {r['simulated_s']:12.6f} {e['events']:12d} {e['events']/wall/1e6:14.2f} "
      f"{e['delivered_packets']/wall/1e6:14.2f} {rss_kb/1024:9.1f} {ratio}")
PY
  rm -f "$out" "$out.rss"
done
