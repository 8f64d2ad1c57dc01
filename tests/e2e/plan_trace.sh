#!/usr/bin/env bash
# plan/simulate SPEC --trace: real request traces (the project's excerpts of Mooncake's
# and Azure's, tests/data/traces) replayed through the analytic model and both engines on
# every serving example; the engines replay exactly the trace's requests inside their
# window (counted here from the file); the spec's "trace" field does the same; bad traces
# and options are refused with exit 2 naming the line.
set -euo pipefail
bin=$1; src=$2
py=/usr/bin/python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mooncake=$src/tests/data/traces/mooncake_conversation_excerpt.jsonl
azure=$src/tests/data/traces/azure_conv_excerpt.csv
for spec in p4d-moe-pd p5-moe-pd trn2-moe-pd; do
  for engine in analytic flow packet; do
    window=(); [[ $engine == packet ]] && window=(--window-ms 5)
    "$bin" plan "$src/configs/clusters/$spec.json" --trace "$mooncake" --engine "$engine" "${window[@]}" --format json -o "$tmp/$spec-$engine.json"
    "$py" - "$tmp/$spec-$engine.json" "$mooncake" "$engine" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rows = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
t = r["kv_traces"][0]
assert t["format"] == "mooncake-jsonl" and t["requests"] == len(rows) == 300, t
span = rows[-1]["timestamp"] / 1000
assert abs(t["span_s"] - span) < 1e-9 and abs(t["requests_per_s"] - 299 / span) < 1e-9, t
tokens = sorted(x["input_length"] for x in rows)
assert abs(t["prompt_tokens_mean"] - sum(tokens) / 300) < 1e-6 and t["prompt_tokens_p99"] == tokens[296], t
assert any("replays a request trace" in a for a in r["assumptions"]), r["assumptions"]
if sys.argv[3] != "analytic":
    eng = r["engine"]
    # The window replays the trace from its start: every request that arrives inside it,
    # and no other (prefill and decode are different nodes, so none stays on its node).
    window = eng["window_s"] if "window_s" in eng else None
    summary = eng["summary"]
    import re
    m = re.findall(r"replayed from [^:]*: its first ([0-9.]+) s \((\d+) of 300 requests\)", summary)
    assert m, summary
    first_s, n = float(m[-1][0]), int(m[-1][1])
    want = sum(1 for x in rows if x["timestamp"] / 1000 < first_s - 0.05)
    assert want <= n <= sum(1 for x in rows if x["timestamp"] / 1000 < first_s + 0.05), (n, want, first_s)
    kv = [c for g in r["groups"] for c in g["classes"] if c["class"] == "kv_transfer" and c.get("engine_op_time_us")]
    done = max(c["engine_op_time_us"]["count"] + c["engine_op_time_us"].get("incomplete", 0) for c in kv)
    assert done == n, (done, n, summary)
print(r["spec"]["name"], sys.argv[3], "ok:", r["kv_traces"][0]["requests_per_s"], "req/s replayed")
PY
  done
done
# A plan with a replayed trace (kv_traces, the engine's replay) in the plan report's schema.
SRC="$src" "$py" - "$tmp/p5-moe-pd-flow.json" "$tmp/p5-moe-pd-packet.json" <<'PY'
import json, os, sys, jsonschema
schema = json.load(open(os.path.join(os.environ["SRC"], "configs/schema/plan-report.schema.json")))
for p in sys.argv[1:]:
    jsonschema.validate(json.load(open(p)), schema)
