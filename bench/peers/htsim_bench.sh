#!/usr/bin/env bash
# htsim (Broadcom/csg-htsim) beside fabricplan on a BENCH-T scenario, in one run, on one
# core: both whole-process wall times, both last flow completions, and the ratio.
# htsim is BSD-2-licensed and not packaged by Debian, so the project does not vendor it:
# point HTSIM_DIR at a checkout (git clone https://github.com/Broadcom/csg-htsim). The
# script builds htsim_eqds and htsim_roce from a copy of its sim/ under build/bench/htsim
# (the checkout is not written), writes the scenario's permutation as htsim's connection
# matrix and its fabric as a topology file (htsim_inputs.py), and runs
#   SRD (spraying) scenarios against htsim_eqds: EQDS, per-packet spraying over 64 paths;
#   single-path (ECMP, IB RC) scenarios against htsim_roce with one path per flow.
# The transports differ (EQDS is receiver-driven, SRD sender-driven); what is compared is
# the cost of simulating the same packets through the same fabric, and the last
# completion says whether both moved them in a like time. Each line says whether the
# ratio reaches TARGET_RATIO (default 50, the packet-engine speed issue's target).
# With MEANS=1 it also runs the scenario on fabricplan's flow engine (the fluid optimum)
# and prints each side's mean flow completion time over it: how close each simulator's
# spraying transport gets to the optimum on the same fabric and permutation (SRD against
# EQDS; not a wall-time figure). BYTES=N runs the scenario with N-byte flows instead.
# Usage: HTSIM_DIR=/path/to/csg-htsim [MEANS=1] [BYTES=N] bench/peers/htsim_bench.sh SCENARIO_NAME...
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${HTSIM_DIR:?set HTSIM_DIR to a checkout of Broadcom/csg-htsim}"
[[ -d $HTSIM_DIR/sim/datacenter ]] || { echo "HTSIM_DIR=$HTSIM_DIR has no sim/datacenter" >&2; exit 2; }
bin=build/fabricplan
[[ -x $bin ]] || scripts/setup.sh
work=build/bench/htsim
mkdir -p "$work"
# Build from a copy (make writes objects beside the sources); rebuilt when the checkout's
# commit changes.
stamp=$(git -C "$HTSIM_DIR" rev-parse HEAD 2>/dev/null || echo unknown)
if [[ ! -x $work/sim/datacenter/htsim_eqds || ! -x $work/sim/datacenter/htsim_roce || $(cat "$work/stamp" 2>/dev/null) != "$stamp" ]]; then
  rm -rf "$work/sim"
  cp -r "$HTSIM_DIR/sim" "$work/sim"
  make -s -C "$work/sim" -j2 >/dev/null
  make -s -C "$work/sim/datacenter" -j2 htsim_eqds htsim_roce >/dev/null
  echo "$stamp" > "$work/stamp"
fi
printf "%-22s %-10s %9s %9s %14s %14s %7s\n" scenario peer "peer s" "ours s" "peer last us" "ours last us" ratio
for name in "$@"; do
  scenario=configs/scenarios/$name.json
  tmp=$(mktemp -d)
  if [[ -n ${BYTES:-} ]]; then  # a copy beside the original, so its permutation file resolves
    sized=configs/scenarios/.htsim-$name-$BYTES.json
    python3 -c "import json,sys; s=json.load(open(sys.argv[1])); s['traffic'][0]['bytes']=int(sys.argv[2]); json.dump(s, open(sys.argv[3], 'w'))" \
      "$scenario" "$BYTES" "$sized"
    scenario=$sized
  fi
  eval "$(python3 bench/peers/htsim_inputs.py "$scenario" "$tmp")"
  if [[ $SINGLE_PATH == 1 ]]; then
    peer=htsim_roce
    args=(-paths 1 -strat ecmp_host)
  else
    peer=htsim_eqds
    args=(-paths 64 -strat ecmp_host)
  fi
  t0=$(date +%s.%N)
  (cd "$tmp" && taskset -c 0 "$OLDPWD/$work/sim/datacenter/$peer" -topo fabric.topo -tm perm.cm -nodes "$HOSTS" \
     -linkspeed $((LINK_BPS / 1000000)) -mtu "$MTU" -q "$QUEUE_PACKETS" -end 100000 -seed 1 "${args[@]}" \
     > peer.out 2>&1) || { echo "$peer failed on $name:"; tail -5 "$tmp/peer.out"; rm -rf "$tmp"; continue; }
  t1=$(date +%s.%N)
  peer_s=$(echo "$t1 - $t0" | bc -l)
  peer_last=$(grep -o "finished at [0-9.]*" "$tmp/peer.out" | awk '{print $3}' | sort -g | tail -1)
  peer_done=$(grep -c "finished at" "$tmp/peer.out" || true)
  t0=$(date +%s.%N)
  taskset -c 0 "$bin" simulate "$scenario" --format json -o "$tmp/ours.json" >/dev/null
  t1=$(date +%s.%N)
  ours_s=$(echo "$t1 - $t0" | bc -l)
  ours_last=$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['last_completion_s'] * 1e6, 1))" "$tmp/ours.json")
  ratio=$(echo "$peer_s / $ours_s" | bc -l)
  verdict=$(echo "$ratio >= ${TARGET_RATIO:-50}" | bc -l | sed 's/1/met/; s/0/not met/')
  printf "%-22s %-10s %9.2f %9.2f %14s %14s %6.1fx  (%s of %s peer flows finished; target %sx: %s)\n" "$name" "$peer" \
    "$peer_s" "$ours_s" "${peer_last:--}" "$ours_last" "$ratio" "$peer_done" "$FLOWS" "${TARGET_RATIO:-50}" "$verdict"
  if [[ ${MEANS:-0} == 1 ]]; then
    "$bin" simulate "$scenario" --engine flow --format json -o "$tmp/fluid.json" >/dev/null
    python3 - "$tmp/peer.out" "$tmp/ours.json" "$tmp/fluid.json" "$peer" <<'PY'
import json, re, sys
peer = [float(x) for x in re.findall(r"finished at ([0-9.]+)", open(sys.argv[1]).read())]
ours = json.load(open(sys.argv[2]))["classes"][0]["fct_us"]["mean"]
fluid = json.load(open(sys.argv[3]))["classes"][0]["fct_us"]["mean"]
peer_mean = sum(peer) / len(peer) if peer else float("nan")
print(f"{'':<22} mean FCT: {sys.argv[4]} {peer_mean:.1f} us ({peer_mean / fluid:.3f}x the fluid optimum), "
      f"fabricplan {ours:.1f} us ({ours / fluid:.3f}x), fluid optimum {fluid:.1f} us (flow engine)")
PY
  fi
  [[ -n ${BYTES:-} ]] && rm -f "$scenario"
  rm -rf "$tmp"
done
