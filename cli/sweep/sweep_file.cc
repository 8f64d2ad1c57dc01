#include "cli/sweep/sweep_file.h"

#include <cstdint>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "models/json_input/input_error.h"
#include "models/json_input/json_reader.h"

namespace fabricplan::cli {
namespace {

constexpr std::size_t kMaxCells = 1'000'000;

std::vector<std::string> split_pointer(const std::string& p) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= p.size()) {
    std::size_t slash = p.find('/', start);
    parts.push_back(p.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

void expand(const nlohmann::json& doc, const std::vector<std::string>& parts, std::size_t i, std::string prefix,
            std::vector<nlohmann::json::json_pointer>& out, bool& missing) {
  if (i == parts.size()) {
    out.emplace_back(prefix);
    return;
  }
  const nlohmann::json& here = doc.at(nlohmann::json::json_pointer(prefix));
  if (parts[i] == "*") {
    if (!here.is_array() || here.empty()) {
      missing = true;
      return;
    }
    for (std::size_t k = 0; k < here.size(); ++k) expand(doc, parts, i + 1, prefix + "/" + std::to_string(k), out, missing);
    return;
  }
  const std::string next = prefix + "/" + parts[i];
  if (!doc.contains(nlohmann::json::json_pointer(next))) {
    missing = true;
    return;
  }
  expand(doc, parts, i + 1, next, out, missing);
}

std::vector<nlohmann::json> read_axis_values(const JsonNode& a, bool& scale) {
  std::vector<nlohmann::json> values;
  const bool has_values = a.has("values"), has_range = a.has("range"), has_scale = a.has("scale");
  if (int(has_values) + int(has_range) + int(has_scale) != 1) {
    a.fail("exactly one of \"values\", \"range\" or \"scale\"");
  }
  if (has_values || has_scale) {
    JsonNode list = a.at(has_values ? "values" : "scale");
    for (std::size_t i = 0, n = list.array_size(1); i < n; ++i) {
      if (has_scale) list.at(i).positive();
      values.push_back(list.at(i).raw());
    }
    scale = has_scale;
    return values;
  }
  JsonNode r = a.at("range");
  r.expect_object({"from", "to", "factor", "step"});
  const double from = r.at("from").number(), to = r.at("to").number();
  if (to < from) r.at("to").fail("a value >= from (" + r.at("from").describe() + ")");
  const bool integral = r.at("from").raw().is_number_integer() && r.at("to").raw().is_number_integer();
  if (r.has("factor") == r.has("step")) r.fail("exactly one of \"factor\" (geometric) or \"step\" (arithmetic)");
  const double factor = r.has("factor") ? r.at("factor").in_range(1.000001, 1e6) : 0;
  const double step = r.has("step") ? r.at("step").positive() : 0;
  if (factor > 0 && from <= 0) r.at("from").fail("a value > 0 for a geometric range");
  for (double x = from; x <= to * (1 + 1e-12) && values.size() < kMaxCells; x = factor > 0 ? x * factor : x + step) {
    if (integral) {
      values.push_back(static_cast<std::int64_t>(std::llround(x)));
    } else {
      values.push_back(x);
    }
  }
  return values;
}

}  // namespace

std::vector<nlohmann::json::json_pointer> expand_pointer(const nlohmann::json& doc, const std::string& pointer) {
  std::vector<nlohmann::json::json_pointer> out;
  if (pointer.empty() || pointer[0] != '/') return out;
  bool missing = false;
  expand(doc, split_pointer(pointer), 0, "", out, missing);
  if (missing) out.clear();
  return out;
}

std::size_t SweepFile::cell_count() const {
  // Saturating: 4 axes of 65,536 values overflow size_t; the grid-size check must see
  // "too many", never a wrapped-around small count.
  std::size_t n = 1;
  for (const auto& a : axes) {
    const std::size_t k = a.values.size();
    if (k != 0 && n > SIZE_MAX / k) return SIZE_MAX;
    n *= k;
  }
  return n;
}

std::vector<std::size_t> SweepFile::steps(std::size_t index) const {
  std::vector<std::size_t> s(axes.size());
  for (std::size_t k = axes.size(); k-- > 0;) {
    s[k] = index % axes[k].values.size();
    index /= axes[k].values.size();
  }
  return s;
}

nlohmann::json SweepFile::cell_document(std::size_t index) const {
  nlohmann::json doc = base;
  const std::vector<std::size_t> s = steps(index);
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const SweepAxis& a = axes[k];
    for (std::size_t q = 0; q < a.pointers.size(); ++q) {
      const nlohmann::json& v = a.pointers.size() > 1 ? a.values[s[k]][q] : a.values[s[k]];
      for (const auto& p : expand_pointer(doc, a.pointers[q])) {
        doc[p] = a.scale ? nlohmann::json(doc[p].get<double>() * v.get<double>()) : v;
      }
    }
  }
  return doc;
}

SweepFile read_sweep_file(const std::string& path) {
  JsonDocument doc = JsonDocument::load(path);
  JsonNode root = doc.root();
  root.expect_object({"$schema", "name", "description", "command", "args", "base", "axes", "figures"});
  SweepFile f;
  f.path = path;
  f.name = root.at("name").string();
  f.command = root.at("command").one_of({"plan", "simulate", "compare", "expect"});
  if (root.has("args")) {
    JsonNode args = root.at("args");
    for (std::size_t i = 0, n = args.array_size(); i < n; ++i) f.args.push_back(args.at(i).string());
  }
  JsonNode base = root.at("base");
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (f.command == "expect") {
    // expect takes options, not a file: the base is them, e.g. {"instance": ..., "nodes": 4}.
    if (!base.raw().is_object()) base.fail("an object of expect's options, e.g. {\"instance\": \"p5.48xlarge\", \"nodes\": 2}");
    f.base = base.raw();
  } else {
    std::filesystem::path p = base.string();
    if (p.is_relative()) p = std::filesystem::path(dir) / p;
    f.base_path = p.lexically_normal().string();
    std::ifstream in(f.base_path);
    if (!in) base.fail("a readable " + std::string(f.command == "plan" ? "cluster spec" : "scenario") + " file",
                       "\"" + f.base_path + "\", which cannot be opened");
    // Read as every input is (nesting and number limits, errors with line and column).
    f.base = JsonDocument::load(f.base_path).root().raw();
  }
  JsonNode axes = root.at("axes");
  for (std::size_t i = 0, n = axes.array_size(1); i < n; ++i) {
    JsonNode a = axes.at(i);
    a.expect_object({"name", "pointer", "pointers", "values", "range", "scale"});
    SweepAxis axis;
    axis.name = a.at("name").string();
    if (a.has("pointer") == a.has("pointers")) a.fail("exactly one of \"pointer\" or \"pointers\"");
    if (a.has("pointer")) {
      axis.pointers.push_back(a.at("pointer").string());
    } else {
      JsonNode list = a.at("pointers");
      for (std::size_t q = 0, m = list.array_size(2); q < m; ++q) axis.pointers.push_back(list.at(q).string());
    }
    axis.pointer = axis.pointers.front();
    for (std::size_t q = 0; q < axis.pointers.size(); ++q) {
      if (expand_pointer(f.base, axis.pointers[q]).empty()) {
        (a.has("pointer") ? a.at("pointer") : a.at("pointers").at(q))
            .fail("a JSON pointer that exists in the base (" + (f.base_path.empty() ? "expect's options" : f.base_path) + ")");
      }
    }
    axis.values = read_axis_values(a, axis.scale);
    if (axis.pointers.size() > 1) {
      if (!a.has("values")) a.fail("\"values\" (one array per step) for an axis with several pointers");
      for (std::size_t i = 0; i < axis.values.size(); ++i) {
        if (!axis.values[i].is_array() || axis.values[i].size() != axis.pointers.size()) {
          a.at("values").at(i).fail("an array of " + std::to_string(axis.pointers.size()) + " values, one per pointer");
        }
      }
    }
    if (axis.scale) {
      for (const auto& p : expand_pointer(f.base, axis.pointer)) {
        if (!f.base[p].is_number()) a.at("pointer").fail("a pointer to a number for a \"scale\" axis", f.base[p].dump());
      }
    }
    for (const auto& prev : f.axes) {
      if (prev.name == axis.name) a.at("name").fail("a name no other axis has", "\"" + axis.name + "\" twice");
    }
    f.axes.push_back(std::move(axis));
  }
  if (f.cell_count() > kMaxCells) {
    axes.fail("at most " + std::to_string(kMaxCells) + " cells", std::to_string(f.cell_count()) + " cells");
  }
  JsonNode figures = root.at("figures");
  for (std::size_t i = 0, n = figures.array_size(1); i < n; ++i) {
    JsonNode fig = figures.at(i);
    fig.expect_object({"name", "pointer"});
    SweepFigure s{fig.at("name").string(), fig.at("pointer").string()};
    if (s.pointer.empty() || s.pointer[0] != '/') fig.at("pointer").fail("a JSON pointer into the cell's report, such as \"/verdict\"");
    f.figures.push_back(s);
  }
  return f;
}

}  // namespace fabricplan::cli
