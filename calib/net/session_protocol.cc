#include "calib/net/session_protocol.h"

#include "calib/net/bootstrap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace fabricplan::calib {
namespace {

[[noreturn]] void refuse(const std::string& pointer, const std::string& expected, const nlohmann::json& found) {
  throw BootstrapError("malformed message: " + pointer + ": expected " + expected + ", found " +
                       (found.is_null() ? std::string("nothing") : found.dump().substr(0, 80)));
}

std::size_t integer_in(const nlohmann::json& j, const char* key, std::size_t lo, std::size_t hi) {
  std::string pointer = std::string("/") + key;
  const nlohmann::json& v = j.contains(key) ? j.at(key) : nlohmann::json();
  std::string expected = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0)) refuse(pointer, expected, v);
  auto x = v.get<unsigned long long>();
  if (x < lo || x > hi) refuse(pointer, expected, v);
  return static_cast<std::size_t>(x);
}

std::vector<std::uint8_t> from_hex(const std::string& s, const std::string& pointer) {
  auto nibble = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    refuse(pointer, "lower-case hex", nlohmann::json(s));
  };
  if (s.size() % 2 || s.empty() || s.size() > 1024) refuse(pointer, "an endpoint name in hex (2..1024 digits)", nlohmann::json(s));
  std::vector<std::uint8_t> out(s.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]));
  return out;
}

}  // namespace

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (auto b : bytes) { s += digits[b >> 4]; s += digits[b & 15]; }
  return s;
}

std::vector<std::vector<std::uint8_t>> parse_names(const nlohmann::json& j, const char* key, std::size_t expected) {
  std::string pointer = std::string("/") + key;
  const nlohmann::json& v = j.contains(key) ? j.at(key) : nlohmann::json();
  if (!v.is_array() || v.size() != expected)
    refuse(pointer, "an array of " + std::to_string(expected) + " endpoint names", v);
  std::vector<std::vector<std::uint8_t>> names;
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::string p = pointer + "/" + std::to_string(i);
    if (!v[i].is_string()) refuse(p, "a string", v[i]);
    names.push_back(from_hex(v[i].get<std::string>(), p));
  }
  return names;
}

nlohmann::json hello_json(const Hello& h) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& n : h.names) names.push_back(to_hex(n));
  return {{"fabricplan_calibrate", kProtocolVersion}, {"provider", h.provider}, {"rails", h.rails},
          {"max_bytes", h.max_bytes}, {"window", h.window}, {"names", names},
          {"buffers", buffer_kind_name(h.buffers)}};
}

Hello parse_hello(const nlohmann::json& j) {
  if (!j.contains("fabricplan_calibrate"))
    refuse("/fabricplan_calibrate", "a fabricplan calibrate client's hello", j);
  if (j.at("fabricplan_calibrate") != kProtocolVersion)
    refuse("/fabricplan_calibrate", "protocol version " + std::to_string(kProtocolVersion), j.at("fabricplan_calibrate"));
  Hello h;
  if (!j.contains("provider") || !j.at("provider").is_string() || j.at("provider").get<std::string>().empty())
    refuse("/provider", "a provider name", j.value("provider", nlohmann::json()));
  h.provider = j.at("provider").get<std::string>();
  h.rails = integer_in(j, "rails", 1, kMaxRails);
  h.max_bytes = integer_in(j, "max_bytes", 1, kMaxMessageSizeBytes);
  h.window = integer_in(j, "window", 1, kMaxWindow);
  h.names = parse_names(j, "names", h.rails);
  if (j.contains("buffers")) {
    const nlohmann::json& b = j.at("buffers");
    if (b == "cuda") h.buffers = BufferKind::kCuda;
    else if (b == "cuda-staged") h.buffers = BufferKind::kCudaStaged;
    else if (b != "host") refuse("/buffers", "\"host\", \"cuda\" or \"cuda-staged\"", b);
  }
  return h;
}

