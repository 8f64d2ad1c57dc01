#include "models/workload/request_trace.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "models/json_input/input_error.h"
#include "models/json_input/input_file.h"
#include "models/json_input/json_reader.h"

namespace fabricplan {
namespace {

constexpr double kMaxTokens = 1e8;  // a prompt past 100 M tokens is no serving request

std::string quoted(std::string_view line) {
  std::string s(line.substr(0, 80));
  return "\"" + s + (line.size() > 80 ? "...\"" : "\"");
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "2023-11-16 18:15:46.6805900" -> seconds since 1970 (UTC as written); false if malformed.
bool parse_wall_clock(std::string_view s, double& out) {
  int y, mo, d, h, mi;
  double sec;
  char tail;
  const std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%lf%c", &y, &mo, &d, &h, &mi, &sec, &tail) != 6) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || !(sec >= 0 && sec < 61)) return false;
  out = static_cast<double>(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) * 86400 + h * 3600.0 +
        mi * 60.0 + sec;
  return true;
}

bool parse_count(std::string_view s, double& out) {
  if (s.empty() || s.size() > 12) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = static_cast<double>(v);
  return out <= kMaxTokens;
}

class TraceReader {
 public:
  explicit TraceReader(const std::string& path) { trace_.file = path; }

  void line(std::size_t number, std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (trace_.format.empty()) {
      if (text.empty()) return;
      if (text.front() == '{') {
        trace_.format = "mooncake-jsonl";
      } else if (text == "TIMESTAMP,ContextTokens,GeneratedTokens") {
        trace_.format = "azure-csv";
        return;
      } else {
        fail(number, "a Mooncake JSONL object or the Azure CSV header \"TIMESTAMP,ContextTokens,GeneratedTokens\"", text);
      }
    }
    if (text.empty()) return;
    if (trace_.requests.size() >= kMaxTraceRequests) {
      fail(number, "at most " + std::to_string(kMaxTraceRequests) + " requests", "more");
    }
    if (trace_.format == "mooncake-jsonl") {
      mooncake(number, text);
    } else {
      azure(number, text);
    }
  }

  RequestTrace finish() {
    if (trace_.requests.empty()) {
      throw InputError(trace_.file, "(document root)", "at least one request", "none");
    }
    // Published traces are in arrival order; a merged one need not be.
    std::stable_sort(trace_.requests.begin(), trace_.requests.end(),
                     [](const TraceRequest& a, const TraceRequest& b) { return a.arrival_s < b.arrival_s; });
    const double t0 = trace_.requests.front().arrival_s;
    for (auto& r : trace_.requests) r.arrival_s -= t0;
    return std::move(trace_);
  }

 private:
  [[noreturn]] void fail(std::size_t number, const std::string& expected, std::string_view found) const {
    throw InputError(trace_.file, "line " + std::to_string(number), expected, quoted(found));
  }

  void mooncake(std::size_t number, std::string_view text) {
    const char* expected =
        "a JSON object with \"timestamp\" (ms, >= 0), \"input_length\" (tokens, 1..1e8), \"output_length\" (tokens, 0..1e8) "
        "and optional \"hash_ids\" (non-negative integers)";
    nlohmann::json j;
    // A trace object nests 2 deep: a line of 64 KiB of brackets is refused before parsing.
    if (json_nested_deeper_than(text, 4)) fail(number, expected, text);
    try {
      j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception&) {
      fail(number, expected, text);
    }
    auto number_in = [&](const char* key, double lo, double hi) {
      if (!j.is_object() || !j.contains(key) || !j[key].is_number()) fail(number, expected, text);
      const double v = j[key].get<double>();
      if (!(v >= lo && v <= hi)) fail(number, expected, text);
      return v;
    };
    TraceRequest r;
    r.arrival_s = number_in("timestamp", 0, 1e15) * 1e-3;
    r.input_tokens = number_in("input_length", 1, kMaxTokens);
    r.output_tokens = number_in("output_length", 0, kMaxTokens);
    if (j.contains("hash_ids")) {
      const auto& ids = j["hash_ids"];
      if (!ids.is_array()) fail(number, expected, text);
      trace_.has_prefix_blocks = true;
      // The leading blocks an earlier request already had: a prefix cache matches prefixes only.
      std::size_t cached = 0;
      bool leading = true;
      for (const auto& id : ids) {
        if (!id.is_number_unsigned()) fail(number, expected, text);
        const bool seen = !seen_blocks_.insert(id.get<std::uint64_t>()).second;
        leading = leading && seen;
        cached += leading ? 1 : 0;
      }
      r.cached_prefix_tokens = std::min(r.input_tokens, static_cast<double>(cached) * kTracePrefixBlockTokens);
    }
    trace_.requests.push_back(r);
  }

  void azure(std::size_t number, std::string_view text) {
    const char* expected = "\"YYYY-MM-DD HH:MM:SS.fffffff,<context tokens>,<generated tokens>\" (tokens 0..1e8, context >= 1)";
    const std::size_t c1 = text.find(','), c2 = c1 == std::string_view::npos ? c1 : text.find(',', c1 + 1);
    if (c2 == std::string_view::npos || text.find(',', c2 + 1) != std::string_view::npos) fail(number, expected, text);
    TraceRequest r;
    if (!parse_wall_clock(text.substr(0, c1), r.arrival_s) || !parse_count(text.substr(c1 + 1, c2 - c1 - 1), r.input_tokens) ||
        !parse_count(text.substr(c2 + 1), r.output_tokens) || r.input_tokens < 1) {
      fail(number, expected, text);
    }
    trace_.requests.push_back(r);
  }

  RequestTrace trace_;
  std::unordered_set<std::uint64_t> seen_blocks_;
};

}  // namespace

double RequestTrace::rate_per_s() const {
  const double span = span_s();
  return requests.size() < 2 || span <= 0 ? 0 : static_cast<double>(requests.size() - 1) / span;
}

std::string RequestTrace::format_name() const {
  return format == "mooncake-jsonl" ? "Mooncake JSONL" : format == "azure-csv" ? "Azure LLM inference CSV" : format;
}

RequestTrace read_request_trace(const std::string& path) {
  TraceReader reader(path);
  for_each_input_line(path, kMaxLogInputBytes, "request trace",
                      [&](std::size_t number, std::string_view text) { reader.line(number, text); });
  return reader.finish();
}

double kv_tokens(const TraceRequest& r, bool skip_cached_prefix) {
  return skip_cached_prefix ? std::max(0.0, r.input_tokens - r.cached_prefix_tokens) : r.input_tokens;
}

TraceTokenStats trace_token_stats(const RequestTrace& t, bool skip_cached_prefix) {
  TraceTokenStats s;
  std::vector<double> tokens;
  tokens.reserve(t.requests.size());
  for (const auto& r : t.requests) tokens.push_back(kv_tokens(r, skip_cached_prefix));
  s.requests = tokens.size();
  if (tokens.empty()) return s;
  double sum = 0, sum2 = 0;
  for (double x : tokens) {
    sum += x;
    sum2 += x * x;
  }
  s.mean = sum / static_cast<double>(tokens.size());
  s.second_moment = sum2 / static_cast<double>(tokens.size());
  // Nearest-rank quantiles.
  auto quantile = [&](double q) {
    const std::size_t k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(tokens.size()))) - 1;
    std::nth_element(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(k), tokens.end());
    return tokens[k];
  };
  s.p50 = quantile(0.5);
  s.p99 = quantile(0.99);
  return s;
}

}  // namespace fabricplan
