#!/usr/bin/env bash
# Soak of the packet engine: bench-p-128-spray stretched to DURATION_US of open-loop
# traffic (default 40 ms: ~240 million events; 160 ms gives ~10^9), resident memory
# sampled every second from /proc. Once warm (after the first sample) it must stay flat:
# packets come from a pool and events from a calendar queue whose chunks are reused.
#   bench/soak.sh [DURATION_US]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/fabricplan
[[ -x $bin ]] || scripts/setup.sh
duration=${1:-40000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - configs/scenarios/bench-p-128-spray.json "$tmp/soak.json" "$duration" "$PWD/configs/scenarios" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1])); t = s["traffic"][0]
t["duration_us"] = float(sys.argv[3]); t["permutation_file"] = os.path.join(sys.argv[4], t["permutation_file"])
s["name"] = "soak"; json.dump(s, open(sys.argv[2], "w"))
PY
"$bin" simulate "$tmp/soak.json" --format json -o "$tmp/out.json" &
pid=$!
samples=()
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [[ -n $rss ]] && samples+=("$rss")
  sleep 1
done
wait "$pid"
/usr/bin/python3 - "$tmp/out.json" "${samples[@]}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); kb = [int(x) for x in sys.argv[2:]]
e = r["engine"]
print(f"soak: {e['events']:,} events, {e['delivered_packets']:,} packets in {e['wall_s']:.1f} s "
      f"({e['events'] / e['wall_s'] / 1e6:.1f} M events/s), {r['simulated_s'] * 1e3:.1f} ms simulated")
print("RSS (MB) each second:", " ".join(f"{k / 1024:.0f}" for k in kb))
if len(kb) >= 3:
    warm = kb[1:]
    growth = (max(warm) - min(warm)) / 1024
    print(f"after the first second: {min(warm) / 1024:.1f}-{max(warm) / 1024:.1f} MB "
          f"({'flat' if growth < 8 else 'GROWING'}: {growth:.1f} MB spread)")
PY
