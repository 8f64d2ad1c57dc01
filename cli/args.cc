#include "cli/args.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include <algorithm>

#include "models/json_input/suggest.h"

namespace fabricplan::cli {

namespace {

std::string first_name(const std::string& names) { return names.substr(0, names.find(',')); }
std::string long_name(const std::string& names) {
  const std::size_t comma = names.find(',');
  return comma == std::string::npos ? names : names.substr(comma + 1);
}

void declare(CLI::App& app, const CommandSpec& spec, std::map<std::string, std::string>& storage,
             std::map<std::string, CLI::Option*>& declared, std::vector<std::string>& positionals) {
  app.set_help_flag("-h,--help", "print this help and exit");
  for (const auto& o : spec.options) {
    const std::string key = long_name(o.name);
    CLI::Option* opt = o.value.empty() ? app.add_flag(o.name, o.help)
                                       : app.add_option(o.name, storage[key], o.help)
                                             ->type_name(o.value)
                                             ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    declared[key] = opt;
  }
  if (!spec.positionals.empty()) {
    std::string name = spec.positionals.substr(0, spec.positionals.find('.'));
    app.add_option(name, positionals, spec.positionals.find("...") != std::string::npos ? "one or more" : "")
        ->type_name("");
  }
}

}  // namespace

Args::Args(const CommandSpec& spec, const std::vector<std::string>& argv) {
  CLI::App app{spec.summary, "fabricplan " + spec.name};
  std::map<std::string, std::string> storage;
  std::map<std::string, CLI::Option*> declared;
  declare(app, spec, storage, declared, positionals_);
  std::vector<std::string> reversed(argv.rbegin(), argv.rend());  // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << help_text(spec);
    help_printed_ = true;
    return;
  } catch (const CLI::ExtrasError&) {
    // The first argument nobody declared: an unknown option gets a "did you mean".
    std::vector<std::string> names;
    for (const auto& o : spec.options) {
      names.push_back(long_name(o.name));
      if (first_name(o.name) != long_name(o.name)) names.push_back(first_name(o.name));
    }
    for (const auto& a : app.remaining()) {
      const std::string name = a.substr(0, a.find('='));
      if (name.size() > 1 && name[0] == '-') {
        std::string hint = closest_match(name, names);
        for (const auto& n : names) {  // an abbreviation: the declared name it starts
          if (hint.empty() && n.size() > name.size() && n.compare(0, name.size(), name) == 0) hint = n;
        }
        throw UsageError("unknown option " + name + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
      }
      throw UsageError("unexpected argument \"" + a + "\"" +
                       (spec.positionals.empty() ? " (" + spec.name + " takes no positional arguments)" : ""));
    }
    throw UsageError("unexpected arguments");
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  for (const auto& o : spec.options) {
    const std::string key = long_name(o.name);
    canonical_[key] = key;
    canonical_[first_name(o.name)] = key;
    if (declared[key]->count() > 0) values_[key] = o.value.empty() ? "" : storage[key];
  }
}

std::string Args::canonical(const std::string& name) const {
  auto it = canonical_.find(name);
  return it == canonical_.end() ? name : it->second;
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(canonical(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::get_or(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

bool Args::has(const std::string& name) const { return values_.count(canonical(name)) > 0; }

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

std::optional<double> Args::number_in(const std::string& name, double lo, double hi) const {
  std::optional<std::string> text = get(name);
  if (!text) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || !(v >= lo && v <= hi)) {
    char range[96];
    std::snprintf(range, sizeof range, "[%g, %g]", lo, hi);
    throw UsageError(name + ": expected a number in " + range + ", found \"" + *text + "\"");
  }
  return v;
}

}  // namespace fabricplan::cli

namespace fabricplan::cli {

std::string help_text(const CommandSpec& spec) {
  CLI::App app{spec.summary, "fabricplan " + spec.name};
  std::map<std::string, std::string> storage;
  std::map<std::string, CLI::Option*> declared;
  std::vector<std::string> positionals;
  declare(app, spec, storage, declared, positionals);
  return app.help();
}

}  // namespace fabricplan::cli
