#include "cli/args.h"

#include <charconv>

#include <algorithm>

#include "models/json_input/suggest.h"

namespace fabricplan::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<std::string>& valued,
           const std::vector<std::string>& switches) {
  auto known = [](const std::vector<std::string>& list, const std::string& n) {
    return std::find(list.begin(), list.end(), n) != list.end();
  };
  bool only_positionals = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positionals || a.size() < 2 || a[0] != '-' ) {
      positionals_.push_back(a);
      continue;
    }
    if (a == "--") { only_positionals = true; continue; }
    std::string name = a, value;
    bool has_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    if (known(valued, name)) {
      if (!has_value) {
        if (i + 1 >= argv.size()) throw UsageError("option " + name + " needs a value");
        value = argv[++i];
      }
      options_.emplace(name, value);
    } else if (known(switches, name)) {
      if (has_value) throw UsageError("option " + name + " takes no value");
      options_.emplace(name, "");
    } else {
      std::vector<std::string> all = valued;
      all.insert(all.end(), switches.begin(), switches.end());
      std::string hint = closest_match(name, all);
      throw UsageError("unknown option " + name + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
    }
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

std::string Args::get_or(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

bool Args::has(const std::string& name) const { return options_.count(name) > 0; }

std::vector<std::string> Args::all(const std::string& name) const {
  std::vector<std::string> out;
  auto [lo, hi] = options_.equal_range(name);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

std::optional<unsigned long long> Args::unsigned_in(const std::string& name, unsigned long long lo,
                                                  unsigned long long hi, bool byte_suffixes) const {
  std::optional<std::string> text = get(name);
  if (!text) return std::nullopt;
  unsigned long long v = 0;
  const char* end = text->data() + text->size();
  auto [rest, ec] = std::from_chars(text->data(), end, v);
  unsigned long long scale = 1;
  std::string suffix(rest, end);
  if (byte_suffixes && !suffix.empty()) {
    scale = suffix == "K" || suffix == "k" ? 1ull << 10 : suffix == "M" ? 1ull << 20 : suffix == "G" ? 1ull << 30 : 0;
    suffix.clear();
  }
  bool ok = ec == std::errc() && suffix.empty() && scale && v <= hi / scale && v * scale >= lo;
  if (!ok) {
    std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    throw UsageError(name + ": expected " +
                     (byte_suffixes ? "a size in " + range + " bytes (suffix K, M or G allowed)" : "an integer in " + range) +
                     ", found \"" + *text + "\"");
  }
  return v * scale;
}

}  // namespace fabricplan::cli
