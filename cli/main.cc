// fabricplan: a thin main over the subcommand table.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "models/json_input/suggest.h"

using fabricplan::cli::Command;
using fabricplan::cli::commands;

namespace {

void print_help() {
  std::cout << "fabricplan " << FABRICPLAN_VERSION
            << ": network simulator and bandwidth planner for GPU clusters (EFA and InfiniBand)\n\n"
            << "usage: fabricplan COMMAND [ARGS]\n\ncommands:\n";
  for (const auto& c : commands()) {
    std::cout << "  " << c.name << std::string(12 - std::string(c.name).size(), ' ') << fabricplan::cli::summary_of(c.name)
              << "\n";
  }
  std::cout << "  help        this text, or `fabricplan help COMMAND`\n";
}

const Command* find(const std::string& name) {
  for (const auto& c : commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

// An unknown command: exit 2 with a "did you mean".
int unknown(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& cmd : commands()) names.push_back(cmd.name);
  std::string hint = fabricplan::closest_match(name, names);
  std::cerr << "fabricplan: unknown command \"" << name << "\"" << (hint.empty() ? "" : "; did you mean \"" + hint + "\"?")
            << "\nrun `fabricplan help` for the list\n";
  return fabricplan::cli::kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    if (args.size() > 1) {
      if (find(args[1]) != nullptr) {
        std::cout << fabricplan::cli::help_of(args[1]);
        return 0;
      }
      return unknown(args[1]);
    }
    print_help();
    return args.empty() ? fabricplan::cli::kExitBadInput : 0;
  }
  if (args[0] == "--version") {
    std::cout << "fabricplan " << FABRICPLAN_VERSION << "\n";
    return 0;
  }
  const Command* c = find(args[0]);
  if (!c) return unknown(args[0]);
  return c->run(std::vector<std::string>(args.begin() + 1, args.end()));
}
