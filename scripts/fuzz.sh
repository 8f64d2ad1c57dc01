#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang, ASan, UBSan) and runs each for
# SECONDS (default 10) on a seed corpus made from configs/ and tests/data/, printing
# executions per second and what was found. A crash or sanitizer report leaves its input
# in build-fuzz/crashes/TARGET/ and fails the run: turn each into a regression test.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
command -v clang++ >/dev/null || { echo "fuzz.sh needs clang (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
cmake --preset fuzz >/dev/null
targets=(fuzz_cluster_spec fuzz_scenario fuzz_profile fuzz_logs fuzz_sweep fuzz_collectives fuzz_trace fuzz_session)
cmake --build build-fuzz -j"${FABRICPLAN_JOBS:-2}" --target "${targets[@]}" >/dev/null
seed() {  # seed TARGET FILES...: a fresh corpus directory of copies
  local dir=build-fuzz/corpus/$1; shift
  mkdir -p "$dir"
  for f in "$@"; do [[ -f $f ]] && cp "$f" "$dir/"; done
}
seed fuzz_cluster_spec configs/clusters/*.json
seed fuzz_scenario configs/scenarios/bench-t-128-*.json configs/scenarios/fault-*.json configs/scenarios/mix-*.json
seed fuzz_profile bench/gpu/results/*/profile*.json bench/gpu/results/*/gpu.json
seed fuzz_logs tests/data/calib/*.txt
seed fuzz_sweep configs/sweeps/*.json
seed fuzz_trace tests/data/traces/*.jsonl tests/data/traces/*.csv
seed fuzz_collectives bench/gpu/results/*collectives*/intra-node.json tests/fuzz/regressions/collectives/empty-sweep-row.json tests/fuzz/regressions/collectives/negative-time.json
seed fuzz_session
printf '{"fabricplan_calibrate": 1, "provider": "tcp", "rails": 2, "max_bytes": 1024, "window": 4, "names": ["00ff", "00ee"]}' \
  > build-fuzz/corpus/fuzz_session/hello.json
printf '{"step": "stream", "rail": 1, "bytes": 512, "warmup": 1, "iterations": 4, "window": 4, "timeout_s": 1}' \
  > build-fuzz/corpus/fuzz_session/step.json
status=0
for t in "${targets[@]}"; do
  [[ -x build-fuzz/tests/fuzz/$t ]] || continue
  mkdir -p "build-fuzz/crashes/$t"
  log=build-fuzz/$t.log
  if (cd build-fuzz/corpus && "../tests/fuzz/$t" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
        -artifact_prefix="../crashes/$t/" "$t" >"../$t.log" 2>&1); then
    result="no crash"
  else
    result="FOUND: $(ls "build-fuzz/crashes/$t" | head -3 | tr '\n' ' ')"; status=1
  fi
  execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  [[ -n $execs ]] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  printf '%-20s %8s executions in %s s (%6.0f/s): %s\n' "$t" "${execs:-?}" "$seconds" "$(( ${execs:-0} / seconds ))" "$result"
done
exit $status
