#!/usr/bin/env bash
# Every example spec plans in every format; the JSON report, the specs and the catalog
# validate against their schemas; -o writes the file and nothing else.
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
validate() {  # schema document
  "$py" - "$1" "$2" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors: print(f"{sys.argv[2]}: {list(e.path)}: {e.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}
validate "$src/configs/schema/catalog.schema.json" "$src/configs/catalog/instances.json"
n=0
for spec in "$src"/configs/clusters/*.json; do
  validate "$src/configs/schema/cluster.schema.json" "$spec"
  base=$(basename "$spec" .json)
  for fmt in text md json html; do
    out="$tmp/$base.$fmt"
    "$bin" plan "$spec" --format "$fmt" -o "$out"
    [[ -s "$out" ]] || { echo "empty $fmt report for $spec" >&2; exit 1; }
    n=$((n + 1))
  done
  validate "$src/configs/schema/plan-report.schema.json" "$tmp/$base.json"
  grep -q '^| class | demand |' "$tmp/$base.md" || { echo "no Markdown table in $base.md" >&2; exit 1; }
  grep -q 'id="report-data"' "$tmp/$base.html" && grep -q 'new Chart' "$tmp/$base.html"
  # Text goes to the terminal by default.
  # (captured first: grep -q closing the pipe early would fail the pipeline under pipefail)
  text=$("$bin" plan "$spec")
  grep -q "overall verdict:" <<<"$text"
done
# No temporary files left next to the outputs.
if compgen -G "$tmp/*.tmp.*" >/dev/null; then echo "temporary files left behind" >&2; exit 1; fi
# The verdicts the brief states, read from the JSON report.
"$py" - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
p4d = json.load(open(f"{d}/p4d-moe-pd.json")); p5 = json.load(open(f"{d}/p5-moe-pd.json"))
def verdicts(r): return {(g["name"], c["class"]): c["verdict"] for g in r["groups"] for c in g["classes"]}
# p4d: MoE dispatch + combine per decode step exceeds the 50 ms TPOT (time, not only
# bandwidth, is the reason); p5: every class comfortable, in time too.
def cls(r, g, c): return next(x for grp in r["groups"] if grp["name"] == g for x in grp["classes"] if x["class"] == c)
moe = cls(p4d, "decode", "moe_all2all")
assert moe["verdict"] == "insufficient" and moe["time_verdict"] == "insufficient", moe
assert moe["time_budget"] == "slo.tpot_ms" and moe["time_budget_us"] == 50000 and moe["time_share"] >= 1, moe
assert moe["op_time_us"]["p99"] >= 50000 and "step" in moe["op"], moe
assert cls(p4d, "decode", "kv_transfer")["verdict"] in ("tight", "insufficient"), verdicts(p4d)
assert all(v == "comfortable" for v in verdicts(p5).values()), verdicts(p5)
kv5 = cls(p5, "decode", "kv_transfer")
assert kv5["time_budget"] == "slo.ttft_p99_ms" and kv5["time_share"] < 0.1, kv5
assert kv5["engine_op_time_us"]["count"] > 0 and p5["engine"]["kind"] == "flow", kv5
assert all(g["busiest_links"] for g in p5["groups"]), [g["busiest_links"] for g in p5["groups"]]
PY
# --fail-on for CI pipelines: p4d is insufficient (exit 3 on both), p5 passes.
set +e
"$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --fail-on tight >/dev/null 2>&1; rc_tight=$?
"$bin" plan "$src/configs/clusters/p4d-moe-pd.json" --fail-on insufficient >/dev/null 2>&1; rc_insufficient=$?
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" --fail-on tight >/dev/null 2>&1; rc_p5=$?
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" --fail-on tite >/dev/null 2>&1; rc_bad=$?
set -e
[[ $rc_tight == 3 && $rc_insufficient == 3 && $rc_p5 == 0 && $rc_bad == 2 ]] \
  || { echo "--fail-on: tight $rc_tight, insufficient $rc_insufficient, p5 $rc_p5, bad $rc_bad"; exit 1; }
# A KV pool past its capacity (rho >= 1 on every split): its p99 is "unbounded" in text
# and Markdown and null with the reason in JSON, never a finite figure.
"$py" -c "
import json; s = json.load(open('$src/configs/clusters/p5-moe-pd.json'))
s['workloads']['disaggregated_serving'][0]['requests_per_s'] = 5000; json.dump(s, open('$tmp/hot.json', 'w'))"
"$bin" plan "$tmp/hot.json" --engine analytic > "$tmp/hot.txt"
"$bin" plan "$tmp/hot.json" --engine analytic --format md > "$tmp/hot.md"
"$bin" plan "$tmp/hot.json" --engine analytic --format json -o "$tmp/hot.out.json"
grep -q "kv_transfer .* unbounded" "$tmp/hot.txt" && grep -q "| unbounded |" "$tmp/hot.md" || { echo "no unbounded p99 in text/Markdown"; exit 1; }
validate "$src/configs/schema/plan-report.schema.json" "$tmp/hot.out.json"
"$py" - "$tmp/hot.out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
kv = [c for g in r["groups"] for c in g["classes"] if c["class"] == "kv_transfer"]
assert kv and all(c["op_time_us"]["p99"] is None and "rho" in c["p99_unbounded"] for c in kv), kv
PY
echo "ok: an unstable KV pool's p99 is unbounded in every format"
# An engine column never vanishes: a window too short to time a class says so in its cell
# (the README's own example, --engine packet --window-ms 5, times no MoE step).
out=$("$bin" plan "$src/configs/clusters/p5-moe-pd.json" --engine packet --window-ms 5)
grep -q "engine p50 / p99" <<<"$out" && grep -Eq "^  moe_all2all .*none in the 5.00 ms window" <<<"$out" \
  || { echo "the packet run's engine column vanished"; echo "$out" | head -30; exit 1; }
echo "ok: a class the engine could not time says so in its cell"

# --threads: the plan's packet run partitioned by edge switch; one result on 2 and 3
# threads (the summary says how it ran), and close to the one-thread run (its times may
# differ only by the order of simultaneous events and per-lane draws: within 1%).
for t in 1 2 3; do "$bin" plan "$src/configs/clusters/p5-moe-pd.json" --engine packet --threads $t --format json -o "$tmp/plan-t$t.json"; done
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
plans = {t: json.load(open(f"{tmp}/plan-t{t}.json")) for t in (1, 2, 3)}
assert "partitioned: 6 lanes on 2 threads" in plans[2]["engine"]["summary"], plans[2]["engine"]["summary"]
for p in plans.values():
    p.pop("tool_version", None)
    p["engine"]["summary"] = p["engine"]["summary"].split("; partitioned")[0]
assert plans[2] == plans[3], "the plan's partitioned runs on 2 and 3 threads differ"
def op_times(p):
    return {(g["name"], c["class"]): c["engine_op_time_us"]["p50"] for g in p["groups"] for c in g["classes"]
            if c.get("engine_op_time_us") and c["engine_op_time_us"].get("p50") is not None}
one, two = op_times(plans[1]), op_times(plans[2])
assert one and one.keys() == two.keys(), (one, two)
for k in one:
    assert abs(two[k] - one[k]) <= 0.01 * one[k], (k, one[k], two[k])
PY
set +e; "$bin" plan "$src/configs/clusters/p5-moe-pd.json" --threads 2 2>"$tmp/err" >/dev/null; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q -- "--threads applies to the packet engine" "$tmp/err" || { echo "--threads with the flow engine: rc=$rc $(cat "$tmp/err")"; exit 1; }
echo "ok: plan --engine packet --threads N"
echo "ok: $n reports"
