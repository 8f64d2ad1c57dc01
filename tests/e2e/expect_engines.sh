#!/usr/bin/env bash
# `fabricplan expect --engine flow|packet`: nccl-tests' columns as the model gives them,
# the engine and fabric said in text and JSON, the engines agreeing with the model on an
# idle non-blocking fabric and not on an oversubscribed one (with the busy uplink named),
# the same bytes for the same seed, a run past the budget refused before anything runs,
# and bad options refused with exit 2 naming the option.
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3

# Text: the same columns as --engine analytic, the engine and its fabric in the header.
"$bin" expect --instance p5.48xlarge --nodes 4 --engine flow --min-bytes 64M --max-bytes 1G > "$tmp/flow.txt"
grep -q "size *count *type *redop *root *time *algbw *busbw" "$tmp/flow.txt"
grep -q "^# engine: flow on leaf-spine" "$tmp/flow.txt" || { cat "$tmp/flow.txt"; exit 1; }
grep -q "^# engine detail" "$tmp/flow.txt"
[[ $(grep -c "^ *[0-9]" "$tmp/flow.txt") == 10 ]] || { echo "expected 5 table rows and 5 detail rows"; cat "$tmp/flow.txt"; exit 1; }
grep -q "^size_bytes,time_us,algbw_GBps,busbw_GBps,algorithm,protocol$" \
  <<<"$("$bin" expect --instance p5.48xlarge --nodes 2 --engine flow --max-bytes 1M --format csv)"

# JSON on both engines, EFA and IB: engine and fabric named; on an idle non-blocking
# fabric every row of 64 MiB and up within 2% of the model (the flow engine: max-min
# gives each NIC its rate), the packet engine's within 25% with no spurious timeouts.
for inst in p5.48xlarge ib-dgx-h100; do
  for engine in flow packet; do
    "$bin" expect --instance "$inst" --nodes 4 --engine "$engine" --min-bytes 64M --max-bytes 256M --format json -o "$tmp/$engine.json"
    "$py" - "$tmp/$engine.json" "$engine" "$inst" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); engine, inst = sys.argv[2:]
assert j["engine"] == engine, j["engine"]
f = j["fabric"]
assert f["topology"] == ("rail_optimized" if inst.startswith("ib") else "leaf_spine"), f
assert f["nodes"] == 4 and f["nics_per_node"] == (8 if inst.startswith("ib") else 32), f
assert ("RC" if inst.startswith("ib") else "SRD") in f["transport"], f
for r in j["rows"]:
    d = r["engine_detail"]
    ratio = r["time_us"] / r["model_time_us"]
    assert (0.98 < ratio < 1.02) if engine == "flow" else (0.95 < ratio < 1.25), (engine, r["size_bytes"], ratio)
    assert d["spurious_timeouts"] == 0 and d["transfers"] > 0, d
    assert abs(r["time_us"] - (d["fixed_us"] + max(d["network_us"], d["local_us"]))) < 1e-6 * r["time_us"], r
    assert (d["mechanism"] == "") == (d["network_us"] <= 1.5 * d["model_network_us"]), d
PY
  done
done

# Oversubscribed 4:1 at the leaf: an all-to-all over 8 p5 nodes on several leaves takes
# longer on the engine than the model (which knows only the NICs), and the detail names a
# leaf-to-spine uplink as the busiest link.
"$bin" expect --instance p5.48xlarge --nodes 8 --op alltoall --engine flow --oversubscription 4 \
  --min-bytes 256M --max-bytes 256M --format json -o "$tmp/over.json"
"$py" - "$tmp/over.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["rows"][0]
d = r["engine_detail"]
assert r["time_us"] > 1.5 * r["model_time_us"], (r["time_us"], r["model_time_us"])
assert d["bound_by"] == "network" and "spine" in d["busiest_link"], d
assert "a switch-to-switch link" in d["mechanism"] and "no loss" in d["mechanism"], d["mechanism"]
PY
"$bin" expect --instance p5.48xlarge --nodes 8 --op alltoall --engine flow --oversubscription 4 --min-bytes 256M \
  --max-bytes 256M | grep -q "^# 268435456 bytes: the network term is 3.5[0-9]x the model's: busiest link leaf" \
  || { echo "the text does not name the mechanism"; exit 1; }

# Same seed, same bytes (the packet engine).
for i in 1 2; do
  "$bin" expect --instance p5.48xlarge --nodes 4 --op alltoall --engine packet --min-bytes 32M --max-bytes 64M --seed 7 \
    --format json -o "$tmp/seed$i.json"
done
cmp "$tmp/seed1.json" "$tmp/seed2.json"

# Past the packet budget: refused up front with the estimate; nothing half-written.
set +e
"$bin" expect --instance p5.48xlarge --nodes 32 --engine packet --min-bytes 8G --max-bytes 8G -o "$tmp/big.txt" 2>"$tmp/err"; rc=$?
set -e
[[ $rc == 2 ]] && grep -q "packet events" "$tmp/err" && grep -q "nothing was run" "$tmp/err" || { echo "rc $rc: $(cat "$tmp/err")"; exit 1; }
[[ ! -e $tmp/big.txt ]] || { echo "a refused run left output behind"; exit 1; }

# More NIC endpoints than the engines hold: refused at once, before a fabric is built.
set +e
timeout 20 "$bin" expect --instance p5.48xlarge --nodes 65536 --engine flow --max-bytes 1M 2>"$tmp/err"; rc=$?
set -e
[[ $rc == 2 ]] && grep -q -- "--nodes: 65536 nodes x 32 NICs = 2097152 NIC endpoints; the engines hold at most 32768" "$tmp/err" \
  || { echo "65536 nodes: rc $rc $(cat "$tmp/err")"; exit 1; }

# Bad options: exit 2, the option named.
bad() {
  local want=$1; shift
  set +e; "$bin" expect --instance p5.48xlarge --nodes 2 "$@" >/dev/null 2>"$tmp/err"; local rc=$?; set -e
  [[ $rc == 2 ]] && grep -q -- "$want" "$tmp/err" || { echo "expect $*: rc $rc, wanted '$want': $(cat "$tmp/err")"; exit 1; }
}
bad "--engine must be analytic, flow or packet" --engine fluid
bad "--topology must be" --engine flow --topology torus
bad "--oversubscription: expected a number in" --engine flow --oversubscription 0.5
bad "--radix sets up the engines' fabric" --radix 32
bad "runs NCCL collectives" --engine flow --op moe_dispatch
bad "--gpus-per-node: the engines build whole nodes" --engine flow --gpus-per-node 4
echo "expect --engine: ok"
