// What a nccl-tests log says about the hardware it ran on: the GPU model of its rank lines
// ("#  Rank  0 Group  0 Pid 1234 on node0 device  0 [0x53] NVIDIA H100 80GB HBM3"), held
// against an instance type's accelerator, and the instance type inferred from the GPU
// model and the NICs aws-ofi-nccl or NCCL found when `--instance` is not given.
#pragma once

#include <string>
#include <vector>

#include "models/catalog/catalog.h"

namespace fabricplan::cli {

// The GPU model after the rank line's PCI bus id, or "" if the line has none.
std::string rank_line_gpu(const std::string& rank_line);

// Whether the log's GPU model is the catalog accelerator's: the same family (A100, H100,
// H200, B200, ...) and, where both state one, the same memory ("40GB").
bool same_gpu(const std::string& log_gpu, const std::string& catalog_accelerator);

// Catalog types with that GPU and, when `nics` >= 0, that many NICs.
std::vector<std::string> instances_matching(const Catalog& catalog, const std::string& log_gpu, int nics);

}  // namespace fabricplan::cli
