#!/usr/bin/env bash
# The command table: help lists commands, typos get "did you mean", bad options exit 2.
set -uo pipefail
bin=$1; src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
grep -q "plan" <<<"$("$bin" help)" || fail "help does not list plan"
grep -q "usage: fabricplan plan SPEC" <<<"$("$bin" help plan)" || fail "help plan"
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
echo ok
