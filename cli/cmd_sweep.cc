// `fabricplan sweep SWEEP.json [-o TABLE.csv|.json|.html] [--format csv|json|html] [--resume]`:
// every cell of a what-if grid (cli/sweep/). Under `mpirun -np N` the cells are spread
// over the ranks by fabricplan-sweep-mpi (built where MPI is found), which this execs,
// so that plain runs never load MPI.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/guard.h"
#include "cli/sweep/sweep_runner.h"

namespace fabricplan::cli {
namespace {

// The world size an MPI launcher gives its processes (Open MPI, MPICH/Hydra, Slurm PMI).
int launcher_world_size() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* v = std::getenv(var); v && *v) return std::atoi(v);
  }
  return 1;
}

int exec_mpi_helper(const std::vector<std::string>& argv) {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string helper;
  if (n > 0) {
    self[n] = '\0';
    const std::filesystem::path dir = std::filesystem::path(self).parent_path();
    for (const auto& c : {dir / "fabricplan-sweep-mpi", dir / ".." / "libexec" / "fabricplan" / "fabricplan-sweep-mpi"}) {
      if (access(c.c_str(), X_OK) == 0) {
        helper = c.string();
        break;
      }
    }
  }
  if (helper.empty()) {
    std::fprintf(stderr, "fabricplan sweep: started by an MPI launcher, but fabricplan-sweep-mpi (built where "
                         "libopenmpi-dev is installed) is not beside this executable; run without mpirun, or "
                         "install libopenmpi-dev and rebuild\n");
    return kExitFailure;
  }
  std::vector<std::string> args{helper};
  args.insert(args.end(), argv.begin(), argv.end());
  std::vector<char*> c;
  for (auto& a : args) c.push_back(a.data());
  c.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  execv(helper.c_str(), c.data());
  std::perror(("fabricplan sweep: cannot run " + helper).c_str());
  return kExitFailure;
}

}  // namespace

int run_sweep(const std::vector<std::string>& argv) {
  if (launcher_world_size() > 1) return exec_mpi_helper(argv);
  return guarded("sweep", usage_of("sweep"), [&] {
    bool help = false;
    SweepOptions o = sweep_options(argv, &help);
    if (help) return kExitOk;
    SweepFile f = read_sweep_file(o.sweep_path);
    return run_sweep_local(f, o);
  });
}

}  // namespace fabricplan::cli
