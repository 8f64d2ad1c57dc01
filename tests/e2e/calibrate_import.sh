#!/usr/bin/env bash
# calibrate import: real and format-exact logs import into a profile; truncated or
# malformed logs are refused with the line number and leave no file; plan's budget
# follows the imported NIC bandwidth; calibrate gpu reports an absent GPU clearly.
set -euo pipefail
bin=$1; src=$2
data=$src/tests/data/calib
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" calibrate import "$data/fi_pingpong_tcp_localhost.txt" "$data/all_reduce_perf_8xH100.txt" \
  "$data/ib_write_bw_ndr.txt" -o "$tmp/profile.json" --csv "$tmp/sweeps.csv" 2>"$tmp/import.err"
# The sweeps as CSV for spreadsheets: units in the header, the 8 all_reduce sizes as rows.
head -1 "$tmp/sweeps.csv" | grep -qx "kind,name,test,bytes,time_us,bytes_per_s,Gbit_per_s,busbw_bytes_per_s" || fail "sweeps CSV header"
[[ $(grep -c "^collective,all_reduce@8,all_reduce," "$tmp/sweeps.csv") == 8 ]] || fail "sweeps CSV rows: $(cat "$tmp/sweeps.csv")"
# It says what it imported: each log's kind, sizes and fitted figures.
grep -q "imported nccl-tests all_reduce: 8 ranks, 8 sizes, large-message busbw 260.92 GB/s" "$tmp/import.err" || fail "import summary: $(cat "$tmp/import.err")"
grep -q "imported ib_write_bw:ib_write_bw_ndr.txt: 6 sizes, fitted bandwidth .*no latency" "$tmp/import.err" || fail "import summary: $(cat "$tmp/import.err")"
# One message size (ib_write_bw -s 65536): the measured rate, no fit, and the profile says why.
printf ' #bytes     #iterations    BW peak[MB/sec]    BW average[MB/sec]   MsgRate[Mpps]\n 65536      5000             11000.00            10900.00             0.174000\n' \
  > "$tmp/one-size.log"
"$bin" calibrate import "$tmp/one-size.log" -o "$tmp/one-size.json" 2>"$tmp/one.err" || fail "one-size log: $(cat "$tmp/one.err")"
grep -q "1 sizes, measured (one size, no fit) bandwidth 11.43 GB/s" "$tmp/one.err" || fail "one-size summary: $(cat "$tmp/one.err")"
/usr/bin/python3 -c "import json,sys; p=json.load(open(sys.argv[1])); n=p['nics'][0]; assert 'segments' not in n and abs(n['bandwidth_bytes_per_s']-10900*1048576)<1, n; assert any('one message size' in u['why'] for u in p['unavailable'])" "$tmp/one-size.json" \
  || fail "one-size profile"
python3 "$src/tests/e2e/check_profile_schema.py" "$src/configs/schema/calibration.schema.json" "$tmp/profile.json"
/usr/bin/python3 - "$tmp/profile.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
assert p["profile_version"] == 1
names = [n["name"] for n in p["nics"]]
assert len(names) == 2, names
c = p["collectives"][0]
assert (c["op"], c["ranks"], c["nccl_version"]) == ("all_reduce", 8, "2.21.5+cuda12.4"), c
# 8 GiB row: busbw 260.92 GB/s as printed.
assert abs(c["large_message_busbw_bytes_per_s"] - 260.92e9) < 1e3
ib = [n for n in p["nics"] if n["name"].startswith("ib_write_bw")][0]
# ib_write_bw streams: no latency is invented from it, and the profile says so.
assert "latency_us" not in ib, ib.get("latency_us")
assert any(u["what"] == "latency_us of " + ib["name"] for u in p["unavailable"]), p["unavailable"]
# 392.38 Gb/s average at 8 MiB: the fitted asymptote must be within 1%.
assert abs(ib["bandwidth_bytes_per_s"] * 8 / 1e9 - 392.38) / 392.38 < 0.01, ib["bandwidth_bytes_per_s"]
assert all(s["beta_bytes_per_s"] > 0 for s in ib["segments"])
PY

