// fabricplan-sweep-mpi: `fabricplan sweep` across MPI ranks (exec'd by fabricplan when an
// MPI launcher started it). Rank 0 hands out cell indices one at a time to whichever
// worker asks (cells differ in cost by orders of magnitude, so a static split would wait
// on the slowest), saves every row it gets back as the single process would, and writes
// the same table; with one rank it runs the cells itself.
//
// Messages (MPI_COMM_WORLD): worker -> 0, tag kResult: a row as JSON text ("" for the
//   first request); 0 -> worker, tag kWork: the next cell index, or kNoMore.
#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/guard.h"
#include "cli/sweep/sweep_runner.h"
#include "cli/sweep/sweep_temp.h"

namespace {

constexpr int kResult = 1, kWork = 2;
constexpr std::uint64_t kNoMore = UINT64_MAX;

using fabricplan::cli::SweepFile;
using fabricplan::cli::SweepOptions;
using fabricplan::cli::SweepRow;

int master(const SweepFile& f, const SweepOptions& o, int ranks) {
  fabricplan::cli::remove_sweep_temps_on_signals();
  fabricplan::cli::CellStore store(f, o);
  std::map<std::size_t, SweepRow> done = store.load(o.resume);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < f.cell_count(); ++i) {
    if (!done.count(i)) todo.push_back(i);
  }
  std::size_t next = 0, outstanding = 0, received = 0;
  int workers = ranks - 1;
  bool stopping = false;
  auto last_line = std::chrono::steady_clock::now();
  while (workers > 0) {
    MPI_Status st;
    MPI_Probe(MPI_ANY_SOURCE, kResult, MPI_COMM_WORLD, &st);
    int len = 0;
    MPI_Get_count(&st, MPI_CHAR, &len);
    std::string text(static_cast<std::size_t>(len), '\0');
    MPI_Recv(text.data(), len, MPI_CHAR, st.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (!text.empty()) {
      SweepRow r = fabricplan::cli::row_from_json(nlohmann::json::parse(text));
      store.save(r);
      done[r.index] = r;
      --outstanding;
      ++received;
      const auto now = std::chrono::steady_clock::now();
      if (now - last_line > std::chrono::seconds(1) || done.size() == f.cell_count()) {
        last_line = now;
        std::fprintf(stderr, "\rsweep %s: %zu/%zu cells on %d ranks   ", f.name.c_str(), done.size(), f.cell_count(), ranks);
      }
      if (o.stop_after && received >= o.stop_after) stopping = true;
    }
    std::uint64_t cell = kNoMore;
    if (!stopping && next < todo.size()) {
      cell = todo[next++];
      ++outstanding;
    }
    MPI_Send(&cell, 1, MPI_UINT64_T, st.MPI_SOURCE, kWork, MPI_COMM_WORLD);
    if (cell == kNoMore) --workers;
  }
  std::fprintf(stderr, "\n");
  if (done.size() < f.cell_count()) {
    std::fprintf(stderr, "fabricplan sweep: stopped with %zu of %zu cells done; --resume runs the rest\n", done.size(),
                 f.cell_count());
    return 1;
  }
  return fabricplan::cli::finish_sweep(f, o, store, done);
}

void worker(const SweepFile& f) {
  fabricplan::cli::remove_sweep_temps_on_signals();
  std::string result;  // empty: "give me work"
  while (true) {
    MPI_Send(result.data(), static_cast<int>(result.size()), MPI_CHAR, 0, kResult, MPI_COMM_WORLD);
    std::uint64_t cell = kNoMore;
    MPI_Recv(&cell, 1, MPI_UINT64_T, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (cell == kNoMore) return;
    result = fabricplan::cli::row_to_json(fabricplan::cli::run_cell(f, static_cast<std::size_t>(cell))).dump();
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const std::vector<std::string> args(argv + 1, argv + argc);
  // Every rank reads and checks the sweep file; rank 0 reports problems, all stop alike.
  int rc = fabricplan::cli::guarded("sweep", fabricplan::cli::usage_of("sweep"), [&] {
    bool help = false;
    SweepOptions o = fabricplan::cli::sweep_options(args, &help);
    if (help) return fabricplan::cli::kExitOk;
    SweepFile f = fabricplan::cli::read_sweep_file(o.sweep_path);
    if (ranks == 1) return fabricplan::cli::run_sweep_local(f, o);
    if (rank == 0) return master(f, o, ranks);
    worker(f);
    return fabricplan::cli::kExitOk;
  });
  MPI_Finalize();
  return rc;
}
