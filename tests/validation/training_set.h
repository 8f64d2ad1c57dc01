// The training set (tests/data/training: training.json, described in TRAINING.md) as the
// validation tests read it: its sets and, per set, each row's nodes, size and measured
// out-of-place time.
#pragma once

#include <vector>
#include <nlohmann/json.hpp>

namespace fabricplan::validation {

// null when the file is missing (the tests then skip, saying so).
nlohmann::json training_set();

struct TrainingRow {
  int nodes = 0;
  double bytes = 0, measured_us = 0, measured_busbw = 0;
};

// Both layouts of the training set: per-set `nodes` with times (sec. 1), or per-row
// `nodes` with busbw only (sec. 6; the time follows from nccl-tests' busbw definition).
std::vector<TrainingRow> training_rows(const nlohmann::json& set);

// The runs of sec. 6 state aws-ofi-nccl's tuner plugin; those of sec. 1 ran aws-ofi-nccl
// 1.8.1, before the plugin had a tuner, so NCCL chose by its own model there.
bool ran_region_tuner(const nlohmann::json& set);

}  // namespace fabricplan::validation
