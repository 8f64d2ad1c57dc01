// InputError: what every parser of user files (cluster specs, scenarios, calibration
// profiles, the catalog) reports when the input is wrong.
//
// It carries the file, the JSON pointer (RFC 6901) of the bad field, what was
// expected and what was found, so a user can fix the file without reading our code.
// Parsers throw it at the boundary; the CLI turns it into one stderr line and exit 2.
#pragma once

#include <stdexcept>
#include <string>

namespace fabricplan {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string pointer, std::string expected, std::string found);

  const std::string& file() const { return file_; }
  const std::string& pointer() const { return pointer_; }
  const std::string& expected() const { return expected_; }
  const std::string& found() const { return found_; }

 private:
  std::string file_;
  std::string pointer_;
  std::string expected_;
  std::string found_;
};

}  // namespace fabricplan
