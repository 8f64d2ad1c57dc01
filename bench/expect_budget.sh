#!/usr/bin/env bash
# The budget of `expect --engine packet` (issue: the packet engine tells the truth about
# SRD): p5 x 32 nodes, alltoall at 256 MiB, on one core in under 60 s and 2 GB. Prints the
# wall time, peak memory and events of that run, and of the flow engine's whole default
# sweep at 32 nodes (all_reduce, 8 B .. 8 GiB), and checks the targets. Exit 1 if a target
# is missed. One core (taskset), whole-process wall time; the machine may be shared, so
# quote ratios of one run, not absolute times across runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/fabricplan
[[ -x $bin ]] || scripts/setup.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() {  # name, target seconds, target MB, expect args...
  local name=$1 wall_target=$2 mb_target=$3; shift 3
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$tmp/rss" taskset -c 0 "$bin" expect "$@" --format json -o "$tmp/out.json"
  t1=$(date +%s.%N)
  local wall mb packets
  wall=$(echo "$t1 - $t0" | bc -l)
  mb=$(( $(cat "$tmp/rss") / 1024 ))
  packets=$(/usr/bin/python3 -c "import json; j=json.load(open('$tmp/out.json')); print(sum(r['engine_detail']['packets_sent'] for r in j['rows']))")
  local ok=ok
  (( $(echo "$wall < $wall_target" | bc -l) )) && (( mb < mb_target )) || ok=MISSED
  printf "%-44s %8.2f s (target %4s s) %6d MB (target %5d MB) %10s packets  %s\n" "$name" "$wall" "$wall_target" "$mb" \
    "$mb_target" "$packets" "$ok"
  [[ $ok == ok ]]
}
status=0
run "packet: p5 x32 alltoall 256 MiB" 60 2048 --instance p5.48xlarge --nodes 32 --op alltoall --engine packet \
  --min-bytes 256M --max-bytes 256M || status=1
run "flow: p5 x32 all_reduce 8 B .. 8 GiB" 10 2048 --instance p5.48xlarge --nodes 32 --engine flow || status=1
run "packet: p5 x32 all_reduce 32 MiB .. 256 MiB" 60 2048 --instance p5.48xlarge --nodes 32 --engine packet \
  --min-bytes 32M --max-bytes 256M || status=1
exit $status
