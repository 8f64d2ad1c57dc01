// A small, strict command-line reader for subcommands: positionals plus
// "--name value" / "--name=value" options and "--flag" switches. Unknown options are
// errors with a "did you mean"; every subcommand declares what it accepts.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fabricplan::cli {

// A usage error: the CLI prints it with the subcommand's usage and exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // `valued` options take a value; `switches` do not.
  Args(const std::vector<std::string>& argv, const std::vector<std::string>& valued,
       const std::vector<std::string>& switches);

  const std::vector<std::string>& positionals() const { return positionals_; }
  std::optional<std::string> get(const std::string& name) const;
  std::string get_or(const std::string& name, const std::string& fallback) const;
  bool has(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;  // repeated option
  // The value of `name` as an integer in [lo, hi]; nullopt when absent. Anything else
  // (a sign, trailing text, out of range) is a UsageError naming the option, the range
  // and the text. With `byte_suffixes`, K, M or G (powers of 1024) may follow.
  std::optional<unsigned long long> unsigned_in(const std::string& name, unsigned long long lo, unsigned long long hi,
                                                bool byte_suffixes = false) const;

 private:
  std::vector<std::string> positionals_;
  std::multimap<std::string, std::string> options_;
};

}  // namespace fabricplan::cli
