// Strict reading of user JSON files with errors that name the field.
//
// JsonDocument owns a parsed file; JsonNode is a cheap view of one value in it that
// remembers its JSON pointer. Every accessor checks type and range and throws
// InputError(file, pointer, expected, found) on mismatch; object nodes reject keys
// they do not know (with a "did you mean" hint), so a typo never silently falls back
// to a default. Views borrow from the document: keep the document alive while
// reading. The full nlohmann header stays in the .cc to keep includers light.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "models/json_input/input_error.h"

namespace fabricplan {

// Whether `text` nests arrays and objects (outside its strings) deeper than `limit`: one
// linear pass, to refuse a text before a recursive parser or destructor meets it.
bool json_nested_deeper_than(std::string_view text, int limit);

class JsonNode {
 public:
  JsonNode(const nlohmann::json& value, std::shared_ptr<const std::string> file,
           std::string pointer);

  const std::string& pointer() const { return pointer_; }
  const std::string& file() const { return *file_; }
  const nlohmann::json& raw() const { return *value_; }
  bool is_null() const;
  bool is_string() const;

  // Objects. `allowed` lists every key the caller understands.
  void expect_object(std::initializer_list<std::string_view> allowed) const;
  bool has(std::string_view key) const;
  JsonNode at(std::string_view key) const;  // required key
  std::vector<std::string> keys() const;

  // Arrays.
  std::size_t array_size() const;  // checks the node is an array
  std::size_t array_size(std::size_t min_items) const;
  std::size_t array_size(std::size_t min_items, std::size_t max_items) const;
  JsonNode at(std::size_t index) const;

  // Scalars, each checked for type and range.
  std::string string() const;
  std::string one_of(std::initializer_list<std::string_view> allowed) const;
  std::string one_of(const std::vector<std::string>& allowed) const;
  bool boolean() const;
  double number() const;
  double positive() const;             // > 0
  double non_negative() const;         // >= 0
  double in_range(double lo, double hi) const;  // lo <= x <= hi
  std::int64_t integer(std::int64_t lo, std::int64_t hi) const;

  // Optional keys: the default when absent, checked like the required form when present.
  double positive_or(std::string_view key, double fallback) const;
  double non_negative_or(std::string_view key, double fallback) const;
  std::int64_t integer_or(std::string_view key, std::int64_t lo, std::int64_t hi,
                          std::int64_t fallback) const;
  std::string string_or(std::string_view key, const std::string& fallback) const;
  bool boolean_or(std::string_view key, bool fallback) const;

  [[noreturn]] void fail(const std::string& expected, const std::string& found) const;
  [[noreturn]] void fail(const std::string& expected) const;  // found = this value
  std::string describe() const;  // short rendering of this value for messages

 private:
  const nlohmann::json* value_;
  std::shared_ptr<const std::string> file_;
  std::string pointer_;
};

class JsonDocument {
 public:
  // Reads and parses `path`; unreadable files and syntax errors become InputError.
  static JsonDocument load(const std::string& path);
  static JsonDocument parse(const std::string& text, const std::string& name);

  JsonDocument(JsonDocument&&) noexcept;
  JsonDocument& operator=(JsonDocument&&) noexcept;
  ~JsonDocument();

  JsonNode root() const;
  const std::string& file() const { return *file_; }

 private:
  JsonDocument(std::unique_ptr<nlohmann::json> value, std::string file);
  std::unique_ptr<nlohmann::json> value_;
  std::shared_ptr<const std::string> file_;
};

// Escapes a key for use in a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string json_pointer_escape(std::string_view key);

}  // namespace fabricplan
