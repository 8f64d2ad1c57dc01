#!/usr/bin/env bash
# Inputs that used to crash, hang, read the wrong thing or replace files (issue 15's
# findings, each rebuilt from its description): every one now ends with exit 2 and a
# message naming the field or line, and -o never replaces what is not a regular file.
set -uo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect2() {  # expect2 NAME PATTERN CMD...: exit 2 and PATTERN in stderr, within 60 s
  local name=$1 pattern=$2; shift 2
  timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [[ $rc == 2 ]] && grep -q -- "$pattern" "$tmp/err" || fail "$name: rc $rc: $(head -c 300 "$tmp/err")"
  echo "ok   $name: $(head -c 160 "$tmp/err")"
}
perm="$src/configs/scenarios/perm/perm_128_hpl8_seed1.txt"
scenario() {  # scenario OUT PYTHON-EXPR-ON-s
  /usr/bin/python3 - "$src/configs/scenarios/bench-t-128-ib.json" "$1" "$perm" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["traffic"][0]["permutation_file"] = sys.argv[3]
exec(sys.argv[4]); json.dump(s, open(sys.argv[2], "w"))
PY
}
# A log line of 100,000 characters (std::regex recursed per character: segfault).
printf '# nThread 1\n%100000s\n' '' > "$tmp/long.log"
expect2 "100,000-character log line" "out-of-place" "$bin" calibrate import "$tmp/long.log" -o "$tmp/x.json"
# "# Avg bus bandwidth : ." (a raw "stod" and exit 1).
printf '#  out-of-place in-place\n 8 2 float sum -1 1.0 0.00 0.00 0 1.0 0.00 0.00 0\n# Avg bus bandwidth : .\n' > "$tmp/avg.log"
expect2 "Avg bus bandwidth without a number" "at line 3" "$bin" calibrate import "$tmp/avg.log" -o "$tmp/x.json"
# 400,000 levels of nesting (stack overflow in the parser).
/usr/bin/python3 -c "print('{\"a\":' + '[' * 400000 + ']' * 400000 + '}')" > "$tmp/deep.json"
expect2 "deeply nested JSON" "nested at most" "$bin" plan "$tmp/deep.json"
expect2 "deeply nested profile" "nested at most" "$bin" calibrate merge "$tmp/deep.json" "$tmp/deep.json" -o "$tmp/m.json"
# 1e999 in a spec (json.exception.out_of_range.406 and exit 1).
sed 's/"count": 4/"count": 1e999/' "$src/configs/clusters/p5-moe-pd.json" > "$tmp/inf.json"
expect2 "1e999 in a spec" "numbers a double can hold" "$bin" plan "$tmp/inf.json"
# link_gbit_per_s 16000 (SIGFPE: zero picoseconds per byte).
scenario "$tmp/fast.json" 's["topology"]["link_gbit_per_s"] = 16000'
expect2 "16000 Gbit/s links" "/topology/link_gbit_per_s" "$bin" simulate "$tmp/fast.json"
# A message of 2^38 bytes in 64-byte packets (silently 5 packets).
scenario "$tmp/huge.json" 's["traffic"][0]["bytes"] = 274877907264; s["traffic"][0]["mtu_payload_bytes"] = 64'
expect2 "2^32+ packets in one message" "/traffic/0/bytes" "$bin" simulate "$tmp/huge.json"
# permutation_file naming /etc/passwd (its first line quoted), /dev/zero (4 GB read), an
# empty file and a directory (0 flows and exit 0).
scenario "$tmp/pw.json" 's["traffic"][0]["permutation_file"] = "/etc/passwd"'
expect2 "/etc/passwd as pairs" "not two integers" "$bin" simulate "$tmp/pw.json"
! grep -q "root" "$tmp/err" || fail "the error quotes /etc/passwd"
scenario "$tmp/dz.json" 's["traffic"][0]["permutation_file"] = "/dev/zero"'
expect2 "/dev/zero as pairs" "regular file" "$bin" simulate "$tmp/dz.json"
: > "$tmp/empty.txt"
scenario "$tmp/em.json" 's["traffic"][0]["permutation_file"] = "'"$tmp"'/empty.txt"'
expect2 "empty pairs file" "at least one" "$bin" simulate "$tmp/em.json"
scenario "$tmp/dir.json" 's["traffic"][0]["permutation_file"] = "'"$tmp"'"'
expect2 "a directory as pairs" "regular file" "$bin" simulate "$tmp/dir.json"
# A log of 1200 rows (the alpha-beta fit was O(n^3): over a minute): imports in seconds.
/usr/bin/python3 - "$tmp/all_reduce_1200.log" <<'PY'
import sys
rows = ["#  out-of-place in-place"]
for i in range(1, 1201):
    b = 8 * i; t = 10 + b / 1e9 * 1e6; alg = b / t / 1e3
    rows.append(f"{b} {b // 4} float sum -1 {t:.2f} {alg:.2f} {alg * 1.75:.2f} 0 {t:.2f} {alg:.2f} {alg * 1.75:.2f} 0")