# A two-node run launched with Open MPI's --tag-output: every line carries "[1,r]<stdout>:",
# NCCL INFO lines of other ranks fall inside the table, two size-0 rows lead it, and
# this nccl-tests version prints no "Collective test starting" line, so the op comes
# from the file name ("allreduce", no underscore). Seen in public EKS/EFA logs.
"$bin" calibrate import "$data/allreduce_16rank_ompi_tagged.txt" -o "$tmp/tagged.json"
/usr/bin/python3 - "$tmp/tagged.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["collectives"][0]
assert (c["op"], c["ranks"], c["nccl_version"]) == ("all_reduce", 16, "2.18.5+cuda12.2"), c
assert len(c["sweep"]) == 18, len(c["sweep"])
assert abs(c["large_message_busbw_bytes_per_s"] - 86.22e9) < 1e3  # the 4 GiB row as printed
# The rows follow t = 30 us + size / 46 GB/s (plus < 0.8 us jitter): the fit must find it.
seg = c["segments"][-1]
assert abs(seg["beta_bytes_per_s"] - 46e9) / 46e9 < 0.01 and abs(seg["alpha_us"] - 30.3) < 1, seg
PY
# The log's busbw / algbw is nccl-tests' factor for its op and rank count: an all_reduce
# log filed as alltoall is refused at the row that shows it.
cp "$data/all_reduce_perf_8xH100.txt" "$tmp/alltoall_perf_8xH100.txt"
set +e; err=$("$bin" calibrate import "$tmp/alltoall_perf_8xH100.txt" -o "$tmp/bad.json" 2>&1); rc=$?; set -e
[[ $rc == 2 && $err == *"line 24"*"0.875"*"1.750"* && ! -e $tmp/bad.json ]] || fail "misnamed log: exit $rc: $err"

# Failure modes: truncated log, cut row, unknown file, missing file.
for f in all_reduce_perf_truncated all_reduce_perf_cut_row; do
  set +e; err=$("$bin" calibrate import "$data/$f.txt" -o "$tmp/bad.json" 2>&1); rc=$?; set -e
  [[ $rc == 2 ]] || fail "$f: exit $rc, expected 2"
  [[ $err == *"line 22"* ]] || fail "$f: no line number in: $err"
  [[ ! -e $tmp/bad.json ]] || fail "$f: a profile was written"
done
set +e; err=$("$bin" calibrate import "$src/README.md" -o "$tmp/bad.json" 2>&1); rc=$?; set -e
[[ $rc == 2 && $err == *"nccl-tests, fi_pingpong or ib_write_bw"* ]] || fail "unknown log: exit $rc: $err"
set +e; "$bin" calibrate import "$tmp/nope.txt" -o "$tmp/bad.json" 2>/dev/null; rc=$?; set -e
[[ $rc == 2 ]] || fail "missing file: exit $rc"

