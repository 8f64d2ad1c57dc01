#!/usr/bin/env bash
# `fabricplan expect` on every catalog instance type and op, and `fabricplan doctor` on
# the training set's logs rebuilt in nccl-tests' format (pass), on the same log with a
# TCP fallback (fail, cause named) and on a bad log (line-numbered error, exit 2).
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
types=$("$bin" catalog --format json | "$py" -c "import json,sys; print(' '.join(t['name'] for t in json.load(sys.stdin)['instances']))")
for t in $types; do
  for op in all_reduce all_gather reduce_scatter alltoall sendrecv moe_dispatch moe_combine; do
    set +e; "$bin" expect --instance "$t" --nodes 4 --op "$op" --format json -o "$tmp/e.json" 2>"$tmp/err"; rc=$?; set -e
    if [[ $t == trn* ]]; then  # Neuron collectives are not NCCL's: refused with the reason
      [[ $rc == 2 ]] && grep -q "Neuron runtime" "$tmp/err" || { echo "expect $t: rc $rc $(cat "$tmp/err")"; exit 1; }
      continue
    fi
    [[ $rc == 0 ]] || { echo "expect $t $op: rc $rc $(cat "$tmp/err")"; exit 1; }
    "$py" - "$tmp/e.json" "$t" "$op" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); t, op = sys.argv[2:]
assert j["instance_type"] == t and j["op"] == op and j["nodes"] == 4 and j["ranks"] > 4, j
rows = j["rows"]; assert rows
for r in rows:
    for k in ("size_bytes", "time_us", "algbw_bytes_per_s", "busbw_bytes_per_s", "algorithm", "protocol"): assert k in r, k
    assert r["time_us"] > 0 and r["busbw_bytes_per_s"] >= 0
# Time grows with size, busbw never exceeds what the node's NICs and NVLink allow x 2.
t = [r["time_us"] for r in rows]; assert all(a <= b * 1.001 for a, b in zip(t, t[1:])), t
PY
  done
done
# Text and CSV carry nccl-tests' columns.
grep -q "size *count *type *redop *root *time *algbw *busbw" <<<"$("$bin" expect --instance p5.48xlarge --nodes 2 --op all_reduce --max-bytes 1G)"
grep -q "^size_bytes,time_us,algbw_GBps,busbw_GBps,algorithm,protocol$" <<<"$("$bin" expect --instance p5.48xlarge --nodes 2 --format csv)"
set +e; "$bin" expect --instance p5.48xlarg --nodes 2 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q 'did you mean "p5.48xlarge"' "$tmp/err" || { echo "unknown instance: rc $rc $(cat "$tmp/err")"; exit 1; }
# More GPUs than the node has: refused, naming the flag and both counts.
set +e; "$bin" expect --instance p5.48xlarge --nodes 2 --gpus-per-node 16 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q -- '--gpus-per-node: p5.48xlarge has 8 GPUs per node, not 16' "$tmp/err" \
  || { echo "16 GPUs on an 8-GPU node: rc $rc $(cat "$tmp/err")"; exit 1; }
# The choice is named per row: aws-ofi-nccl's region tuner runs a ring/LL128 at 4 p5 nodes
# and 1 GiB (its p5 table; the measured rows show that plateau), NCCL's own model otherwise.
"$bin" expect --instance p5.48xlarge --nodes 4 --min-bytes 1G --max-bytes 1G --format json -o "$tmp/t1.json"
"$bin" expect --instance p5.48xlarge --nodes 4 --min-bytes 1G --max-bytes 1G --tuner nccl --format json -o "$tmp/t2.json"
"$py" - "$tmp/t1.json" "$tmp/t2.json" <<'PY'
import json, sys
a, b = (json.load(open(f))["rows"][0] for f in sys.argv[1:])
assert a["chosen_by"] == "aws-ofi-nccl tuner (p5/p5e)" and (a["algorithm"], a["protocol"]) == ("ring", "LL128"), a
assert b["chosen_by"] == "NCCL cost model", b
PY
# A generation no measurement backs says so in every format.
"$bin" expect --instance p5en.48xlarge --nodes 2 --max-bytes 1M > "$tmp/x.txt"
grep -q "network tier EXTRAPOLATED" "$tmp/x.txt" || { echo "p5en text does not say extrapolated"; cat "$tmp/x.txt"; exit 1; }
"$bin" expect --instance p5en.48xlarge --nodes 2 --max-bytes 1M --format json | "$py" -c "
import json, sys; j = json.load(sys.stdin); assert j['network_tier'] == 'extrapolated' and 'extrapolated' in j['figure_sources'], j"
"$bin" expect --instance p5.48xlarge --nodes 2 --max-bytes 1M --format json | "$py" -c "
import json, sys; j = json.load(sys.stdin); assert j['network_tier'] == 'measured', j"

