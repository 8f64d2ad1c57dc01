#include "training_set.h"

#include <fstream>
#include <string>

#include "models/collective/nccl_model.h"

namespace fabricplan::validation {

nlohmann::json training_set() {
  std::ifstream in(std::string(FABRICPLAN_SOURCE_DIR) + "/tests/data/training/training.json");
  if (!in) return nullptr;
  return nlohmann::json::parse(in);
}

std::vector<TrainingRow> training_rows(const nlohmann::json& set) {
  std::vector<TrainingRow> out;
  for (const auto& r : set["rows"]) {
    TrainingRow row;
    row.bytes = r["size_bytes"].get<double>();
    if (r.contains("nodes")) {
      row.nodes = r["nodes"].get<int>();
      row.measured_busbw = r["oop_busbw"].get<double>();
      const int ranks = r["ranks"].get<int>();
      row.measured_us =
          row.bytes / (row.measured_busbw * 1e9 / collective::bus_factor(collective::Op::kAllReduce, ranks)) * 1e6;
    } else {
      row.nodes = set["nodes"].get<int>();
      row.measured_us = r["oop_time_us"].get<double>();
      row.measured_busbw = r["oop_busbw_GBps"].get<double>();
    }
    out.push_back(row);
  }
  return out;
}

bool ran_region_tuner(const nlohmann::json& set) {
  return set.value("conditions", "").find("tuner plugin") != std::string::npos;
}

}  // namespace fabricplan::validation
