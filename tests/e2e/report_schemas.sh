#!/usr/bin/env bash
# Every JSON report carries report, report_version and tool_version and follows its
# schema in configs/schema/: real outputs of plan, simulate (both engines, a scenario and
# a spec), compare (a scenario and a spec),
# catalog, expect, doctor and calibrate are validated here.
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" --format json -o "$tmp/plan.json"
"$bin" simulate "$src/configs/scenarios/bench-t-128-srd.json" --format json -o "$tmp/simulate-packet.json"
# Partitioned (engine.partition with its lanes) and one that stays sequential (and says why).
"$bin" simulate "$src/configs/scenarios/bench-t-128-srd.json" --threads 2 --format json -o "$tmp/simulate-threads.json"
"$bin" simulate "$src/configs/scenarios/fault-128-srd.json" --threads 2 --format json -o "$tmp/simulate-threads-seq.json"
"$bin" simulate "$src/configs/scenarios/mix-rail-kv-moe-allreduce.json" --engine flow --format json -o "$tmp/simulate-flow.json"
"$bin" compare "$src/configs/scenarios/bench-t-128-ib.json" --format json -o "$tmp/compare.json"
"$bin" compare "$src/configs/clusters/p5-moe-pd.json" --format json -o "$tmp/compare-spec.json"
"$bin" simulate "$src/configs/clusters/p4d-moe-pd.json" --format json -o "$tmp/simulate-spec.json"
"$bin" catalog --format json > "$tmp/catalog.json"
"$bin" expect --instance p5.48xlarge --nodes 2 --format json -o "$tmp/expect.json"
"$bin" expect --instance ib-dgx-h100 --nodes 4 --op moe_dispatch --mode low_latency --format json -o "$tmp/expect-moe.json"
"$bin" expect --instance p5.48xlarge --nodes 4 --engine flow --max-bytes 64M --format json -o "$tmp/expect-flow.json"
"$bin" expect --instance ib-dgx-h100 --nodes 3 --op alltoall --engine packet --min-bytes 1M --max-bytes 16M --format json -o "$tmp/expect-packet.json"
set +e; "$bin" doctor "$src/tests/data/calib/all_reduce_perf_8xH100.txt" --instance p5.48xlarge --format json -o "$tmp/doctor.json"; set -e
"$bin" calibrate import "$src/tests/data/calib/fi_pingpong_tcp_localhost.txt" "$src/tests/data/calib/all_reduce_perf_8xH100.txt" \
  -o "$tmp/calibration.json" 2>/dev/null
/usr/bin/python3 - "$src/configs/schema" "$tmp" <<'PY'
import json, sys, os
import jsonschema
schema_dir, tmp = sys.argv[1:]
schemas = {f: json.load(open(os.path.join(schema_dir, f))) for f in os.listdir(schema_dir) if f.endswith(".json")}
# compare's schema refers to simulate's by file name (jsonschema 4.10's resolver).
store = {f: s for f, s in schemas.items()}
store.update({s["$id"]: s for s in schemas.values() if "$id" in s})
pairs = {"plan.json": "plan-report.schema.json", "simulate-packet.json": "simulate-report.schema.json",
         "simulate-flow.json": "simulate-report.schema.json", "compare.json": "compare-report.schema.json",
         "catalog.json": "catalog-report.schema.json", "expect.json": "expect-report.schema.json",
         "expect-moe.json": "expect-report.schema.json", "expect-flow.json": "expect-report.schema.json",
         "expect-packet.json": "expect-report.schema.json", "doctor.json": "doctor-report.schema.json",
         "calibration.json": "calibration.schema.json", "compare-spec.json": "compare-spec-report.schema.json",
         "simulate-spec.json": "simulate-report.schema.json", "simulate-threads.json": "simulate-report.schema.json",
         "simulate-threads-seq.json": "simulate-report.schema.json"}
for out, schema in pairs.items():
    doc = json.load(open(os.path.join(tmp, out)))
    for k in ("report", "report_version", "tool_version"):
        assert k in doc, f"{out} lacks {k}"
    resolver = jsonschema.RefResolver(base_uri=schemas[schema].get("$id", ""), referrer=schemas[schema], store=store)
    jsonschema.Draft202012Validator(schemas[schema], resolver=resolver).validate(doc)
    print(f"ok   {out} ({doc['report']} v{doc['report_version']}) follows {schema}")
part = json.load(open(os.path.join(tmp, "simulate-threads.json")))["engine"]["partition"]
assert part["lanes"] == 16 and part["threads"] == 2, part
seq = json.load(open(os.path.join(tmp, "simulate-threads-seq.json")))["engine"]["partition"]
assert "link failure" in seq["sequential_because"] and "lanes" not in seq, seq
PY