# The recorded 2x H200 run (bench/gpu/results/h200x2-collectives-2026-11-30, made into a
# profile by `calibrate collectives --from`) becomes the NVLink tier: the model then gives
# the measured 324.49 GB/s at 1 GiB over 2 GPUs, and says where the figure came from.
prof="$src/bench/gpu/results/h200x2-collectives-2026-11-30/profile.json"
"$bin" calibrate collectives --from "$src/bench/gpu/results/h200x2-collectives-2026-11-30/intra-node.json" -o "$tmp/h200.json"
cmp -s "$tmp/h200.json" "$prof" || "$py" -c "
import json, sys
a, b = json.load(open('$tmp/h200.json')), json.load(open('$prof'))
a['provenance'].pop('date', None); b['provenance'].pop('date', None)
assert a['intra_node'] == b['intra_node'], 'calibrate collectives --from no longer gives the recorded profile'"
"$bin" expect --instance p5e.48xlarge --nodes 1 --gpus-per-node 2 --nvls off --calibration "$prof" \
  --min-bytes 1G --max-bytes 1G --format json -o "$tmp/cal.json"
"$py" -c "
import json; j = json.load(open('$tmp/cal.json')); r = j['rows'][0]
assert abs(r['busbw_bytes_per_s'] / 324.49e9 - 1) < 0.01, r
assert 'measured over 2 GPUs' in j['figure_sources'], j['figure_sources']"

# The training set's two logs in nccl-tests' format.
"$py" - "$src/tests/data/training/training.json" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); out = sys.argv[2]
# One log per run: sec. 1's sets are one node count each (with times); sec. 6's rows carry
# their node count and busbw only, so each count becomes its own log, times from busbw.
runs = []
for s in d["sets"]:
    if "nodes" in s["rows"][0]:
        for n in sorted({r["nodes"] for r in s["rows"]}):
            rows = []
            for r in s["rows"]:
                if r["nodes"] != n: continue
                ranks = r["ranks"]
                f = 2 * (ranks - 1) / ranks
                t_oop = r["size_bytes"] / (r["oop_busbw"] / f) / 1e3
                t_ip = r["size_bytes"] / (r["ip_busbw"] / f) / 1e3
                rows.append(dict(size_bytes=r["size_bytes"], oop_time_us=t_oop, oop_algbw_GBps=r["oop_algbw"], oop_busbw_GBps=r["oop_busbw"],
                                 ip_time_us=t_ip, ip_algbw_GBps=r["ip_algbw"], ip_busbw_GBps=r["ip_busbw"]))
            runs.append(dict(s, id=f"{s['id']}-{n}n", ranks=n * s["gpus_per_node"], rows=rows))
    else:
        runs.append(s)
for s in runs:
    lines = ["# nThread 1 nGpus 1 minBytes 8 maxBytes 17179869184 step: 2(factor) warmup iters: 5 iters: 20 agg iters: 1 validation: 1 graph: 0",
             "#", "# Using devices"]
    for r in range(s["ranks"]):
        lines.append(f"#  Rank {r:2d} Group  0 Pid {1000 + r:6d} on {'node%d' % (r // s['gpus_per_node'])} device {r % s['gpus_per_node']:2d} [0x00] GPU")
    lines += ["#", "#                                                              out-of-place                       in-place          ",
              "#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong",
              "#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)"]
    for r in s["rows"]:
        lines.append(f"{r['size_bytes']:12d} {r['size_bytes'] // 4:13d}     float     sum      -1 {r['oop_time_us']:8.2f} {r['oop_algbw_GBps']:7.2f} {r['oop_busbw_GBps']:7.2f}      0 {r['ip_time_us']:8.2f} {r['ip_algbw_GBps']:7.2f} {r['ip_busbw_GBps']:7.2f}      0")
    lines.append("# Avg bus bandwidth    : 1.0")
    open(f"{out}/{s['id']}.all_reduce_perf.log", "w").write("\n".join(lines) + "\n")
    # The same run as it looks when NCCL fell back to TCP sockets: busbw near 12 GB/s.
    if s["instance_type"] == "p5.48xlarge":
        tcp = [l for l in lines[:3 + s["ranks"]]] + ["node0:1:1 [0] NCCL INFO NET/Socket : Using [0]eth0:10.0.0.1<0>"] + lines[3 + s["ranks"]:3 + s["ranks"] + 4]
        n = s["ranks"]
        for r in s["rows"]:
            t_us = max(r["oop_time_us"], r["size_bytes"] / 6.5e9 * 1e6)
            alg = r["size_bytes"] / t_us / 1e3; bus = alg * 2 * (n - 1) / n
            tcp.append(f"{r['size_bytes']:12d} {r['size_bytes'] // 4:13d}     float     sum      -1 {t_us:8.2f} {alg:7.2f} {bus:7.2f}      0 {t_us:8.2f} {alg:7.2f} {bus:7.2f}      0")
        tcp.append("# Avg bus bandwidth    : 1.0")
        open(f"{out}/tcp.all_reduce_perf.log", "w").write("\n".join(tcp) + "\n")
