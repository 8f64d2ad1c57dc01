#include "models/json_input/input_error.h"

#include <utility>

namespace fabricplan {
namespace {

std::string format(const std::string& file, const std::string& pointer,
                   const std::string& expected, const std::string& found) {
  std::string where = file.empty() ? "<input>" : file;
  std::string at = pointer.empty() ? "(document root)" : pointer;
  return where + ": at " + at + ": expected " + expected + ", found " + found;
}

}  // namespace

InputError::InputError(std::string file, std::string pointer, std::string expected,
                       std::string found)
    : std::runtime_error(format(file, pointer, expected, found)),
      file_(std::move(file)),
      pointer_(std::move(pointer)),
      expected_(std::move(expected)),
      found_(std::move(found)) {}

}  // namespace fabricplan
