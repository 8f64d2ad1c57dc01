// Running a sweep: the cells that are not done yet, each saved as it finishes
// (cell_store.h), then the table written whole and the cell files removed. Used by `fabricplan sweep` in one process and by fabricplan-sweep-mpi.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/sweep/cell_store.h"
#include "cli/sweep/sweep_cell.h"
#include "cli/sweep/sweep_file.h"

namespace fabricplan::cli {

struct SweepOptions {
  std::string sweep_path;
  std::optional<std::string> out;  // the table; stdout when absent
  std::string format;              // csv | json | html
  bool resume = false;
  std::size_t stop_after = 0;      // > 0: stop after this many new cells, as a kill would (tests)
};

// Reads the options of `fabricplan sweep` (throws UsageError).
SweepOptions sweep_options(const std::vector<std::string>& argv, bool* help_printed);

// Writes the table (all cells done) and removes the store; returns the exit code: 0, or
// 1 when some cells failed (their rows say why; the others are in the table).
int finish_sweep(const SweepFile& f, const SweepOptions& o, const CellStore& store, const std::map<std::size_t, SweepRow>& done);

// One process: every cell not in `done`, in order, with a progress line and an ETA.
int run_sweep_local(const SweepFile& f, const SweepOptions& o);

}  // namespace fabricplan::cli
