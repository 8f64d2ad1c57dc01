#!/usr/bin/env bash
# The command table: help lists commands, typos get "did you mean", bad options exit 2.
set -uo pipefail
bin=$1; src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
"$bin" help | grep -q "plan" || fail "help does not list plan"
"$bin" help plan | grep -q "usage: fabricplan plan SPEC" || fail "help plan"
out=$("$bin" pln 2>&1); rc=$?
[[ $rc -eq 2 && $out == *'did you mean "plan"'* ]] || fail "typo: rc=$rc $out"
out=$("$bin" plan "$src/configs/clusters/p5-moe-pd.json" --fromat json 2>&1); rc=$?
[[ $rc -eq 2 && $out == *"did you mean --format"* ]] || fail "bad option: rc=$rc $out"
out=$("$bin" plan "$src/configs/clusters/p5-moe-pd.json" --format yaml 2>&1); rc=$?
[[ $rc -eq 2 ]] || fail "bad format value: rc=$rc"
"$bin" catalog | grep -q "p6-b200.48xlarge" || fail "catalog lacks p6-b200"
"$bin" catalog --sources | grep -q "DISAGREE" || fail "catalog --sources lacks disagreement notes"
echo ok
