// fabricplan-calibrate-net MODE ARGS...: the libfabric half of `fabricplan calibrate`
// (server and client), exec'd by fabricplan (cli/calibrate_net_exec.cc) so that only a
// calibration loads libfabric.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/guard.h"

namespace fabricplan::cli {
int run_calibrate_net_here(const std::string& mode, const std::vector<std::string>& rest);
}

int main(int argc, char** argv) {
  if (argc < 2 || (std::string(argv[1]) != "server" && std::string(argv[1]) != "client")) {
    std::fprintf(stderr, "usage: fabricplan calibrate server|client ... (see `fabricplan help calibrate`)\n");
    return fabricplan::cli::kExitBadInput;
  }
  // The same error handling `fabricplan calibrate` gives its other modes (exit 2 on usage).
  const std::string mode = argv[1];
  const std::vector<std::string> rest(argv + 2, argv + argc);
  return fabricplan::cli::guarded("calibrate", fabricplan::cli::usage_of("calibrate"),
                                  [&] { return fabricplan::cli::run_calibrate_net_here(mode, rest); });
}