const char* step_name(StepKind k) {
  switch (k) {
    case StepKind::kLatency: return "latency";
    case StepKind::kStream: return "stream";
    case StepKind::kBidir: return "bidir";
    case StepKind::kMultiRail: return "multirail";
    case StepKind::kBye: return "bye";
  }
  return "?";
}

nlohmann::json step_json(const Step& s) {
  return {{"step", step_name(s.kind)}, {"rail", s.rail}, {"bytes", s.shape.bytes}, {"warmup", s.shape.warmup},
          {"iterations", s.shape.iterations}, {"window", s.shape.window}, {"timeout_s", s.shape.timeout_s}};
}

Step parse_step(const nlohmann::json& j, const Hello& session) {
  Step s;
  std::string name = j.contains("step") && j.at("step").is_string() ? j.at("step").get<std::string>() : "";
  if (name == "latency") s.kind = StepKind::kLatency;
  else if (name == "stream") s.kind = StepKind::kStream;
  else if (name == "bidir") s.kind = StepKind::kBidir;
  else if (name == "multirail") s.kind = StepKind::kMultiRail;
  else if (name == "bye") return s;
  else refuse("/step", "one of latency, stream, bidir, multirail, bye", j.value("step", nlohmann::json()));
  s.rail = integer_in(j, "rail", 0, session.rails - 1);
  s.shape.bytes = integer_in(j, "bytes", 1, session.max_bytes);
  s.shape.warmup = integer_in(j, "warmup", 0, 1'000'000);
  s.shape.iterations = integer_in(j, "iterations", 1, 100'000'000);
  s.shape.window = integer_in(j, "window", 1, session.window);
  if (!j.contains("timeout_s") || !j.at("timeout_s").is_number() || j.at("timeout_s").get<double>() <= 0 ||
      j.at("timeout_s").get<double>() > 3600)
    refuse("/timeout_s", "a number of seconds in (0, 3600]", j.value("timeout_s", nlohmann::json()));
  s.shape.timeout_s = j.at("timeout_s").get<double>();
  return s;
}

std::string endpoint_name_problem(const std::vector<std::uint8_t>& name, const std::string& provider, const std::string& peer,
                                  std::size_t own_name_bytes) {
  // EFA's names are fixed-size (GID, QPN, QKEY); shm's are strings with the peer's pid
  // (their length varies), read up to their NUL.
  if (provider == "efa" && own_name_bytes > 0 && name.size() != own_name_bytes) {
    return "an endpoint name of " + std::to_string(name.size()) + " bytes where provider " + provider + "'s are " +
           std::to_string(own_name_bytes);
  }
  if (provider == "shm") {
    return std::find(name.begin(), name.end(), 0) == name.end() ? "an endpoint name that is not a NUL-terminated string" : "";
  }
  if (provider != "tcp" && provider != "udp" && provider != "sockets") return "";
  std::string host = peer.substr(0, peer.rfind(':'));
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  const bool peer_local = host.rfind("127.", 0) == 0 || host == "::1";
  sa_family_t family = AF_UNSPEC;
  if (name.size() >= sizeof family) std::memcpy(&family, name.data(), sizeof family);
  if (family == AF_INET && name.size() >= sizeof(sockaddr_in)) {
    sockaddr_in a{};
    std::memcpy(&a, name.data(), sizeof a);
    const std::uint32_t ip = ntohl(a.sin_addr.s_addr);
    if (ip == 0) return "an endpoint name with the unspecified address";
    if ((ip >> 24) == 127 && !peer_local) return "an endpoint name with a loopback address from peer " + peer;
    return "";
  }
  if (family == AF_INET6 && name.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 a{};
    std::memcpy(&a, name.data(), sizeof a);
    if (IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr)) return "an endpoint name with the unspecified address";
    if (IN6_IS_ADDR_LOOPBACK(&a.sin6_addr) && !peer_local) return "an endpoint name with a loopback address from peer " + peer;
    return "";
  }
  return "an endpoint name of " + std::to_string(name.size()) + " bytes that is not a whole IPv4 or IPv6 socket address";
}

}  // namespace fabricplan::calib
