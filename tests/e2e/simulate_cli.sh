#!/usr/bin/env bash
# `fabricplan simulate`: scenario files validate against the schema, the JSON result
# has the fields scripts rely on, the same seed gives the same output, and a bad
# scenario is refused with the JSON pointer and exit 2.
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
for f in "$src"/configs/scenarios/*.json; do
  "$py" -c "import json,sys,jsonschema; jsonschema.Draft202012Validator(json.load(open('$src/configs/schema/scenario.schema.json'))).validate(json.load(open('$f')))"
done
# A short copy of bench-p-32 so the test stays quick.
"$py" -c "
import json; d=json.load(open('$src/configs/scenarios/bench-p-32-spray.json'))
d['traffic'][0]['duration_us']=200; d['traffic'][0]['permutation_file']='$src/configs/scenarios/perm/perm_32_hpl8_seed1.txt'
json.dump(d, open('$tmp/s.json','w'))"
"$bin" simulate "$tmp/s.json" --format json -o "$tmp/a.json" --seed 5
"$bin" simulate "$tmp/s.json" --format json -o "$tmp/b.json" --seed 5
grep -q "FCT p50" <<<"$("$bin" simulate "$tmp/s.json")"
"$py" - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("classes", "drops", "retransmissions", "engine"): assert k in a, k
c = a["classes"][0]
for k in ("class", "flows", "fct_us", "mean_goodput_fraction", "throughput_bytes_per_s"): assert k in c, k
for k in ("p50", "p99", "p999", "max"): assert k in c["fct_us"], k
for k in ("events", "wall_s", "delivered_packets", "link_transmissions"): assert k in a["engine"], k
a["engine"].pop("wall_s"); b["engine"].pop("wall_s")
assert a == b, "same seed, different output"
assert a["seed"] == 5
PY
"$py" -c "
import json; d=json.load(open('$tmp/s.json')); d['routing']='sprey'; json.dump(d, open('$tmp/bad.json','w'))"
set +e; "$bin" simulate "$tmp/bad.json" -o "$tmp/out.json" 2>"$tmp/err"; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q 'at /routing: expected one of "spray", "flowhash", "dmodk" (did you mean "spray"?), found "sprey"' "$tmp/err" && [[ ! -e $tmp/out.json ]] \
  || { echo "bad scenario not refused properly: rc=$rc $(cat "$tmp/err")"; exit 1; }
printf '0 1\n1 x\n' > "$tmp/perm.txt"
"$py" -c "
import json; d=json.load(open('$tmp/s.json')); d['traffic'][0]['permutation_file']='$tmp/perm.txt'; json.dump(d, open('$tmp/bad2.json','w'))"
set +e; "$bin" simulate "$tmp/bad2.json" 2>"$tmp/err" >/dev/null; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q "perm.txt: at line 2" "$tmp/err" || { echo "bad perm file: rc=$rc $(cat "$tmp/err")"; exit 1; }
# compare refuses the same bad scenario the same way, and writes nothing.
set +e; "$bin" compare "$tmp/bad.json" -o "$tmp/cmp.json" 2>"$tmp/err"; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q 'at /routing: expected one of' "$tmp/err" && [[ ! -e $tmp/cmp.json ]] \
  || { echo "compare: bad scenario not refused properly: rc=$rc $(cat "$tmp/err")"; exit 1; }
# compare's JSON: both full results and the classes side by side, deterministic per seed.
"$bin" compare "$tmp/s.json" --format json -o "$tmp/c1.json" --seed 5
"$bin" compare "$tmp/s.json" --format json -o "$tmp/c2.json" --seed 5
"$py" - "$tmp/c1.json" "$tmp/c2.json" "$tmp/a.json" <<'PY'
import json, sys
c1, c2, sim = (json.load(open(f)) for f in sys.argv[1:])
for c in (c1, c2):
    for v in ("efa", "ib"): c["variants"][v]["engine"].pop("wall_s")
assert c1 == c2, "compare: same seed, different output"
k = c1["classes"][0]
for key in ("class", "flows", "efa", "ib", "p99_ratio_ib_over_efa"): assert key in k, key
assert set(c1["variants"]) == {"efa", "ib"}
PY
# The flow engine: same scenario, --engine flow; deterministic; refuses an unknown engine
# and a run past its memory limit (with the estimate), writing nothing.
"$bin" simulate "$tmp/s.json" --engine flow --format json -o "$tmp/f1.json"
"$bin" simulate "$tmp/s.json" --engine flow --format json -o "$tmp/f2.json"
"$py" - "$tmp/f1.json" "$tmp/f2.json" <<'PY'
import json, sys
f1, f2 = (json.load(open(f)) for f in sys.argv[1:])
for f in (f1, f2): f["engine"].pop("wall_s")
assert f1 == f2, "flow engine: same input, different output"
assert f1["engine"]["kind"] == "flow" and f1["engine"]["solves"] > 0
c = f1["classes"][0]
assert c["flows"] > 0 and c["incomplete_flows"] == 0 and c["fct_us"]["max"] > 0
b = f1["busiest_links"][0]
assert 0 < b["utilization"] <= 1.0 + 1e-9 and b["classes"] == [c["class"]] and "->" in b["link"]
PY
set +e; "$bin" simulate "$tmp/s.json" --engine fluid 2>"$tmp/err" >/dev/null; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q "engine must be packet or flow" "$tmp/err" || { echo "bad --engine: rc=$rc $(cat "$tmp/err")"; exit 1; }
"$py" -c "
import json; d=json.load(open('$src/configs/scenarios/bench-f-ft1024-a2a1024.json')); d['limits']={'max_memory_gib': 0.05}; json.dump(d, open('$tmp/big.json','w'))"
set +e; "$bin" simulate "$tmp/big.json" -o "$tmp/big.out" 2>"$tmp/err"; rc=$?; set -e
[[ $rc -eq 2 && ! -e $tmp/big.out ]] && grep -q "at /traffic: expected a flow-engine run within 0.05 GiB" "$tmp/err" && grep -q "estimated" "$tmp/err" \
  || { echo "oversized flow run not refused: rc=$rc $(cat "$tmp/err")"; exit 1; }
# --threads: a partitioned run, the same result on any thread count, said in the report.
"$bin" simulate "$tmp/s.json" --threads 2 --format json -o "$tmp/t2.json"
"$bin" simulate "$tmp/s.json" --threads 3 --format json -o "$tmp/t3.json"
grep -q "partitioned: 4 lanes on 2 threads" <<<"$("$bin" simulate "$tmp/s.json" --threads 2)"
"$py" - "$tmp/t2.json" "$tmp/t3.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["engine"]["partition"]["lanes"] == 4 and a["engine"]["partition"]["threads"] == 2, a["engine"]
for r in (a, b):
    r.pop("tool_version"); r["engine"].pop("wall_s"); r["engine"]["partition"].pop("threads")
assert a == b, "partitioned runs on 2 and 3 threads differ"
PY
set +e; "$bin" simulate "$tmp/s.json" --threads 0 2>"$tmp/err" >/dev/null; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q -- '--threads: expected an integer in \[1, 1024\], found "0"' "$tmp/err" || { echo "bad --threads: rc=$rc $(cat "$tmp/err")"; exit 1; }
spec=$(ls "$src"/configs/clusters/*.json | head -1)
# A SPEC's default engine is the flow engine: --threads is the packet engine's.
set +e; "$bin" simulate "$spec" --threads 2 2>"$tmp/err" >/dev/null; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q -- "--threads applies to the packet engine" "$tmp/err" || { echo "--threads on a SPEC's flow run: rc=$rc $(cat "$tmp/err")"; exit 1; }
echo ok