print("ok   traced plans validate against plan-report.schema.json")
PY
# Azure's CSV, sped up to the spec's rate: the mean rate is the spec's 20 requests/s.
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" --trace "$azure" --trace-rate-scale spec --engine analytic --format json -o "$tmp/azure.json"
"$py" -c "
import json, sys
t = json.load(open('$tmp/azure.json'))['kv_traces'][0]
assert t['format'] == 'azure-csv' and abs(t['requests_per_s'] - 20) < 1e-9 and t['rate_scale'] > 1, t
print('ok   Azure trace at the spec rate: x%.3f' % t['rate_scale'])"
# Skipping cached prefix blocks moves fewer tokens per request (Mooncake's hash_ids).
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" --trace "$mooncake" --trace-skip-cached-prefix --engine analytic --format json -o "$tmp/skip.json"
"$py" -c "
import json
a = json.load(open('$tmp/p5-moe-pd-analytic.json'))['kv_traces'][0]; b = json.load(open('$tmp/skip.json'))['kv_traces'][0]
assert b['skip_cached_prefix'] and b['prompt_tokens_mean'] < a['prompt_tokens_mean'], (a, b)
print('ok   cached prefixes skipped: mean %.0f -> %.0f tokens' % (a['prompt_tokens_mean'], b['prompt_tokens_mean']))"
# The spec's own field, relative to the spec's directory, gives the same plan as --trace.
cp "$src/configs/clusters/p5-moe-pd.json" "$tmp/spec.json"; cp "$mooncake" "$tmp/trace.jsonl"
"$py" - "$tmp/spec.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s.pop("$schema", None)
s["workloads"]["disaggregated_serving"][0]["trace"] = {"file": "trace.jsonl"}
json.dump(s, open(sys.argv[1], "w"))
PY
"$bin" plan "$tmp/spec.json" --engine analytic --format json -o "$tmp/field.json"
"$py" -c "
import json
a = json.load(open('$tmp/p5-moe-pd-analytic.json')); b = json.load(open('$tmp/field.json'))
ka = [c for g in a['groups'] for c in g['classes'] if c['class'] == 'kv_transfer']; kb = [c for g in b['groups'] for c in g['classes'] if c['class'] == 'kv_transfer']
assert [c['op_time_us'] for c in ka] == [c['op_time_us'] for c in kb], (ka, kb)
print('ok   the spec field replays the same trace')"
"$bin" simulate "$src/configs/clusters/p5-moe-pd.json" --trace "$mooncake" --engine flow --window-ms 2000 > "$tmp/sim.txt"
grep -q "replayed from .*: its first [0-9.]* s ([0-9]* of 300 requests)" "$tmp/sim.txt" || { echo "simulate SPEC --trace: no replay"; cat "$tmp/sim.txt"; exit 1; }
# Refusals: exit 2 with the line, or the option that is missing its partner.
expect2() {
  local what=$1 want=$2; shift 2
  set +e; "$@" > "$tmp/out" 2>&1; rc=$?; set -e
  [[ $rc == 2 ]] && grep -q "$want" "$tmp/out" || { echo "$what: rc $rc"; cat "$tmp/out"; exit 1; }
  echo "ok   $what: $(head -1 "$tmp/out" | cut -c1-150)"
}
{ head -5 "$mooncake"; echo '{"timestamp": 9, "input_length": "long", "output_length": 1}'; } > "$tmp/bad.jsonl"
expect2 "a malformed Mooncake line" "at line 6: expected a JSON object with" "$bin" plan "$src/configs/clusters/p5-moe-pd.json" --trace "$tmp/bad.jsonl"
{ head -3 "$azure"; echo '2023-11-16 18:15:61.0,10'; } > "$tmp/bad.csv"
expect2 "a malformed Azure line" "at line 4: expected" "$bin" plan "$src/configs/clusters/p5-moe-pd.json" --trace "$tmp/bad.csv"
expect2 "prefix skipping without hash_ids" "prefix block ids" "$bin" plan "$src/configs/clusters/p5-moe-pd.json" --trace "$azure" --trace-skip-cached-prefix
expect2 "--trace-rate-scale alone" "applies with --trace" "$bin" plan "$src/configs/clusters/p5-moe-pd.json" --trace-rate-scale 2
expect2 "a bad rate scale" "trace-rate-scale must be" "$bin" plan "$src/configs/clusters/p5-moe-pd.json" --trace "$azure" --trace-rate-scale fast
expect2 "a trace on a training spec" "no disaggregated_serving" "$bin" plan "$src/configs/clusters/p5-llama3-70b-train.json" --trace "$azure"
expect2 "/dev/zero as a trace" "request trace" "$bin" plan "$src/configs/clusters/p5-moe-pd.json" --trace /dev/zero
# Layer-wise KV (the spec's kv_transfer): only what prefill does not hide adds to TTFT, so
# the KV time share falls; without the prefill speed it needs, the spec is refused.
"$py" - "$src/configs/clusters/p5-moe-pd.json" "$tmp/layer.json" "$tmp/layer-bad.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s.pop("$schema", None)
kv = s["workloads"]["disaggregated_serving"][0]
kv["kv_transfer"] = "layerwise"
json.dump(s, open(sys.argv[3], "w"))
kv["prefill_tokens_per_s"] = 20000
json.dump(s, open(sys.argv[2], "w"))
PY
"$bin" plan "$tmp/layer.json" --engine analytic --format json -o "$tmp/layer-plan.json"
"$py" -c "
import json
a = json.load(open('$tmp/p5-moe-pd-analytic.json')); b = json.load(open('$tmp/layer-plan.json'))
share = lambda r: [c['time_share'] for g in r['groups'] for c in g['classes'] if c['class'] == 'kv_transfer']
assert all(y < x / 5 for x, y in zip(share(a), share(b))), (share(a), share(b))
print('ok   layer-wise KV: TTFT share', share(a), '->', share(b))"
expect2 "layerwise without prefill_tokens_per_s" "/workloads/disaggregated_serving/0/prefill_tokens_per_s: expected the prefill node's prompt tokens per second" \
  "$bin" plan "$tmp/layer-bad.json"
echo ok