# plan follows the profile: the p4d prefill group's budget is 4 EFA x the imported
# per-NIC bandwidth (median of the two NICs).
"$bin" calibrate import "$data/ib_write_bw_ndr.txt" -o "$tmp/ib.json"
"$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --calibration "$tmp/ib.json" --format json -o "$tmp/plan.json"
"$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --format json -o "$tmp/plan-catalog.json"
# A profile from the tcp provider on another instance type, with one NIC, applied to an
# EFA plan: the report says all three (and a catalog plan has no warnings).
/usr/bin/python3 - "$tmp/ib.json" "$tmp/tcp-profile.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["provenance"]["provider"] = "tcp"; p["provenance"]["instance_type"] = "m7i.large"
json.dump(p, open(sys.argv[2], "w"))
PY
"$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --calibration "$tmp/tcp-profile.json" --format json -o "$tmp/plan-tcp.json"
/usr/bin/python3 - "$tmp/plan-tcp.json" "$tmp/plan-catalog.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["warnings"]; text = " ".join(w)
assert "tcp provider" in text and "measured on m7i.large" in text and "measured 1 NIC(s); p4d.24xlarge has 4" in text, w
assert json.load(open(sys.argv[2]))["warnings"] == []
PY
grep -q "^WARNING: calibration .* tcp provider" <<<"$("$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --calibration "$tmp/tcp-profile.json")"
grep -q "tcp provider" <<<"$("$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --calibration "$tmp/tcp-profile.json" --engine analytic --format md)"
grep -q "tcp provider" <<<"$("$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --calibration "$tmp/tcp-profile.json" --engine analytic --format html)"
# --strict: another provider is an error naming the profile's field, and nothing is written.
set +e; err=$("$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --calibration "$tmp/tcp-profile.json" --strict -o "$tmp/strict.txt" 2>&1); rc=$?; set -e
[[ $rc == 2 && $err == *"/provenance/provider"*"efa"*"tcp"* && ! -e $tmp/strict.txt ]] || fail "--strict with a tcp profile: rc $rc: $err"
# ... while fewer NICs than the node has stays a warning (calibrating a few rails is usual).
"$bin" calibrate import "$data/ib_write_bw_ndr.txt" -o "$tmp/ib-efa.json"
/usr/bin/python3 -c "import json,sys; p=json.load(open(sys.argv[1])); p['provenance']['provider']='efa'; json.dump(p,open(sys.argv[1],'w'))" "$tmp/ib-efa.json"
"$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --calibration "$tmp/ib-efa.json" --strict --engine analytic > "$tmp/strict-ok.txt" \
  || fail "--strict refused an efa profile of fewer NICs: $(cat "$tmp/strict-ok.txt")"
# The plan names the measured figure each group's NICs run at.
grep -q "calibration: $tmp/ib-efa.json, median of 1 NIC(s) (provider efa)" "$tmp/strict-ok.txt" || fail "figure source: $(grep -n calibration "$tmp/strict-ok.txt")"
PYTHONPATH="$src/tests/e2e" /usr/bin/python3 - "$tmp/ib.json" "$tmp/plan.json" "$tmp/plan-catalog.json" <<'PY'
import json, sys
from plan_budgets import plan_budgets
prof, plan, cat = (json.load(open(f)) for f in sys.argv[1:])
bw = prof["nics"][0]["bandwidth_bytes_per_s"]
b, c = plan_budgets(plan), plan_budgets(cat)
assert b and b != c, (b, c)
assert any(abs(v - 4 * bw) / (4 * bw) < 1e-9 for v in b), (b, 4 * bw)
assert "calibration" in json.dumps(plan)
PY

# simulate follows the profile: the NIC links of a lone-message scenario take the
# fi_pingpong NIC's fitted bandwidth (switch links stay at the scenario's 100 Gbit/s),
# so the 8 MB message takes bytes / bandwidth, plus by hand 4 x 1 us propagation and
# the last 4160-byte packet's serialization on the two 100 Gbit/s switch hops.
"$bin" calibrate import "$data/fi_pingpong_tcp_localhost.txt" -o "$tmp/fi.json"
"$bin" simulate "$src/tests/data/sim/lone-message-srd.json" --calibration "$tmp/fi.json" --format json -o "$tmp/sim-cal.json"
"$bin" simulate "$src/tests/data/sim/lone-message-srd.json" --format json -o "$tmp/sim.json"
/usr/bin/python3 - "$tmp/fi.json" "$tmp/sim-cal.json" "$tmp/sim.json" <<'PY'
import json, sys
prof, cal, base = (json.load(open(f)) for f in sys.argv[1:])
bw = prof["nics"][0]["bandwidth_bytes_per_s"]
want_us = 8e6 / bw * 1e6 + 4 * 1.0 + 2 * 4160 * 8 / 100e9 * 1e6
got_us = cal["classes"][0]["fct_us"]["max"]
assert abs(got_us / want_us - 1) < 0.005, (got_us, want_us)
assert base["classes"][0]["fct_us"]["max"] < got_us / 3, "the catalog 100G run must be much faster"
src = {f["figure"]: f["source"] for f in cal["figure_sources"]}
assert "calibration" in src["host_link_gbit_per_s"] and "scenario" in src["switch link_gbit_per_s"], src
assert base["figure_sources"] == []
# Goodput is against the calibrated NIC rate: a lone message nearly fills it (payload
# over the wire rate, less the latency share), not the scenario's 100 Gbit/s.
g = cal["classes"][0]["mean_goodput_fraction"]
assert 0.9 < g <= 1.0, g
print(f"simulate --calibration: lone 8 MB message {got_us:.1f} us, hand figure {want_us:.1f} us, goodput {100*g:.1f}%")
PY

# compare takes the profile too, for both fabrics: a lone message sees no contention, so
# EFA (SRD) and IB (RC) must both give simulate's calibrated time, and the report names
# where the NIC rate came from.
"$bin" compare "$src/tests/data/sim/lone-message-srd.json" --calibration "$tmp/fi.json" --format json -o "$tmp/cmp.json"
/usr/bin/python3 - "$tmp/cmp.json" "$tmp/sim-cal.json" <<'PY'
import json, sys
cmp, cal = (json.load(open(f)) for f in sys.argv[1:])
want = cal["classes"][0]["fct_us"]["max"]
k = cmp["classes"][0]
assert abs(k["efa"]["fct_us"]["max"] - want) < 1e-6, (k, want)
assert abs(k["ib"]["fct_us"]["max"] / want - 1) < 0.001, (k, want)
for v in ("efa", "ib"):
    src = {f["figure"]: f["source"] for f in cmp["variants"][v]["figure_sources"]}
    assert "calibration" in src["host_link_gbit_per_s"], src
print(f"compare --calibration: EFA {k['efa']['fct_us']['max']:.1f} us, IB {k['ib']['fct_us']['max']:.1f} us")
PY

# plan reads the intra-node tier: a profile as calibrate collectives writes it for 8
# GPUs (all_reduce t = 25 us + bytes / 200 GB/s, built here from the recorded H100 run's
# layout) makes p5's in-node TP8 group (3200 x 524,288 B all-reduces/s) cost
# 3200 x (25 + 2.62144) us = 8.84% of NVLink time; a one-GPU profile leaves it unchecked.
/usr/bin/python3 - "$src/bench/gpu/results/h100x1-collectives-2026-11-23/intra-node.json" "$tmp/intra8.json" "$tmp/intra1.json" <<'PY'
import json, sys
one = json.load(open(sys.argv[1]))
def profile(intra):
    return {"profile_version": 1, "provenance": {"tool": "test"}, "nics": [], "intra_node": intra, "unavailable": []}
json.dump(profile(one), open(sys.argv[3], "w"))
eight = dict(one, gpus=8)
ar = dict(one["collectives"][0], ranks=8, large_message_busbw_bytes_per_s=360e9,
          segments=[{"min_bytes": 0, "max_bytes": 1e18, "alpha_us": 25.0, "beta_bytes_per_s": 200e9}])
eight["collectives"] = [ar]
json.dump(profile(eight), open(sys.argv[2], "w"))
PY
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" --calibration "$tmp/intra8.json" --format json -o "$tmp/plan8.json"
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" --calibration "$tmp/intra1.json" --format json -o "$tmp/plan1.json"
/usr/bin/python3 - "$tmp/plan8.json" "$tmp/plan1.json" <<'PY'
import json, sys
tp = lambda f: [c for c in json.load(open(f))["groups"][0]["classes"] if c["class"] == "tp_allreduce"][0]
t8, t1 = tp(sys.argv[1]), tp(sys.argv[2])
assert abs(t8["utilization"] - 3200 * 27.62144e-6) < 1e-9, t8
assert "8 GPUs at 27.6 us each" in t8["why"], t8["why"]
assert t1["utilization"] == 0 and "no intra-node tier" in t1["why"], t1["why"]
print("plan --calibration intra_node: TP8 NVLink time", f"{100 * t8['utilization']:.2f}%")
PY

# calibrate gpu: a profile either way; without a usable GPU, exit 1 and say why.
set +e; "$bin" calibrate gpu -o "$tmp/gpu.json" --max-bytes 1048576 2>"$tmp/gpu.err"; rc=$?; set -e
/usr/bin/python3 - "$tmp/gpu.json" "$rc" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["gpu"]; rc = int(sys.argv[2])
if g["available"]:
    assert rc == 0 and g["h2d_bytes_per_s"] > 0 and g["d2d_bytes_per_s"] > 0
else:
    assert rc == 1 and g["unavailable_reason"], g
PY
# A host without the NVIDIA driver is told so, not sent after driver versions (a build
# with CUDA only: without it the reason names the build).
has_driver=$(grep -c 'libcuda\.so\.1' <<<"$(/sbin/ldconfig -p 2>/dev/null)" || true)
if [[ $has_driver == 0 ]] && grep -q "built without CUDA" "$tmp/gpu.err"; then :
elif [[ $has_driver == 0 ]]; then
  grep -q "no NVIDIA driver on this host" "$tmp/gpu.err" || { echo "calibrate gpu without a driver: $(cat "$tmp/gpu.err")"; exit 1; }
fi
python3 "$src/tests/e2e/check_profile_schema.py" "$src/configs/schema/calibration.schema.json" "$tmp/gpu.json"

# calibrate merge: NICs from one profile, GPU (when available) from another, both
# provenances kept; a file that is not a profile is refused by name.
"$bin" calibrate merge "$tmp/fi.json" "$tmp/gpu.json" "$tmp/profile.json" -o "$tmp/merged.json"
python3 "$src/tests/e2e/check_profile_schema.py" "$src/configs/schema/calibration.schema.json" "$tmp/merged.json"
/usr/bin/python3 - "$tmp/merged.json" "$tmp/fi.json" "$tmp/profile.json" <<'PY'
import json, sys
m, fi, prof = (json.load(open(f)) for f in sys.argv[1:])
# Every NIC of both files, each once: fi.json's, then profile.json's others (ib_write_bw).
nics = [{k: v for k, v in n.items() if k != "source_file"} for n in m["nics"]]
expected = fi["nics"] + [n for n in prof["nics"] if n not in fi["nics"]]
assert nics == expected, (len(nics), len(expected))
assert len(m["provenance"]["merged"]) == 3 and len(m["collectives"]) == 1, m.keys()
assert [n["source_file"] for n in m["nics"]] == [sys.argv[2]] * len(fi["nics"]) + [sys.argv[3]] * (len(expected) - len(fi["nics"]))
PY
# Two profiles' NICs (say tcp and shm) are both kept, each with its file; the same NIC
# in two files is a conflict naming both.
/usr/bin/python3 - "$tmp/fi.json" "$tmp/shm.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
# fi_pingpong's log does not name its provider; this one ran over tcp (its file says so).
for n in p["nics"]: n["provider"] = "tcp"
json.dump(p, open(sys.argv[1], "w"))
for n in p["nics"]: n["name"] = "shm"; n["provider"] = "shm"
json.dump(p, open(sys.argv[2], "w"))
PY
# NICs over another provider (tcp loopback beside shm here; beside EFA rails in life) are
# refused unless asked for; a mixed profile then says so in every plan.
set +e; err=$("$bin" calibrate merge "$tmp/fi.json" "$tmp/shm.json" -o "$tmp/two.json" 2>&1); rc=$?; set -e
[[ $rc == 2 && $err == *"$tmp/shm.json"*"/nics"*"--allow-mixed"*"provider shm"* && ! -e $tmp/two.json ]] \
  || fail "merge of tcp and shm NICs: rc $rc: $err"
"$bin" calibrate merge "$tmp/fi.json" "$tmp/shm.json" --allow-mixed -o "$tmp/two.json"
grep -q "mixed (tcp, shm) provider" <<<"$("$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --calibration "$tmp/two.json" --engine analytic)" \
  || fail "a mixed profile's plan does not say so"