PY
"$bin" doctor "$tmp/efa-p5-2n-allreduce-adt.all_reduce_perf.log" --instance p5.48xlarge > "$tmp/d1.txt" \
  || { echo "doctor on the p5 training log did not pass:"; cat "$tmp/d1.txt"; exit 1; }
grep -q "verdict: pass" "$tmp/d1.txt"
# Every node count of the p5 2-32-node runs passes too (the model judges each by its own
# node count, read from the rank lines).
for n in 2 4 8 16 32; do
  "$bin" doctor "$tmp/efa-p5-2to32n-allreduce-cg-${n}n.all_reduce_perf.log" --instance p5.48xlarge --format json -o "$tmp/d1_$n.json" \
    || { echo "doctor on the $n-node p5 log did not pass:"; cat "$tmp/d1_$n.json"; exit 1; }
  "$py" -c "import json; j=json.load(open('$tmp/d1_$n.json')); assert j['verdict']=='pass' and j['logs'][0]['nodes']==$n, (j['verdict'], j['findings'])"
done
"$bin" doctor "$tmp/efa-p4de-2n-allreduce-adt.all_reduce_perf.log" --instance p4de.24xlarge --format json -o "$tmp/d2.json"
"$py" -c "import json; j=json.load(open('$tmp/d2.json')); assert j['verdict']=='pass' and j['logs'][0]['nodes']==2, j['findings']"
set +e; "$bin" doctor "$tmp/tcp.all_reduce_perf.log" --instance p5.48xlarge > "$tmp/d3.txt"; rc=$?; set -e
[[ $rc == 4 ]] && grep -q "fail tcp_fallback" "$tmp/d3.txt" && grep -q "NET/Socket" "$tmp/d3.txt" && grep -q "verdict: fail" "$tmp/d3.txt" \
  || { echo "doctor on a TCP fallback: rc $rc"; cat "$tmp/d3.txt"; exit 1; }
# Cross-rail: on p4de GPU 3's local EFA is 1; a log whose GPU 3 sends through EFA 2 warns.
{ head -n 19 "$tmp/efa-p4de-2n-allreduce-adt.all_reduce_perf.log"
  echo "node0:1:1 [3] NCCL INFO Channel 00/0 : 3[3] -> 11[3] [send] via NET/AWS Libfabric/2/GDRDMA"
  tail -n +20 "$tmp/efa-p4de-2n-allreduce-adt.all_reduce_perf.log"; } > "$tmp/xrail.all_reduce_perf.log"
set +e; "$bin" doctor "$tmp/xrail.all_reduce_perf.log" --instance p4de.24xlarge > "$tmp/d4.txt"; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "warn cross_rail: GPU 3 sends through NIC 2" "$tmp/d4.txt" || { echo "cross-rail: rc $rc"; cat "$tmp/d4.txt"; exit 1; }
# The cross-rail evidence quotes the offending send, not the log's first (local) one.
{ head -n 19 "$tmp/efa-p4de-2n-allreduce-adt.all_reduce_perf.log"
  echo "node0:1:1 [0] NCCL INFO Channel 00/0 : 0[0] -> 8[0] [send] via NET/AWS Libfabric/0/GDRDMA"
  echo "node0:1:1 [3] NCCL INFO Channel 01/0 : 3[3] -> 11[3] [send] via NET/AWS Libfabric/2/GDRDMA"
  tail -n +20 "$tmp/efa-p4de-2n-allreduce-adt.all_reduce_perf.log"; } > "$tmp/xrail2.all_reduce_perf.log"
set +e; "$bin" doctor "$tmp/xrail2.all_reduce_perf.log" --instance p4de.24xlarge > "$tmp/d5.txt"; rc=$?; set -e
grep -q 'cross_rail: GPU 3 sends through NIC 2.*3\[3\] -> 11\[3\]' "$tmp/d5.txt" || { echo "cross-rail quote: rc $rc"; cat "$tmp/d5.txt"; exit 1; }
# EFA's commonest fault: aws-ofi-nccl finds 8 of a p5's 32 EFAs (FI_EFA_IFACE, a failed
# device), its channels use NET/AWS Libfabric/0..7: a fewer-NICs finding quoting the line.
{ head -n 19 "$tmp/efa-p5-2n-allreduce-adt.all_reduce_perf.log"
  echo "node0:1:1 [0] NCCL INFO NET/OFI Selected Provider is efa (found 8 nics)"
  for i in 0 1 2 3 4 5 6 7; do echo "node0:1:1 [$i] NCCL INFO Channel 0$i/0 : $i[$i] -> $((i + 8))[$i] [send] via NET/AWS Libfabric/$i/GDRDMA"; done
  tail -n +20 "$tmp/efa-p5-2n-allreduce-adt.all_reduce_perf.log"; } > "$tmp/efa8.all_reduce_perf.log"
