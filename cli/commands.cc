#include "cli/command.h"

#include "cli/command_spec.h"

namespace fabricplan::cli {
namespace {

// The modes of `calibrate`, each declared in command_specs.cc as "calibrate MODE".
constexpr const char* kCalibrateModes[] = {"import", "collectives", "gpu", "merge", "server", "client"};

}  // namespace

const std::vector<Command>& commands() {
  // Summaries, options and usage come from the declarations (command_specs.cc); this
  // table only says which function runs each command.
  static const std::vector<Command> table = {
      {"plan", run_plan},         {"expect", run_expect},   {"doctor", run_doctor},       {"catalog", run_catalog},
      {"simulate", run_simulate}, {"compare", run_compare}, {"sweep", run_sweep},          {"calibrate", run_calibrate},
  };
  return table;
}

std::string summary_of(const std::string& name) {
  if (name == "calibrate") return "measure or import calibration figures into a profile";
  return spec_of(name).summary;
}

std::string usage_of(const std::string& name) {
  if (name != "calibrate") return usage_line(spec_of(name));
  std::string u;
  for (const char* mode : kCalibrateModes) {
    u += (u.empty() ? "" : "\n       ") + usage_line(spec_of(std::string("calibrate ") + mode));
  }
  return u;
}

std::string help_of(const std::string& name) {
  if (name != "calibrate") return help_text(spec_of(name));
  std::string h = "fabricplan calibrate MODE ...: " + summary_of(name) + "\n\nModes (`fabricplan calibrate MODE --help`):\n";
  for (const char* mode : kCalibrateModes) {
    const CommandSpec& s = spec_of(std::string("calibrate ") + mode);
    h += "  " + std::string(mode) + std::string(14 - std::string(mode).size(), ' ') + s.summary + "\n";
  }
  return h;
}

}  // namespace fabricplan::cli
