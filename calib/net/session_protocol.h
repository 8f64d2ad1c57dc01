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
// Why the peer's endpoint name must not be used, or "" when it may: checked by both
// sides before the name reaches fi_av_insert. `own_name_bytes` is this side's own name's
// length for the same provider (0 when not known yet): an EFA name of another length
// would make libfabric read past it; an shm name must be a NUL-terminated string. For
// socket providers (tcp, udp, sockets) a name is a
// sockaddr: its family must be IPv4 or IPv6 and the name long enough for it, and a peer
// that is not on this host may not name a loopback or unspecified address (this side
// would send to its own local services).
std::string endpoint_name_problem(const std::vector<std::uint8_t>& name, const std::string& provider, const std::string& peer,
                                  std::size_t own_name_bytes);

std::vector<std::vector<std::uint8_t>> parse_names(const nlohmann::json& j, const char* pointer, std::size_t expected);

}  // namespace fabricplan::calib
