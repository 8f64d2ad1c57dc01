#!/usr/bin/env bash
# Bad input gets one message with the file, the JSON pointer, what was expected and
# what was found; exit code 2; no report file is written.
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
good="$src/configs/clusters/p5-moe-pd.json"
fails=0

# case NAME POINTER PYTHON-MUTATION (applied to `d`, the parsed good spec)
case_() {
  local name=$1 pointer=$2 mutation=$3
  local spec="$tmp/$name.json" out="$tmp/$name.report"
  "$py" -c "import json,sys; d=json.load(open('$good')); $mutation; json.dump(d, open('$spec','w'))"
  set +e
  "$bin" plan "$spec" --format json -o "$out" 2>"$tmp/err" >/dev/null
  local rc=$?
  set -e
  local msg; msg=$(cat "$tmp/err")
  local ok=1
  [[ $rc -eq 2 ]] || { echo "FAIL $name: exit $rc, want 2" >&2; ok=0; }
  [[ $(wc -l <"$tmp/err") -eq 1 ]] || { echo "FAIL $name: want one line, got: $msg" >&2; ok=0; }
  [[ $msg == *"$spec"* ]] || { echo "FAIL $name: file not named: $msg" >&2; ok=0; }
  [[ $msg == *"at $pointer:"* ]] || { echo "FAIL $name: pointer $pointer not in: $msg" >&2; ok=0; }
  [[ $msg == *"expected"*"found"* ]] || { echo "FAIL $name: no expected/found: $msg" >&2; ok=0; }
  [[ ! -e $out ]] || { echo "FAIL $name: report file written" >&2; ok=0; }
  if compgen -G "$tmp/*.tmp.*" >/dev/null; then echo "FAIL $name: temporary file left" >&2; ok=0; fi
  ((ok)) && echo "ok $name: $msg" || fails=$((fails + 1))
}

case_ unknown_top_key      "/nodegroups"                         "d['nodegroups']=d.pop('node_groups')"
case_ unknown_nested_key   "/workloads/disaggregated_serving/0/requests_per_sec" \
      "w=d['workloads']['disaggregated_serving'][0]; w['requests_per_sec']=w.pop('requests_per_s')"
case_ wrong_type_count     "/node_groups/0/count"               "d['node_groups'][0]['count']='four'"
case_ wrong_type_layers    "/workloads/disaggregated_serving/0/layers" "d['workloads']['disaggregated_serving'][0]['layers']=[80]"
case_ negative_rate        "/workloads/disaggregated_serving/0/requests_per_s" "d['workloads']['disaggregated_serving'][0]['requests_per_s']=-5"
case_ zero_rate            "/workloads/moe_expert_parallel/0/steps_per_s" "d['workloads']['moe_expert_parallel'][0]['steps_per_s']=0"
case_ unknown_instance     "/node_groups/1/instance_type"       "d['node_groups'][1]['instance_type']='p5.48xlarg'"
case_ unknown_group_ref    "/workloads/moe_expert_parallel/0/groups/0" "d['workloads']['moe_expert_parallel'][0]['groups']=['decoders']"
case_ split_too_many       "/nic_split/groups/decode/collective_interfaces" \
      "d['nic_split']={'policy':'explicit','groups':{'prefill':{'shared':True},'decode':{'kv_interfaces':8,'collective_interfaces':30}}}"
case_ split_unknown_group  "/nic_split/groups/decoder" \
      "d['nic_split']={'policy':'explicit','groups':{'decoder':{'shared':True}}}"
case_ bad_dtype            "/workloads/moe_expert_parallel/0/dispatch_dtype" "d['workloads']['moe_expert_parallel'][0]['dispatch_dtype']='fp4x'"
case_ p99_below_mean       "/workloads/disaggregated_serving/0/prompt_tokens_p99" "d['workloads']['disaggregated_serving'][0]['prompt_tokens_p99']=100"
case_ slo_negative          "/slo/tpot_ms"                      "d['slo']['tpot_ms']=-50"
case_ slo_unknown_key       "/slo/ttft_ms"                      "d['slo']['ttft_ms']=d['slo'].pop('ttft_p99_ms')"
case_ training_on_decode    "/workloads/training/0/group" \
      "d['workloads']['training']=[{'group':'decode','parameters':7e10,'micro_batch_tokens':8192,'hidden_size':8192,'step_time_ms':9000}]"
case_ training_tp_too_wide  "/workloads/training/0/tp" \
      "d['node_groups'][0]['role']='training'; d['workloads']={'training':[{'group':'prefill','tp':16,'parameters':7e10,'micro_batch_tokens':8192,'hidden_size':8192,'step_time_ms':9000}]}"
case_ training_pp_not_dividing "/workloads/training/0/pp" \
      "d['node_groups'][0]['role']='training'; d['node_groups'][0]['count']=3; d['workloads']={'training':[{'group':'prefill','pp':2,'parameters':7e10,'micro_batch_tokens':8192,'hidden_size':8192,'step_time_ms':9000}]}"

# An unreadable file and a syntax error.
for kind in missing syntax; do
  spec="$tmp/$kind.json"; out="$tmp/$kind.report"
  [[ $kind == syntax ]] && printf '{\n "name": "x",\n }' >"$spec"
  set +e; "$bin" plan "$spec" -o "$out" 2>"$tmp/err" >/dev/null; rc=$?; set -e
  msg=$(cat "$tmp/err")
  if [[ $rc -eq 2 && $msg == *"$spec"* && $msg == *expected*found* && ! -e $out ]]; then
    echo "ok $kind: $msg"
  else
    echo "FAIL $kind: rc=$rc msg=$msg" >&2; fails=$((fails + 1))
  fi
done

# A bad calibration profile is refused the same way.
printf '{"profile_version": 1, "provenance": {}, "nics": [{"name": "r0", "latency_us": 5, "bandwidth_bytes_per_s": -1}]}' >"$tmp/prof.json"
set +e; "$bin" plan "$good" --calibration "$tmp/prof.json" -o "$tmp/x" 2>"$tmp/err" >/dev/null; rc=$?; set -e
if [[ $rc -eq 2 ]] && grep -q "at /nics/0/bandwidth_bytes_per_s:" "$tmp/err" && [[ ! -e $tmp/x ]]; then
  echo "ok bad_profile: $(cat "$tmp/err")"
else
  echo "FAIL bad_profile: rc=$rc $(cat "$tmp/err")" >&2; fails=$((fails + 1))
fi
exit $((fails > 0))
