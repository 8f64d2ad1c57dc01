#!/usr/bin/env bash
# compare SPEC on every example spec: EFA beside its InfiniBand reference in every format,
# the IB side really on InfiniBand instances, both fabrics timed by the flow engine, the
# link-failure slice run on the packet engine where the fabric has an uplink to fail;
# --ib picks the reference; bad --ib and scenario-only options are refused; and
# simulate SPEC runs the spec's schedule (the packet engine on a stated window, refused
# with its estimate when the window is too large).
set -euo pipefail
bin=$1; src=$2
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for spec in "$src"/configs/clusters/*.json; do
  name=$(basename "$spec" .json)
  for fmt in text md json html; do
    "$bin" compare "$spec" --format "$fmt" -o "$tmp/$name.$fmt"
    [[ -s $tmp/$name.$fmt ]] || { echo "$name: empty $fmt"; exit 1; }
  done
  "$py" - "$tmp/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
efa, ib = r["fabrics"]
assert efa["fabric"] == "efa" and ib["fabric"] == "ib", [f["fabric"] for f in r["fabrics"]]
assert ib["instance_type"] == r["ib_reference"]["instance_type"] and ib["instance_type"].startswith("ib-"), r["ib_reference"]
for f in r["fabrics"]:
    assert f["engine"]["kind"] == "flow" and f["engine"]["transfers"] > 0, f["engine"]
    assert all(g["fabric"] == f["fabric"] for g in f["groups"]), f["fabric"]
    timed = [c for g in f["groups"] for c in g["classes"] if c.get("op_time_us")]
    assert timed, f"{f['fabric']}: no class has an operation time"
    engine = [c for g in f["groups"] for c in g["classes"] if c.get("engine_op_time_us", {}).get("count", 0) > 0]
    assert engine, f"{f['fabric']}: the flow engine timed nothing"
# Like for like by default: the IB node has the EFA node's GPUs and network per node.
assert ib["instance_type"] == "ib-like-" + efa["instance_type"] and r["ib_reference"]["network_ratio"] == 1, r["ib_reference"]
# The same fault on both sides, or on neither (with the reason on each).
ran = [f["link_failure"] for f in r["fabrics"] if f["link_failure"]["ran"]]
assert len(ran) in (0, 2), [f["link_failure"] for f in r["fabrics"]]
if not ran:
    assert all("no leaf-to-spine link" in f["link_failure"]["why_not"] for f in r["fabrics"]), r["fabrics"]
for lf in ran:
    assert lf["classes"] and lf["simulated_us"] > 0, lf
# The per-class matrix: every class of either fabric once per group, steady state on EFA,
# IB static and IB adaptive, and the failure under each recovery model; its figures are
# the plans' and the slices' own (not a second computation that could drift).
m = r["matrix"]
assert m["steady_columns"] == ["efa_srd", "ib_static", "ib_adaptive"], m["steady_columns"]
assert m["failure_columns"] == ["efa_srd", "ib_self_healing", "ib_sm", "ib_none"], m["failure_columns"]
assert r["ib_reference"]["routing"] == "static" and r["ib_other_routing"]["routing"] == "adaptive", r["ib_other_routing"]
pairs = {(g["name"], c["class"]) for f in r["fabrics"] for g in f["groups"] for c in g["classes"]}
assert {(x["group"], x["class"]) for x in m["rows"]} == pairs and len(m["rows"]) == len(pairs), (m["rows"], pairs)
def cls_of(f, group, name):
    g = [g for g in f["groups"] if g["name"] == group][0]
    return [c for c in g["classes"] if c["class"] == name][0]
for row in m["rows"]:
    for f, cell in zip(r["fabrics"], row["steady"][:2]):
        c = cls_of(f, row["group"], row["class"])
        assert cell["verdict"] == c["verdict"], (row, c["verdict"])
        e = c.get("engine_op_time_us")
        if e and e.get("count", 0) > 0:
            want = e["p99"] if e["p99"] is not None else e["max"]
            assert abs(cell["time_us"] - want) <= 1e-6 * want, (cell, e)
    slices = [efa["link_failure"]] + ib.get("link_failure_by_recovery", [])
    for lf, cell in zip(slices, row["link_failure"]):
        if not lf["ran"]:
            assert cell["verdict"] == "not run" and cell["note"] == lf["why_not"], (cell, lf["why_not"])
            continue
        k = [k for k in lf["classes"] if k["class"] == row["class"]]
        if not k:
            assert cell["verdict"] == "not in the slice", cell
        elif cell["verdict"] == "job fails":
            assert lf["job_fails_at_us"] is not None and cell["time_us"] == lf["job_fails_at_us"], (cell, lf["job_fails_at_us"])
        elif cell["verdict"] != "incomplete":
            assert cell["time_us"] == k[0]["max_us"], (cell, k[0])
print(r["spec"]["name"], "->", ib["instance_type"], [f["verdict"] for f in r["fabrics"]],
      [(f["fabric"], f["link_failure"].get("link", f["link_failure"].get("why_not"))) for f in r["fabrics"]])
PY
  grep -q "InfiniBand" "$tmp/$name.text"
done
# p4d beside a like-for-like IB node: 2 x 200 Gbit/s HCAs for its 400 Gbit/s, the verdict
# line says the network is the same; beside the catalog's DGX A100 (--ib) it says 4x,
# next to the verdict and in a note.
grep -q "on 2 x 200 Gbit/s HCAs" "$tmp/p4d-moe-pd.text" && grep -q "^verdict: .*(same network per node on both sides)" "$tmp/p4d-moe-pd.text" \
  || { echo "p4d: not like for like"; head -3 "$tmp/p4d-moe-pd.text"; exit 1; }
"$bin" compare "$src/configs/clusters/p4d-moe-pd.json" --ib ib-dgx-a100 --no-fault > "$tmp/p4d-a100.text"
grep -q "^verdict: .*(InfiniBand has 4.00x the EFA node's network per node)" "$tmp/p4d-a100.text" \
  && grep -q "p4d.24xlarge has 400 Gbit/s of network per node (4 x 100), ib-dgx-a100 1600 (8 x 200): the comparison includes 4.0x" "$tmp/p4d-a100.text" \
  || { echo "p4d vs DGX A100: no bandwidth ratio"; head -3 "$tmp/p4d-a100.text"; exit 1; }
grep -q "InfiniBand has 4.00x" <<<"$("$bin" compare "$src/configs/clusters/p4d-moe-pd.json" --ib ib-dgx-a100 --no-fault --format md)"
! grep -q "the NIC bandwidth, not only another fabric" "$tmp/p5-moe-pd.text"
# p5: IB RC loses the KV transfer's packets on the dead link until the subnet manager
# reroutes and then waits for its ack timeout; SRD resends on other paths at once.
"$py" - "$tmp/p5-moe-pd.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
slow = {f["fabric"]: max(c["max_us"] for c in f["link_failure"]["classes"]) for f in r["fabrics"]}
assert slow["efa"] < 1e5, slow
# IB under each recovery model: self-healing first (the headline), the subnet manager,
# none: then the KV engine's QPs run out of retries after 8 x 1.07 s and the job fails.
ib = [f for f in r["fabrics"] if f["fabric"] == "ib"][0]
models = [x["recovery"] for x in ib["link_failure_by_recovery"]]
assert models == ["self-healing", "sm", "none"] and ib["link_failure"]["recovery"] == "self-healing", models
none = ib["link_failure_by_recovery"][2]
assert none["qp_errors"] > 0 and abs(none["job_fails_at_us"] - (400 + 8 * 1073741.824)) < 1000, (none["qp_errors"], none["job_fails_at_us"])
assert ib["link_failure_by_recovery"][1]["reroute_after_us"] == 100000 and ib["link_failure"]["reroute_after_us"] == 1000
# Self-healing's routes come back after 1 ms while the KV QPs are still sending: their
# later packets arrive, the receiver NAKs the gap, go-back-N recovers in milliseconds
# without a timeout; the subnet manager's 100 ms leaves them idle until UCX's 1.07 s.
kv = lambda f: [c for c in f["classes"] if c["class"] == "kv_transfer"][0]["max_us"]
kv_t = lambda f: [t for t in f["transport"] if t["class"] == "kv_transfer"][0]["timeouts"]
healing, sm = ib["link_failure_by_recovery"][0], ib["link_failure_by_recovery"][1]
assert kv(healing) < 50e3 and kv_t(healing) == 0, (kv(healing), kv_t(healing))
assert kv(sm) > 1.07e6 and kv_t(sm) > 0, (kv(sm), kv_t(sm))
PY
grep -q "IB (RC, recovery: none): .* no recovery (routes never change)" "$tmp/p5-moe-pd.text" || { echo "no 'none' recovery in the text"; exit 1; }
# The matrix in text: p5's KV transfer under the failure is judged on each recovery model
# (UCX's 1.07 s timeout behind the subnet manager's 100 ms; the job failing without one).
grep -q "^steady state (p99 per operation" "$tmp/p5-moe-pd.text" && grep -q "^one link failure (" "$tmp/p5-moe-pd.text" \
  || { echo "p5: no matrix in the text"; exit 1; }
grep -Eq "^  decode +kv_transfer +[0-9.]+ ms, [0-9]+% of budget: comfortable +[0-9.]+ ms, [0-9]+% of budget: comfortable +1\.09 s, [0-9]+% of budget: [a-z]+ +JOB FAILS at 8\.59 s" "$tmp/p5-moe-pd.text" \
  || { echo "p5: the KV row of the failure matrix"; sed -n '/^one link failure/,/^$/p' "$tmp/p5-moe-pd.text"; exit 1; }
grep -q "^## Per class: one link failure" "$tmp/p5-moe-pd.md"
# p4d: no uplink on either side, said once for all four columns.
grep -q "EFA SRD, IB self-healing, IB sm, IB none not run: every NIC hangs off one switch" "$tmp/p4d-moe-pd.text" \
  || { echo "p4d: the failure matrix does not say why it did not run"; exit 1; }
# Same inputs and seed: byte-identical JSON; another seed draws other KV requests.
"$bin" compare "$src/configs/clusters/trn2-moe-pd.json" --format json -o "$tmp/again.json"
cmp -s "$tmp/trn2-moe-pd.json" "$tmp/again.json" || { echo "compare is not deterministic"; exit 1; }
"$bin" compare "$src/configs/clusters/trn2-moe-pd.json" --format json --seed 7 -o "$tmp/seed7.json"
! cmp -s "$tmp/trn2-moe-pd.json" "$tmp/seed7.json" || { echo "--seed changed nothing"; exit 1; }
# --ib chooses the reference; an unknown or non-IB type is refused.
"$bin" compare "$src/configs/clusters/p5-moe-pd.json" --ib ib-dgx-a100 --no-fault --format json -o "$tmp/a100.json"
"$py" -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['fabrics'][1]['instance_type']=='ib-dgx-a100'; assert not r['fabrics'][0]['link_failure']['ran']" "$tmp/a100.json"
# The subnet manager's delay is the IB side's choice: 10 ms instead of 100 ms.
"$bin" compare "$src/configs/clusters/p5-moe-pd.json" --ib-recovery sm --sm-reroute-ms 10 --slice-ms 1 --format json -o "$tmp/sm10.json"
"$py" -c "import json,sys; f=json.load(open(sys.argv[1]))['fabrics']; assert f[1]['link_failure']['reroute_after_us']==10000 and f[1]['link_failure']['window_us']==1000, f[1]['link_failure']" "$tmp/sm10.json"
# Each stack's own IB timeouts: KV runs its transfer engine's (NIXL over UCX: 1.07 s, not
# NCCL's 4.29 s), listed per class; a KV engine that runs out of retries fails the job,
# and the report says when: Mooncake's 67.1 ms timeout, 1 retry, the link failing at
# 1 ms and new routes only at 101 ms: 1 ms + 2 x 67.1 ms = 135.2 ms.
"$py" -c "
import json, sys
lf = json.load(open(sys.argv[1]))['fabrics'][1]['link_failure']
t = {x['stack']: x for x in lf['ib_timeouts']}
assert t['nccl']['timeout_exponent'] == 20 and t['nixl']['timeout_exponent'] == 18 and abs(t['nixl']['ack_timeout_s'] - 1.073741824) < 1e-9, t
kv = [c for c in lf['classes'] if c['class'] == 'kv_transfer']
assert kv and kv[0]['p50_us'] < 1.2e6, kv  # UCX's 1.07 s timeout, not NCCL's 4.29 s
" "$tmp/p5-moe-pd.json"
"$bin" compare "$src/configs/clusters/p5-moe-pd.json" --kv-engine mooncake --kv-ib-retry-cnt 1 --slice-ms 5 > "$tmp/fails.txt"
grep -q "THE JOB FAILS at 135.2" "$tmp/fails.txt" && grep -q "kv_transfer: mooncake: timeout 14 (67.1 ms), retry 1" "$tmp/fails.txt" \
  || { echo "a KV engine out of retries"; cat "$tmp/fails.txt"; exit 1; }
# Adaptive routing on the IB side: said in the engine summary and the slice's mechanism.
"$bin" compare "$src/configs/clusters/p5-moe-pd.json" --ib-routing adaptive --ib-recovery self-healing > "$tmp/ar.txt"
grep -q "^engine IB: .*IB RC with adaptive routing" "$tmp/ar.txt" && grep -q "RC with adaptive routing: from the failure on" "$tmp/ar.txt" \
  || { echo "--ib-routing adaptive not reported"; head -8 "$tmp/ar.txt"; exit 1; }
for bad in "--ib-routing ecmp" "--ib p5.48xlarge" "--ib nosuch" "--engine analytic" "--format csv" "--sm-reroute-ms -1" "--slice-ms x" "--kv-engine tcp" "--kv-ib-retry-cnt 8" "--nccl-ib-timeout 0" "--ib-recovery fast" "--self-healing-ms x"; do
  set +e; "$bin" compare "$src/configs/clusters/p5-moe-pd.json" $bad >/dev/null 2>"$tmp/err"; rc=$?; set -e
  [[ $rc == 2 ]] || { echo "compare $bad: exit $rc"; cat "$tmp/err"; exit 1; }
done
set +e; "$bin" compare "$src/configs/scenarios/bench-t-128-ib.json" --ib ib-dgx-h100 >/dev/null 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "applies to a cluster SPEC" "$tmp/err"
# simulate SPEC: the simulate report of the spec's schedule (flow and packet engines):
# transport statistics, busiest links and the spec's operations timed, in the simulate
# report's schema; CSV and --flows-csv as for a scenario, --progress on stderr only; a
# window too large for the packet engine is refused with the estimate, naming the spec.
"$bin" simulate "$src/configs/clusters/p5-moe-pd.json" --format json -o "$tmp/sim-flow.json"
"$bin" simulate "$src/configs/clusters/p5-moe-pd.json" --engine packet --window-ms 5 --format json -o "$tmp/sim-packet.json" \
  --flows-csv "$tmp/sim-flows.csv" --progress 2>"$tmp/sim-progress.txt"
"$bin" simulate "$src/configs/clusters/p5-moe-pd.json" --engine packet --window-ms 5 --format json -o "$tmp/sim-packet-quiet.json"
# The same report with and without --progress, but for the wall-clock figures.
"$py" - "$tmp/sim-packet.json" "$tmp/sim-packet-quiet.json" <<'PY'
import json, sys
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if "wall" not in k and k != "events_per_s"}
    return [strip(x) for x in o] if isinstance(o, list) else o
a, b = (strip(json.load(open(p))) for p in sys.argv[1:])
assert a == b, "--progress changed the report"
PY
"$bin" simulate "$src/configs/clusters/p5-moe-pd.json" --engine packet --window-ms 5 --format csv > "$tmp/sim.csv"
head -1 "$tmp/sim.csv" | grep -q "^engine,class,flows,fct_p50_us" && grep -q "^packet,moe_all2all," "$tmp/sim.csv"
head -1 "$tmp/sim-flows.csv" | grep -q "bytes" && (( $(wc -l < "$tmp/sim-flows.csv") > 100 ))
"$bin" simulate "$src/configs/clusters/p5-moe-pd.json" --engine packet --window-ms 5 > "$tmp/sim.txt"
grep -q "^NIC splits (the analytic plan's): prefill all 32 NICs shared; decode 8 KV / 24 collectives" "$tmp/sim.txt" \
  && grep -q "packets sent .* dropped" "$tmp/sim.txt" && grep -q "busiest links:" "$tmp/sim.txt" \
  || { echo "simulate SPEC text"; cat "$tmp/sim.txt"; exit 1; }
SRC="$src" "$py" - "$tmp/sim-flow.json" "$tmp/sim-packet.json" <<'PY'
import json, sys, os, jsonschema
flow, packet = (json.load(open(p)) for p in sys.argv[1:])
schema = json.load(open(os.path.join(os.environ["SRC"], "configs/schema/simulate-report.schema.json")))
for r in (flow, packet):
    jsonschema.validate(r, schema)
assert flow["engine"]["kind"] == "flow" and packet["engine"]["kind"] == "packet", (flow["engine"], packet["engine"])
assert flow["spec_run"]["engine"] == "flow" and abs(packet["spec_run"]["window_s"] - 0.005) < 1e-12, packet["spec_run"]
# The packet run's transport figures per class, and the spec's operations timed.
moe = [c for c in packet["classes"] if c["class"] == "moe_all2all"]
assert moe and moe[0]["flows"] > 0, packet["classes"]
ops = {(o["group"], o["class"]): o for o in flow["spec_run"]["operations"]}
assert ops[("decode", "moe_all2all")]["count"] > 0 and ops[("decode", "kv_transfer")]["count"] > 0, ops
assert all(o["p99_us"] is None for o in ops.values() if o["count"] < 20), ops
splits = {s["group"]: s for s in flow["spec_run"]["splits"]}
assert len(splits["decode"]["kv_nics"]) == 8 and len(splits["decode"]["collective_nics"]) == 24, splits
PY
set +e; "$bin" simulate "$src/configs/clusters/p5-moe-pd.json" --engine packet --window-ms 100000 >/dev/null 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -Eq "packet events|transfers in a" "$tmp/err" && grep -q "p5-moe-pd.json" "$tmp/err" || { echo "oversized packet window: exit $rc"; cat "$tmp/err"; exit 1; }
set +e; "$bin" simulate "$src/configs/clusters/p5-moe-pd.json" --engine packet --window-ms 2000 >/dev/null 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "packet events" "$tmp/err" || { echo "2 s packet window: exit $rc"; cat "$tmp/err"; exit 1; }
echo ok
