// The messages of a calibration session over the bootstrap channel, and their checks.
//
//   client -> server  hello  {"fabricplan_calibrate": 1, "provider", "rails", "max_bytes",
//                             "window", "names": [hex endpoint names, one per rail],
//                             "buffers": "host"|"cuda" (optional, host)}
//   server -> client  welcome {"ok": true, "names": [...], "domains": [...], "host",
//                             "libfabric"} or {"ok": false, "error"}
//   client -> server  step   {"step": "latency"|"stream"|"bidir"|"multirail"|"bye",
//                             "rail", "bytes", "warmup", "iterations", "window"}
//   server -> client  {"ready": true} once its receives are posted, then
//                     {"done": true} or {"done": false, "error"} after the step.
// A field that is missing or out of range is refused with its JSON pointer, the
// expected and the found value, as everywhere else in fabricplan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "calib/net/fabric_bench.h"

namespace fabricplan::calib {

inline constexpr int kProtocolVersion = 1;
inline constexpr std::size_t kMaxRails = 64;
inline constexpr std::size_t kMaxWindow = 4096;
inline constexpr std::size_t kMaxMessageSizeBytes = std::size_t{1} << 30;

struct Hello {
  std::string provider;
  std::size_t rails = 1;
  std::size_t max_bytes = 0;
  std::size_t window = 1;
  std::vector<std::vector<std::uint8_t>> names;
  BufferKind buffers = BufferKind::kHost;  // "buffers": "host" (default) or "cuda"
};

enum class StepKind { kLatency, kStream, kBidir, kMultiRail, kBye };

struct Step {
  StepKind kind = StepKind::kBye;
  std::size_t rail = 0;  // ignored by multirail (all rails) and bye
  StepShape shape;
};

std::string to_hex(const std::vector<std::uint8_t>& bytes);

nlohmann::json hello_json(const Hello& h);
Hello parse_hello(const nlohmann::json& j);  // throws BootstrapError naming the field
nlohmann::json step_json(const Step& s);
Step parse_step(const nlohmann::json& j, const Hello& session);
const char* step_name(StepKind k);
// The names list of a welcome message, checked against the rail count.
std::vector<std::vector<std::uint8_t>> parse_names(const nlohmann::json& j, const char* pointer, std::size_t expected);

}  // namespace fabricplan::calib
