#!/usr/bin/env bash
# The unit and validation tests under ASan + UBSan with no recovery (preset "sanitize",
# build-sanitize/). A sanitizer report fails the run. About 20 minutes to build on 2
# cores from scratch; incremental afterwards.
# --threads: instead, the tests of the partitioned packet engine (its lanes on several
# threads) under ThreadSanitizer (preset "tsan", build-tsan/): a data race fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == --threads ]]; then
  cmake --preset tsan >/dev/null
  cmake --build build-tsan -j"${FABRICPLAN_JOBS:-2}" --target unit_tests validation_tests
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  build-tsan/tests/unit_tests --gtest_filter='Partition*:PacketPool*:LaneAssignment*'
  build-tsan/tests/validation_tests --gtest_filter='PartitionedRun*'
  exit 0
fi
cmake --preset sanitize >/dev/null
cmake --build build-sanitize -j"${FABRICPLAN_JOBS:-2}" --target unit_tests validation_tests
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
build-sanitize/tests/unit_tests
build-sanitize/tests/validation_tests
