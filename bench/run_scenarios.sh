#!/usr/bin/env bash
# Runs the SCENARIOS.md scenario files under configs/scenarios/ one at a time (one
# core) and prints wall time, events per second, delivered packets per wall second and
# peak memory, plus the wall-time ratio to the ns-3 peer figure SCENARIOS.md records
# for this kind of machine (bench-p-128 spray: 150 s). Usage:
#   bench/run_scenarios.sh [PATTERN]     (default: bench-*)
# For BENCH-T runs it adds the flow completion times and checks the targets of issue 3
# (bench-t-128 under 0.1 s, bench-t-1024 under 1.5 s, each under 100 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/fabricplan
[[ -x $bin ]] || scripts/setup.sh
pattern=${1:-bench-*}
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
if name.startswith("bench-t-"):
    c = r["classes"][0]; f = c["fct_us"]
    limit_s = 0.1 if "-128-" in name else 1.5
    verdict = "meets" if wall < limit_s and rss_kb / 1000 < 100 else "MISSES"
    print(f"    last completion {r['last_completion_s']*1e6:.1f} us; FCT mean {f['mean']:.1f} p99 {f['p99']:.1f} "
          f"max {f['max']:.1f} us; goodput {100*c['mean_goodput_fraction']:.1f}%; "
          f"{c['packets_delivered']} data packets; {r['retransmissions']} retransmissions; "
          f"{verdict} target < {limit_s} s and < 100 MB")
PY
  rm -f "$out" "$out.rss"
done