set +e; "$bin" doctor "$tmp/efa8.all_reduce_perf.log" --instance p5.48xlarge > "$tmp/d6.txt"; rc=$?; set -e
[[ $rc == 3 ]] && grep -q 'warn fewer_nics: aws-ofi-nccl found 8 NICs (".*found 8 nics)"); p5.48xlarge has 32' "$tmp/d6.txt" \
  || { echo "EFA fewer NICs: rc $rc"; cat "$tmp/d6.txt"; exit 1; }
# Rank lines naming the GPU: H100 ranks judged as p4d are other hardware (quoted), and
# without --instance the GPU and aws-ofi-nccl's "found 32 nics" make it a p5.
sed 's/ device \([ 0-9]*\) \[0x00\] GPU$/ device \1 [0x53] NVIDIA H100 80GB HBM3/' "$tmp/efa-p5-2n-allreduce-adt.all_reduce_perf.log" > "$tmp/h100.all_reduce_perf.log"
grep -q "NVIDIA H100 80GB HBM3" "$tmp/h100.all_reduce_perf.log" || { echo "rank lines not rewritten"; head -8 "$tmp/h100.all_reduce_perf.log"; exit 1; }
set +e; "$bin" doctor "$tmp/h100.all_reduce_perf.log" --instance p4d.24xlarge > "$tmp/dg.txt"; rc=$?; set -e
[[ $rc == 3 ]] && grep -q 'warn gpu_mismatch: the ranks run on NVIDIA H100 80GB HBM3, p4d.24xlarge has NVIDIA A100 40GB ("#  Rank' "$tmp/dg.txt" \
  || { echo "gpu mismatch: rc $rc"; cat "$tmp/dg.txt"; exit 1; }
{ head -n 19 "$tmp/h100.all_reduce_perf.log"; echo "node0:1:1 [0] NCCL INFO NET/OFI Selected Provider is efa (found 32 nics)"
  tail -n +20 "$tmp/h100.all_reduce_perf.log"; } > "$tmp/h100-32.all_reduce_perf.log"
"$bin" doctor "$tmp/h100-32.all_reduce_perf.log" --format json -o "$tmp/dh.json" || { echo "inferred p5 did not pass"; cat "$tmp/dh.json"; exit 1; }
"$py" -c "import json; l=json.load(open('$tmp/dh.json'))['logs'][0]; assert l['instance_type']=='p5.48xlarge' and l['instance_inferred_from']=='NVIDIA H100 80GB HBM3 with 32 NICs' and l['gpu']=='NVIDIA H100 80GB HBM3', l"
# The GPU alone fits two types (p5 on EFA, the IB DGX H100): asked to choose, with both named.
set +e; "$bin" doctor "$tmp/h100.all_reduce_perf.log" 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "NVIDIA H100 80GB HBM3 ranks fit .*ib-dgx-h100.*p5.48xlarge\|NVIDIA H100 80GB HBM3 ranks fit .*p5.48xlarge.*ib-dgx-h100" "$tmp/err" \
  || { echo "ambiguous GPU: rc $rc $(cat "$tmp/err")"; exit 1; }
# H100 ranks judged as p4d (it passed at 591% of the model): faster than that hardware runs.
set +e; "$bin" doctor "$tmp/efa-p5-2n-allreduce-adt.all_reduce_perf.log" --instance p4d.24xlarge > "$tmp/d7.txt"; rc=$?; set -e
[[ $rc == 3 ]] && grep -q "warn faster_than_model: .* for 2 x p4d.24xlarge: faster than that hardware can run" "$tmp/d7.txt" \
  || { echo "H100 log as p4d: rc $rc"; cat "$tmp/d7.txt"; exit 1; }
echo "ok   doctor: EFA's found-N-nics, a log faster than its --instance, the offending cross-rail line"
set +e; "$bin" doctor "$src/tests/data/calib/all_reduce_perf_cut_row.txt" --instance p5.48xlarge 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "line" "$tmp/err" || { echo "doctor on a bad log: rc $rc $(cat "$tmp/err")"; exit 1; }
echo ok