rows.append("# Avg bus bandwidth : 1.0")
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY
timeout 10 "$bin" calibrate import "$tmp/all_reduce_1200.log" -o "$tmp/rows.json" 2>/dev/null || fail "a 1200-row log did not import within 10 s"
echo "ok   a 1200-row log imports in seconds"
# A MoE workload naming its group twice (counted its nodes twice; overflowed the sum).
/usr/bin/python3 - "$src/configs/clusters/p5-moe-pd.json" "$tmp/dup.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["workloads"]["moe_expert_parallel"][0]["groups"] = ["decode", "decode"]
json.dump(s, open(sys.argv[2], "w"))
PY
expect2 "a group listed twice" "groups/1: expected each group once" "$bin" plan "$tmp/dup.json"
# A spec rate of 1e300 (plan wrote null into number fields) is refused; a spec at the
# bounds plans to a report that follows its schema.
/usr/bin/python3 - "$src/configs/clusters/p5-moe-pd.json" "$tmp/r300.json" "$tmp/rmax.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); w = s["workloads"]["disaggregated_serving"][0]
w["requests_per_s"] = 1e300; json.dump(s, open(sys.argv[2], "w"))
w["requests_per_s"] = 1e9; w["prompt_tokens_mean"] = 1e9; w["prompt_tokens_p99"] = 1e9; json.dump(s, open(sys.argv[3], "w"))
PY
expect2 "requests_per_s 1e300" "requests_per_s: expected a number in" "$bin" plan "$tmp/r300.json"
"$bin" plan "$tmp/rmax.json" --format json -o "$tmp/rmax.out.json" || fail "a spec at the bounds did not plan"
/usr/bin/python3 -c "
import json, jsonschema
jsonschema.Draft202012Validator(json.load(open('$src/configs/schema/plan-report.schema.json'))).validate(json.load(open('$tmp/rmax.out.json')))" \
  || fail "a spec at the bounds gave a report outside its schema"
echo "ok   a spec at the bounds plans within the report schema"
# Absurd sizes and times, refused before anything is allocated, with the estimate.
mix() {  # mix OUT PYTHON-EXPR-ON-s: the shipped mixture, changed
  /usr/bin/python3 - "$src/configs/scenarios/mix-rail-kv-moe-allreduce.json" "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); exec(sys.argv[3]); json.dump(s, open(sys.argv[2], "w"))
PY
}
mix "$tmp/kv.json" 's["traffic"][0]["rate_per_s"] = 1e8'
expect2 "KV at 1e8 requests/s" "estimated .* events" "$bin" simulate "$tmp/kv.json"
mix "$tmp/start.json" 's["traffic"][1]["start_us"] = 1e13'
expect2 "start_us 1e13" "/traffic/1/start_us" "$bin" simulate "$tmp/start.json"
mix "$tmp/win.json" 's["traffic"][1]["transport_params"] = {"min_window_packets": 1e-300}'
expect2 "min_window_packets 1e-300" "min_window_packets" "$bin" simulate "$tmp/win.json"
mix "$tmp/ring.json" 's["topology"] = {"kind": "leaf_spine", "leaves": 1024, "hosts_per_leaf": 64, "spines": 64}; s["traffic"] = [{"class": "ar", "kind": "message", "pattern": "ring_allreduce", "transport": "srd", "ranks": {"first": 0, "count": 65536}, "bytes": 1048576}]'
expect2 "a 65,536-rank ring" "estimated 8589803520" "$bin" simulate "$tmp/ring.json"
mix "$tmp/ls.json" 's["topology"] = {"kind": "leaf_spine", "leaves": 4096, "hosts_per_leaf": 4096, "spines": 4096}'
expect2 "leaf-spine 4096^3" "at most 262144 endpoints" "$bin" simulate "$tmp/ls.json"
# IB with a failed link and no reroute (ran toward 2^63 ps): ends at the run limit and
# says which flows did not complete.
/usr/bin/python3 - "$src/configs/scenarios/fault-128-ib.json" "$tmp/noreroute.json" "$perm" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["traffic"][0]["permutation_file"] = sys.argv[3]
s["faults"][0].pop("reroute_after_us", None); s["limits"] = {"max_simulated_s": 20}
json.dump(s, open(sys.argv[2], "w"))
PY
timeout 60 "$bin" simulate "$tmp/noreroute.json" > "$tmp/out" 2>&1; rc=$?
[[ $rc == 0 ]] && grep -q "stopped at the run's limit of 20" "$tmp/out" && grep -q "flows did not complete" "$tmp/out" \
  || fail "no-reroute IB run: rc $rc $(cat "$tmp/out")"