/usr/bin/python3 - "$tmp/two.json" "$tmp/fi.json" "$tmp/shm.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert [n["source_file"] for n in m["nics"]] == [sys.argv[2]] * (len(m["nics"]) // 2) + [sys.argv[3]] * (len(m["nics"]) // 2), m["nics"]
assert any(n["name"] == "shm" for n in m["nics"]) and any(n["name"] != "shm" for n in m["nics"])
PY
python3 "$src/tests/e2e/check_profile_schema.py" "$src/configs/schema/calibration.schema.json" "$tmp/two.json"
"$bin" expect --instance p5.48xlarge --nodes 2 --calibration "$tmp/two.json" --max-bytes 1M >/dev/null  # merged profiles load
/usr/bin/python3 - "$tmp/fi.json" "$tmp/fi2.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for n in p["nics"]: n["bandwidth_bytes_per_s"] *= 2
json.dump(p, open(sys.argv[2], "w"))
PY
set +e; err=$("$bin" calibrate merge "$tmp/fi.json" "$tmp/fi2.json" -o "$tmp/dup.json" 2>&1); rc=$?; set -e
[[ $rc == 2 && $err == *"$tmp/fi2.json"*"measured differently in $tmp/fi.json"* && ! -e $tmp/dup.json ]] \
  || { echo "merge of one NIC measured twice differently: rc $rc: $err"; exit 1; }
set +e; err=$("$bin" calibrate merge "$tmp/fi.json" "$src/configs/clusters/p4d-moe-pd.json" -o "$tmp/bad.json" 2>&1); rc=$?; set -e
[[ $rc == 2 && $err == *p4d-moe-pd.json* && ! -e $tmp/bad.json ]] || { echo "merge of a non-profile: rc $rc: $err"; exit 1; }
echo "calibrate import/gpu: ok"
