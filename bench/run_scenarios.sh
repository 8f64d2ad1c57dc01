#!/usr/bin/env bash
# Runs the SCENARIOS.md scenario files under configs/scenarios/ one at a time (one
# core) and prints wall time, events per second, delivered packets per wall second and
# peak memory. For bench-p-128-spray (and any BENCH-P spray run when NS3_ALL=1) it also
# runs the same packets through ns-3 3.37 (bench/peers/ns3_bench_p, built where
# libns3-dev is installed) on the same core in the same run and prints the wall-time
# ratio; without ns-3 it prints the ratio to the figure SCENARIOS.md records for this
# kind of machine, marked "recorded". NS3=0 skips the live ns-3 run (it takes ~150 s).
# Usage:
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
  peer=build/bench/peers/ns3_bench_p
  ns3_live=
  if [[ ${NS3:-1} != 0 && -x $peer && $name == bench-p-*-spray && ( $name == bench-p-128-spray || ${NS3_ALL:-0} == 1 ) ]]; then
    # The same fabric and permutation as the scenario file, read from it.
    read -r leaves hpl spines t_us perm < <(/usr/bin/python3 -c "
import json, os, sys; s = json.load(open('$f')); t = s['topology']; tr = s['traffic'][0]
print(t['leaves'], t['hosts_per_leaf'], t['spines'], tr['duration_us'], os.path.join(os.path.dirname('$f'), tr['permutation_file']))")
    ns3_live=$(taskset -c 0 "$peer" "$leaves" "$hpl" "$spines" "$t_us" "$perm" spray)
  fi
  /usr/bin/python3 - "$out" "$(cat "$out.rss")" "$name" "${ns3_wall_s[$name]:-}" "$ns3_live" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rss_kb = int(sys.argv[2]); name = sys.argv[3]; ns3 = sys.argv[4]
live = json.loads(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5] else None
e = r["engine"]; wall = e["wall_s"]
if live:
    ratio = f"{live['wall_s'] / wall:.0f}x faster than ns-3 in this run ({live['wall_s']:.1f} s)"
else:
    ratio = f"{float(ns3) / wall:.0f}x faster than ns-3's recorded {ns3} s" if ns3 else "-"
print(f"{name:<24} {wall:9.3f} {r['simulated_s']:12.6f} {e['events']:12d} {e['events']/wall/1e6:14.2f} "
      f"{e['delivered_packets']/wall/1e6:14.2f} {rss_kb/1024:9.1f} {ratio}")
if live:
    same = live["packets_sent"] == r["packets_sent"]
    print(f"    ns-3: {live['packets_sent']} packets sent, {live['packets_received']} received, {live['drops']} dropped, "
          f"{live['events']} events, {live['simulated_s']*1e6:.1f} us simulated, {live['peak_rss_mb']:.0f} MB; "
          f"fabricplan: {r['packets_sent']} sent, {r['engine']['delivered_packets']} delivered, {r['drops']} dropped, "
          f"{r['simulated_s']*1e6:.1f} us simulated ({'same packets' if same else 'PACKET COUNTS DIFFER'})")
    if live["wall_s"] / wall < 50:
        print("    MISSES the target: at least 50x faster than ns-3")
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