echo "ok   IB without a reroute ends at its limit and names what did not complete"
# -o /dev/null is written, not replaced by a regular file; a symlink is written through.
"$bin" catalog > /dev/null
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" -o /dev/null || fail "-o /dev/null"
[[ -c /dev/null ]] || fail "/dev/null is no longer a character device"
echo old > "$tmp/target.txt"; ln -s "$tmp/target.txt" "$tmp/link.txt"
"$bin" plan "$src/configs/clusters/p5-moe-pd.json" -o "$tmp/link.txt" || fail "-o through a symlink"
[[ -L $tmp/link.txt ]] && grep -q "p5-moe-pd" "$tmp/target.txt" || fail "the symlink was replaced instead of written through"
[[ -z $(find "$tmp" -maxdepth 1 -name '.target.txt.*' -o -maxdepth 1 -name 'link.txt.tmp*') ]] || fail "temporary files left behind"
echo "ok   -o /dev/null and -o through a symlink"
# --- Second campaign (issue 26) ---------------------------------------------------------
spec="$src/configs/clusters/p5-moe-pd.json"
# /dev/zero wherever a file is read: refused at the size limit, within seconds.
expect2 "/dev/zero as SPEC" "of at most 64 MiB" "$bin" plan /dev/zero
expect2 "/dev/zero as --catalog" "of at most 64 MiB" "$bin" compare "$spec" --catalog /dev/zero --window-ms 2
expect2 "/dev/zero as FABRICPLAN_CATALOG" "of at most 64 MiB" env FABRICPLAN_CATALOG=/dev/zero "$bin" plan "$spec"
expect2 "/dev/zero as --calibration" "of at most 64 MiB" "$bin" plan "$spec" --calibration /dev/zero
expect2 "/dev/zero as SCENARIO" "of at most 64 MiB" "$bin" simulate /dev/zero
expect2 "/dev/zero as SWEEP" "of at most 64 MiB" "$bin" sweep /dev/zero
expect2 "/dev/zero as PROFILE to merge" "of at most 64 MiB" "$bin" calibrate merge /dev/zero /dev/zero -o "$tmp/m.json"
expect2 "/dev/zero as --from" "of at most 64 MiB" "$bin" calibrate collectives --from /dev/zero -o "$tmp/c.json"
expect2 "/dev/zero as a log to import" "of at most 512 MiB" "$bin" calibrate import /dev/zero -o "$tmp/i.json"
expect2 "/dev/zero as a log to doctor" "of at most 512 MiB" "$bin" doctor /dev/zero --instance p5.48xlarge
/usr/bin/python3 - "$spec" "$tmp/speccal.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["calibration"] = "/dev/zero"; json.dump(s, open(sys.argv[2], "w"))
PY
expect2 "/dev/zero as a spec's calibration" "of at most 64 MiB" "$bin" plan "$tmp/speccal.json"
/usr/bin/python3 - "$src/configs/sweeps/sizing-moe-pd.json" "$tmp/sweepzero.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["base"] = "/dev/zero"; json.dump(s, open(sys.argv[2], "w"))
PY
expect2 "/dev/zero as a sweep's base" "of at most 64 MiB" "$bin" sweep "$tmp/sweepzero.json"
[[ -z $(ls "$tmp"/*.json.cells 2>/dev/null) ]] || fail "a refused sweep left cells behind"
# 400,000 objects in an array (4 MB; the callback parser took 135 s): refused in seconds.
/usr/bin/python3 -c "import json; open('$tmp/wide.json', 'w').write(json.dumps({'x': [{'a': 1}] * 400000}))"
start=$SECONDS
expect2 "4 MB array of objects" 'unknown key "x"' "$bin" plan "$tmp/wide.json"
(( SECONDS - start <= 10 )) || fail "a 4 MB array took $((SECONDS - start)) s to refuse"
# A cluster spec's links past what any engine represents (SIGFPE at 16001 Gbit/s).
/usr/bin/python3 - "$spec" "$tmp/fastspec.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["fabric"]["link_gbit_per_s"] = 16001; json.dump(s, open(sys.argv[2], "w"))
PY
expect2 "16001 Gbit/s spec links" "/fabric/link_gbit_per_s: expected a number in \[0.001, 8000\]" "$bin" compare "$tmp/fastspec.json"
# calibrate collectives --from: every field checked (a sweep row {} was a SIGSEGV).
bench() { echo "{\"available\": true, \"gpus\": 2, \"collectives\": [{\"op\": \"all_reduce\", \"ranks\": 2, \"sweep\": [$1]}]}" > "$tmp/bench.json"; }
bench '{}'
expect2 "--from: an empty sweep row" "/collectives/0/sweep/0/bytes" "$bin" calibrate collectives --from "$tmp/bench.json" -o "$tmp/c.json"
bench '{"bytes": 1024, "time_us": -5, "algbw_bytes_per_s": 1, "busbw_bytes_per_s": 1}'
expect2 "--from: a negative time" "/collectives/0/sweep/0/time_us" "$bin" calibrate collectives --from "$tmp/bench.json" -o "$tmp/c.json"
bench '{"bytes": "big", "time_us": 5, "algbw_bytes_per_s": 1, "busbw_bytes_per_s": 1}'
expect2 "--from: a size that is a string" "/collectives/0/sweep/0/bytes: expected an integer" "$bin" calibrate collectives --from "$tmp/bench.json" -o "$tmp/c.json"
/usr/bin/python3 -c "print('{\"available\": true, \"collectives\": ' + '[' * 100000 + ']' * 100000 + '}')" > "$tmp/deepbench.json"
expect2 "--from: 100,000 levels" "nested at most" "$bin" calibrate collectives --from "$tmp/deepbench.json" -o "$tmp/c.json"
[[ ! -e $tmp/c.json ]] || fail "a refused --from wrote a profile"
# A non-UTF-8 byte in a log line that reaches the profile (type_error.316, exit 1).
sed 's/^NCCL version 2.21.5/NCCL version 2.21.5\xff/' "$src/tests/data/calib/all_reduce_perf_8xH100.txt" > "$tmp/all_reduce_latin1.txt"
expect2 "a non-UTF-8 byte in a log" "line 12: expected UTF-8 text" "$bin" calibrate import "$tmp/all_reduce_latin1.txt" -o "$tmp/i.json"
# An average bus bandwidth of 1e308 GB/s (written as null).
sed 's/^# Avg bus bandwidth    : 122.478/# Avg bus bandwidth    : 1e308/' "$src/tests/data/calib/all_reduce_perf_8xH100.txt" > "$tmp/all_reduce_huge.txt"
expect2 "avg busbw 1e308" "line 26" "$bin" calibrate import "$tmp/all_reduce_huge.txt" -o "$tmp/i.json"
[[ ! -e $tmp/i.json ]] || fail "a refused log wrote a profile"
# A report that cannot be written to stdout is an error (it was exit 0, report lost).
"$bin" plan "$spec" > /dev/full 2>"$tmp/err"; rc=$?
[[ $rc == 1 ]] && grep -q "standard output" "$tmp/err" || fail "plan > /dev/full: rc $rc $(cat "$tmp/err")"
"$bin" plan "$spec" >&- 2>"$tmp/err"; rc=$?
[[ $rc == 1 ]] || fail "plan >&-: rc $rc"
echo "ok   a report to a full or closed stdout: exit 1, said"
# -o honours the umask, and an existing file keeps its mode.
(umask 077; "$bin" plan "$spec" -o "$tmp/private.txt") || fail "-o under umask 077"
[[ $(stat -c %a "$tmp/private.txt") == 600 ]] || fail "-o under umask 077 gave mode $(stat -c %a "$tmp/private.txt")"
chmod 640 "$tmp/private.txt"; "$bin" plan "$spec" -o "$tmp/private.txt" || fail "-o over an existing file"
[[ $(stat -c %a "$tmp/private.txt") == 640 ]] || fail "-o changed an existing file's mode to $(stat -c %a "$tmp/private.txt")"
echo "ok   -o keeps the umask's mode and an existing file's"
# Runs refused from their estimate before anything is built (a 66.9 M-transfer schedule
# was built, 4.5 GB, before the refusal; a 1,600-node packet plan ran for 10 minutes).
start=$SECONDS
expect2 "a 500 s window of 3.3e8 transfers" "estimated .* GiB for 3.3.e+08 transfers" \
  "$bin" simulate "$spec" --max-transfers 50000000 --window-ms 500000
(( SECONDS - start <= 10 )) || fail "the refusal took $((SECONDS - start)) s (was the schedule built first?)"
/usr/bin/python3 - "$src/configs/clusters/p5-llama3-70b-train.json" "$tmp/train1600.json" "$tmp/train160.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["node_groups"][0]["count"] = 1600; s["workloads"]["training"][0]["tp"] = 4
json.dump(s, open(sys.argv[2], "w"))
s = json.load(open(sys.argv[1])); s["node_groups"][0]["count"] = 160; json.dump(s, open(sys.argv[3], "w"))
PY
timeout 120 "$bin" plan "$tmp/train1600.json" --engine packet > "$tmp/out" 2>&1 || fail "1,600-node packet plan: $(tail -3 "$tmp/out")"
grep -q "packet engine not run: about .* packet events" "$tmp/out" || fail "1,600-node packet plan ran the engine: $(grep -i engine "$tmp/out")"
echo "ok   a 1,600-node packet plan: $(grep -o 'packet engine not run: [^;]*' "$tmp/out")"
timeout 120 "$bin" compare "$tmp/train160.json" --window-ms 1 --max-transfers 500 > "$tmp/out" 2>&1 || fail "160-node compare: $(tail -3 "$tmp/out")"
# One EFA slice and one per IB recovery model (self-healing, sm, none), each refused.
(( $(grep -Ec "^  (EFA|IB) \(.*\): not run: about .* packet events" "$tmp/out") == 4 )) || fail "160-node compare ran its link-failure slice: $(grep -A5 'link failure' "$tmp/out")"
echo "ok   a 160-node compare: both link-failure slices refused from their estimates"
/usr/bin/python3 - "$src/configs/scenarios/bench-t-128-srd.json" "$tmp/rep.json" "$perm" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["traffic"][0]["permutation_file"] = sys.argv[3]
s["traffic"] = s["traffic"] * 10001; json.dump(s, open(sys.argv[2], "w"))
s["traffic"] = s["traffic"][:1000]; s["traffic"][0]["bytes"] = 20000000; json.dump(s, open(sys.argv[2] + ".1000", "w"))
PY
expect2 "one traffic entry 10,001 times" "/traffic: expected an array of at most 1024 items" "$bin" simulate "$tmp/rep.json"
expect2 "1,000 entries past the event limit" "at most 2000000000 events .* found an estimated 43" "$bin" simulate "$tmp/rep.json.1000"
# 100,000 node groups or traffic entries (14-53 s to refuse; 100,000 tiny entries ran for
# minutes): bounded lists, refused at once; a message names at most 20 of a file's names.
/usr/bin/python3 - "$spec" "$tmp/groups.json" "$tmp/groups200.json" "$src/configs/scenarios/bench-t-128-srd.json" "$tmp/entries.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); g = s["node_groups"][0]
s["node_groups"] = [dict(g, name=f"g{i}") for i in range(100000)]; json.dump(s, open(sys.argv[2], "w"))
s["node_groups"] = s["node_groups"][:200]; json.dump(s, open(sys.argv[3], "w"))
t = json.load(open(sys.argv[4]))
t["traffic"] = [{"class": "x", "kind": "message", "pattern": "pairs", "pairs": [[0, 1]], "bytes": 1000, "transport": "srd"}] * 100000
json.dump(t, open(sys.argv[5], "w"))
PY
expect2 "100,000 node groups" "/node_groups: expected an array of at most 256 items" "$bin" plan "$tmp/groups.json"
expect2 "100,000 traffic entries" "/traffic: expected an array of at most 1024 items" "$bin" simulate "$tmp/entries.json"
expect2 "a missing group among 200" '"g19", ... (200 in all)' "$bin" plan "$tmp/groups200.json"
echo ok
