#!/usr/bin/env bash
# README command 2: set up, build, and run the whole test suite (what CI runs):
#   1. the release build's tests (unit, validation, e2e, fuzz replays);
#   2. the end-to-end tests again with every core kept busy (scripts/under_load.sh):
#      what waits on a fixed sleep or a tight deadline fails here instead of once in CI;
#   3. the unit and validation tests under ASan + UBSan (scripts/sanitize.sh);
#   4. every libFuzzer target for 10 s on its seed corpus (scripts/fuzz.sh).
# FABRICPLAN_QUICK=1 runs only 1 (3 and 4 build their own trees: ~5 min each here).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd build && ctest --output-on-failure -j"${FABRICPLAN_JOBS:-2}" "$@")
if [[ ${FABRICPLAN_QUICK:-0} != 1 ]]; then
  echo "== end-to-end tests under CPU load"
  # calibrate_netns measures shaped rates to 5%: a busy CPU changes what it measures,
  # not whether it waits correctly (the first pass runs it on a quiet machine).
  scripts/under_load.sh bash -c 'cd build && ctest --output-on-failure -j"${FABRICPLAN_JOBS:-2}" -L e2e -E calibrate_netns'
  echo "== unit and validation tests under ASan + UBSan"
  scripts/sanitize.sh
  echo "== fuzzing, 10 s per target"
  scripts/fuzz.sh 10
fi
