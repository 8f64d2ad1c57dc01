// The subcommand table: every subcommand is one entry {name, summary, usage, run},
// defined in its own cmd_*.cc file and listed once in commands.cc.
#pragma once

#include <string>
#include <vector>

namespace fabricplan::cli {

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>& args);  // returns the exit code
};

const std::vector<Command>& commands();
// From the declarations in command_specs.cc, by command name: the one-line summary, the
// usage line(s) and the full help.
std::string summary_of(const std::string& name);
std::string usage_of(const std::string& name);
std::string help_of(const std::string& name);

// Exit codes: 0 success; 1 a run-time failure; 2 bad input or usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

int run_plan(const std::vector<std::string>& args);
int run_catalog(const std::vector<std::string>& args);
int run_simulate(const std::vector<std::string>& args);
int run_compare(const std::vector<std::string>& args);
int run_calibrate(const std::vector<std::string>& args);
int run_expect(const std::vector<std::string>& args);
int run_doctor(const std::vector<std::string>& args);
int run_sweep(const std::vector<std::string>& args);
// `calibrate server` / `calibrate client` (cmd_calibrate_net.cc).
int run_calibrate_net(const std::string& mode, const std::vector<std::string>& rest);

}  // namespace fabricplan::cli
