// The algorithm and protocol aws-ofi-nccl's region tuner picks for an all_reduce on AWS
// P-family instances. Since aws-ofi-nccl 1.9 the plugin ships a tuner that NCCL loads from
// the net plugin library unless NCCL_TUNER_PLUGIN says otherwise; on p5/p5e, p5en and
// p6-b200 with 8 ranks per node it replaces NCCL's own cost-model choice inside polygons of
// (message size, ranks) drawn from AWS's measurements, and falls back to NCCL outside them.
//
// The polygons' vertices are data published in aws/aws-ofi-nccl
// (src/tuner/nccl_ofi_regions.cpp, read at 228fa0eafb41c9e2b46446b86b5ab46c76410650,
// Apache-2.0); the geometry (log2 coordinates, first region containing the point wins, a
// point on an edge is inside, extend_region's projection to the far corner) is rewritten
// here from that file's description. Only all_reduce at 8 ranks per node is carried:
// all_gather and reduce_scatter keep NCCL's own choice (the p5/p5e table has none).
#pragma once

#include <optional>
#include <string>

namespace fabricplan::collective {

enum class TunerPlatform { kNone, kP5, kP5en, kP6 };

// "p5.48xlarge" and "p5e.48xlarge" -> kP5, "p5en.48xlarge" -> kP5en, "p6-b200.48xlarge"
// -> kP6; anything else (p4d, trn, InfiniBand nodes) -> kNone.
TunerPlatform tuner_platform_of(const std::string& instance_type);
const char* tuner_platform_name(TunerPlatform p);

struct TunerChoice {
  const char* algorithm;  // "tree", "ring", "nvls_tree"
  const char* protocol;   // "LL", "LL128", "Simple"
};

// The region tuner's all_reduce choice for `bytes` on `nodes` nodes of `ranks_per_node`,
// or nullopt where it defers to NCCL (another platform, rank layout or size).
std::optional<TunerChoice> ofi_region_all_reduce(TunerPlatform p, double bytes, int nodes, int ranks_per_node);

}  // namespace fabricplan::collective
