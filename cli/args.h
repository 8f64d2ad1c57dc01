// The command-line reader of every subcommand: what it accepts is declared once in
// command_specs.cc (CommandSpec); CLI11 parses it and writes the help from the same
// declaration. Unknown options are errors with a "did you mean".
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/command_spec.h"

namespace fabricplan::cli {

// A usage error: the CLI prints it with the subcommand's usage and exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  // Parses argv as `spec` declares (CLI11 underneath). `-h`/`--help` prints the help and
  // sets help_printed(); anything undeclared is a UsageError with a "did you mean". A
  // repeated option takes its last value.
  Args(const CommandSpec& spec, const std::vector<std::string>& argv);

  bool help_printed() const { return help_printed_; }
  const std::vector<std::string>& positionals() const { return positionals_; }
  // By any of the option's names ("-o" or "--output").
  std::optional<std::string> get(const std::string& name) const;
  std::string get_or(const std::string& name, const std::string& fallback) const;
  bool has(const std::string& name) const;
  // The value of `name` as an integer in [lo, hi]; nullopt when absent. Anything else
  // (a sign, trailing text, out of range) is a UsageError naming the option, the range
  // and the text. With `byte_suffixes`, K, M or G (powers of 1024) may follow.
  std::optional<unsigned long long> unsigned_in(const std::string& name, unsigned long long lo, unsigned long long hi,
                                                bool byte_suffixes = false) const;
  // The value of `name` as a number (strtod's forms) in [lo, hi]; nullopt when absent.
  std::optional<double> number_in(const std::string& name, double lo, double hi) const;

 private:
  std::string canonical(const std::string& name) const;

  std::vector<std::string> positionals_;
  std::map<std::string, std::string> values_;     // canonical name -> last value ("" for a switch)
  std::map<std::string, std::string> canonical_;  // every name -> canonical name
  bool help_printed_ = false;
};

}  // namespace fabricplan::cli
