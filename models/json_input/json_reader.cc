#include "models/json_input/json_reader.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/json_input/input_file.h"
#include "models/json_input/suggest.h"

namespace fabricplan {
namespace {

std::string type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

std::string format_number(double x) {
  std::ostringstream os;
  os.precision(12);
  os << x;
  return os.str();
}

}  // namespace

std::string json_pointer_escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

JsonNode::JsonNode(const nlohmann::json& value, std::shared_ptr<const std::string> file,
                   std::string pointer)
    : value_(&value), file_(std::move(file)), pointer_(std::move(pointer)) {}

std::string JsonNode::describe() const {
  const auto& v = *value_;
  if (v.is_string()) return "\"" + v.get<std::string>() + "\"";
  if (v.is_number() || v.is_boolean() || v.is_null()) return v.dump();
  return type_name(v);
}

void JsonNode::fail(const std::string& expected, const std::string& found) const {
  throw InputError(*file_, pointer_, expected, found);
}

void JsonNode::fail(const std::string& expected) const { fail(expected, describe()); }

void JsonNode::expect_object(std::initializer_list<std::string_view> allowed) const {
  if (!value_->is_object()) fail("an object", type_name(*value_));
  for (const auto& [key, _] : value_->items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (known) continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    std::string hint = closest_match(key, names);
    std::string expected = "one of the keys " + join_quoted(names);
    if (!hint.empty()) expected += " (did you mean \"" + hint + "\"?)";
    throw InputError(*file_, pointer_ + "/" + json_pointer_escape(key), expected,
                     "unknown key \"" + key + "\"");
  }
}

bool JsonNode::is_null() const { return value_->is_null(); }

bool JsonNode::is_string() const { return value_->is_string(); }

bool JsonNode::has(std::string_view key) const {
  return value_->is_object() && value_->contains(key);
}

JsonNode JsonNode::at(std::string_view key) const {
  if (!value_->is_object()) fail("an object", type_name(*value_));
  std::string child = pointer_ + "/" + json_pointer_escape(key);
  auto it = value_->find(key);
  if (it == value_->end()) {
    throw InputError(*file_, child, "required field \"" + std::string(key) + "\"", "nothing");
  }
  return JsonNode(*it, file_, child);
}

std::vector<std::string> JsonNode::keys() const {
  if (!value_->is_object()) fail("an object", type_name(*value_));
  std::vector<std::string> out;
  for (const auto& [key, _] : value_->items()) out.push_back(key);
  return out;
}

std::size_t JsonNode::array_size() const {
  if (!value_->is_array()) fail("an array", type_name(*value_));
  return value_->size();
}

std::size_t JsonNode::array_size(std::size_t min_items) const {
  std::size_t n = array_size();
  if (n < min_items) {
    fail("an array of at least " + std::to_string(min_items) + " item(s)",
         "an array of " + std::to_string(n));
  }
  return n;
}

std::size_t JsonNode::array_size(std::size_t min_items, std::size_t max_items) const {
  std::size_t n = array_size(min_items);
  if (n > max_items) {
    fail("an array of at most " + std::to_string(max_items) + " items", "an array of " + std::to_string(n));
  }
  return n;
}

JsonNode JsonNode::at(std::size_t index) const {
  if (!value_->is_array()) fail("an array", type_name(*value_));
  return JsonNode((*value_)[index], file_, pointer_ + "/" + std::to_string(index));
}

std::string JsonNode::string() const {
  if (!value_->is_string()) fail("a string");
  return value_->get<std::string>();
}

std::string JsonNode::one_of(std::initializer_list<std::string_view> allowed) const {
  return one_of(std::vector<std::string>(allowed.begin(), allowed.end()));
}

std::string JsonNode::one_of(const std::vector<std::string>& allowed) const {
  std::string expected = "one of " + join_quoted(allowed);
  if (!value_->is_string()) fail(expected);
  std::string s = value_->get<std::string>();
  for (const auto& a : allowed) {
    if (a == s) return s;
  }
  std::string hint = closest_match(s, allowed);
  if (!hint.empty()) expected += " (did you mean \"" + hint + "\"?)";
  fail(expected);
}

bool JsonNode::boolean() const {
  if (!value_->is_boolean()) fail("true or false");
  return value_->get<bool>();
}

double JsonNode::number() const {
  if (!value_->is_number()) fail("a number");
  double x = value_->get<double>();
  if (!std::isfinite(x)) fail("a finite number");
  return x;
}

double JsonNode::positive() const {
  if (!value_->is_number()) fail("a number > 0");
  double x = number();
  if (!(x > 0)) fail("a number > 0", format_number(x));
  return x;
}

double JsonNode::non_negative() const {
  if (!value_->is_number()) fail("a number >= 0");
  double x = number();
  if (!(x >= 0)) fail("a number >= 0", format_number(x));
  return x;
}

double JsonNode::in_range(double lo, double hi) const {
  std::string expected = "a number in [" + format_number(lo) + ", " + format_number(hi) + "]";
  if (!value_->is_number()) fail(expected);
  double x = number();
  if (x < lo || x > hi) fail(expected, format_number(x));
  return x;
}

std::int64_t JsonNode::integer(std::int64_t lo, std::int64_t hi) const {
  std::string expected =
      "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!value_->is_number()) fail(expected);
  double x = value_->get<double>();
  if (!std::isfinite(x) || x != std::floor(x)) fail(expected);
  if (x < static_cast<double>(lo) || x > static_cast<double>(hi)) fail(expected);
  return static_cast<std::int64_t>(x);
}

double JsonNode::positive_or(std::string_view key, double fallback) const {
  return has(key) ? at(key).positive() : fallback;
}

double JsonNode::non_negative_or(std::string_view key, double fallback) const {
  return has(key) ? at(key).non_negative() : fallback;
}

std::int64_t JsonNode::integer_or(std::string_view key, std::int64_t lo, std::int64_t hi,
                                  std::int64_t fallback) const {
  return has(key) ? at(key).integer(lo, hi) : fallback;
}

std::string JsonNode::string_or(std::string_view key, const std::string& fallback) const {
  return has(key) ? at(key).string() : fallback;
}

bool JsonNode::boolean_or(std::string_view key, bool fallback) const {
  return has(key) ? at(key).boolean() : fallback;
}

JsonDocument::JsonDocument(std::unique_ptr<nlohmann::json> value, std::string file)
    : value_(std::move(value)), file_(std::make_shared<const std::string>(std::move(file))) {}
JsonDocument::JsonDocument(JsonDocument&&) noexcept = default;
JsonDocument& JsonDocument::operator=(JsonDocument&&) noexcept = default;
JsonDocument::~JsonDocument() = default;

JsonNode JsonDocument::root() const { return JsonNode(*value_, file_, ""); }

namespace {
constexpr int kMaxJsonDepth = 128;
}  // namespace

// One linear pass over the text: nlohmann's callback parser, which did this before, is
// quadratic in the length of an array of objects (4 MB took minutes).
bool json_nested_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

JsonDocument JsonDocument::parse(const std::string& text, const std::string& name) {
  auto value = std::make_unique<nlohmann::json>();
  // Nesting deeper than any input of ours needs is refused before parsing (anything
  // walking a deep value recursively would overflow the stack).
  if (json_nested_deeper_than(text, kMaxJsonDepth)) {
    throw InputError(name, "", "JSON nested at most " + std::to_string(kMaxJsonDepth) + " levels deep", "deeper nesting");
  }
  try {
    *value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::out_of_range& e) {
    throw InputError(name, "", "numbers a double can hold", std::string("one that cannot be (") + e.what() + ")");
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based offset where parsing stopped; turn it into line:column.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') { ++line; column = 1; } else { ++column; }
    }
    const bool utf8 = std::string_view(e.what()).find("UTF-8") != std::string_view::npos;
    throw InputError(name, "", utf8 ? "valid JSON in UTF-8" : "valid JSON",
                     std::string(utf8 ? "a byte that is not UTF-8" : "a syntax error") + " at line " + std::to_string(line) +
                         ", column " + std::to_string(column));
  }
  return JsonDocument(std::move(value), name);
}

JsonDocument JsonDocument::load(const std::string& path) { return parse(read_input_file(path, kMaxJsonInputBytes, "JSON file"), path); }


}  // namespace fabricplan
