// `calibrate server` / `calibrate client` run in a helper executable,
// fabricplan-calibrate-net, that links libfabric: loading libfabric and its provider
// libraries (psm, psm2, efa, verbs) costs every process ~0.2 s of start-up, so the
// fabricplan executable leaves it out and execs the helper, which sits beside it (build
// tree) or in the install's libexec directory, only when a calibration runs.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/command.h"

namespace fabricplan::cli {
namespace {

std::string helper_path() {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  self[n] = '\0';
  const std::filesystem::path dir = std::filesystem::path(self).parent_path();
  for (const auto& candidate : {dir / "fabricplan-calibrate-net", dir / ".." / "libexec" / "fabricplan" / "fabricplan-calibrate-net"}) {
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

}  // namespace

int run_calibrate_net(const std::string& mode, const std::vector<std::string>& rest) {
  const std::string helper = helper_path();
  if (helper.empty()) {
    std::fprintf(stderr,
                 "fabricplan calibrate %s: unavailable: fabricplan-calibrate-net (built where libfabric-dev is "
                 "installed) is not beside this executable; install libfabric-dev and rebuild, or import "
                 "fi_pingpong or ib_write_bw logs with `calibrate import`\n",
                 mode.c_str());
    return kExitFailure;
  }
  std::vector<std::string> args{helper, mode};
  args.insert(args.end(), rest.begin(), rest.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  execv(helper.c_str(), argv.data());
  std::perror(("fabricplan calibrate " + mode + ": cannot run " + helper).c_str());
  return kExitFailure;
}

}  // namespace fabricplan::cli
