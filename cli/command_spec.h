// What each command and mode accepts, declared once: the parser (Args, over CLI11), the
// help (`--help`, `fabricplan help COMMAND`) and the usage lines in error messages all
// come from these declarations, so they cannot drift apart.
#pragma once

#include <string>
#include <vector>

namespace fabricplan::cli {

struct OptionSpec {
  std::string name;   // "--format"; "-o,--output" gives a short form too
  std::string value;  // what it takes, e.g. "text|json" or "BYTES"; empty: a switch
  std::string help;   // what it does, its unit and its default
};

struct CommandSpec {
  std::string name;         // "plan", "calibrate client"
  std::string summary;
  std::string positionals;  // e.g. "SPEC", "LOG...", "" for none
  std::vector<OptionSpec> options;
};

// The declaration of a command or mode ("calibrate client"); throws std::out_of_range.
const CommandSpec& spec_of(const std::string& name);
const std::vector<CommandSpec>& command_specs();

// The one-line usage and the full help text of a declaration.
std::string usage_line(const CommandSpec& spec);
std::string help_text(const CommandSpec& spec);

}  // namespace fabricplan::cli
