#!/usr/bin/env bash
# The command table: help lists commands, typos get "did you mean", bad options exit 2.
set -uo pipefail
bin=$1; src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
grep -q "plan" <<<"$("$bin" help)" || fail "help does not list plan"
grep -q "Usage: fabricplan plan" <<<"$("$bin" help plan)" || fail "help plan"
out=$("$bin" pln 2>&1); rc=$?
[[ $rc -eq 2 && $out == *'did you mean "plan"'* ]] || fail "typo: rc=$rc $out"
out=$("$bin" plan "$src/configs/clusters/p5-moe-pd.json" --fromat json 2>&1); rc=$?
[[ $rc -eq 2 && $out == *"did you mean --format"* ]] || fail "bad option: rc=$rc $out"
out=$("$bin" plan "$src/configs/clusters/p5-moe-pd.json" --format yaml 2>&1); rc=$?
[[ $rc -eq 2 ]] || fail "bad format value: rc=$rc"
grep -q "p6-b200.48xlarge" <<<"$("$bin" catalog)" || fail "catalog lacks p6-b200"
grep -q "DISAGREE" <<<"$("$bin" catalog --sources)" || fail "catalog --sources lacks disagreement notes"
grep -q "trn1n.32xlarge" <<<"$("$bin" catalog)" || fail "catalog lacks trn1n"
grep -q "Gbit/s per NIC" <<<"$("$bin" catalog)" || fail "catalog header lacks units"
! grep -qi "product brief" <<<"$("$bin" catalog --sources)" || fail "catalog cites an internal product brief"
"$bin" catalog --format json | /usr/bin/python3 -c "
import json, sys; j = json.load(sys.stdin)
assert j['report'] == 'fabricplan.catalog' and j['tool_version'] and len(j['instances']) >= 11, j.keys()" || fail "catalog JSON lacks report fields"
# Every command and calibrate mode answers --help and -h with exit 0, listing every option
# it accepts (from the one declaration the parser uses).
for cmd in plan expect doctor catalog simulate compare "calibrate import" "calibrate collectives" "calibrate gpu" \
           "calibrate merge" "calibrate server" "calibrate client"; do
  for flag in --help -h; do
    out=$("$bin" $cmd $flag 2>&1); rc=$?
    [[ $rc == 0 && $out == *"Options:"* ]] || fail "$cmd $flag: rc=$rc $out"
  done
done
grep -q -- "--step-budget-s S" <<<"$("$bin" calibrate client --help)" || fail "calibrate client --help lacks --step-budget-s"
grep -q -- "--flows-csv FILE" <<<"$("$bin" simulate --help)" || fail "simulate --help lacks --flows-csv"
grep -q "merge" <<<"$("$bin" calibrate --help)" || fail "calibrate --help lacks merge"
# help nosuch is an error; an abbreviated option gets its full name suggested; a
# repeated option takes its last value.
out=$("$bin" help nosuch 2>&1); rc=$?
[[ $rc == 2 && $out == *"unknown command"* ]] || fail "help nosuch: rc=$rc $out"
out=$("$bin" plan "$src/configs/clusters/p5-moe-pd.json" --calib x 2>&1); rc=$?
[[ $rc == 2 && $out == *"did you mean --calibration"* ]] || fail "--calib: rc=$rc $out"
seed=$("$bin" simulate "$src/configs/scenarios/bench-t-128-ib.json" --seed 1 --seed 2 --format json | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['seed'])")
[[ $seed == 2 ]] || fail "--seed 1 --seed 2 used seed $seed"
echo ok
