#include "cli/sweep/sweep_runner.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/args.h"
#include "cli/output.h"
#include "cli/sweep/sweep_table.h"
#include "cli/sweep/sweep_temp.h"
#include "models/json_input/input_error.h"

namespace fabricplan::cli {

SweepOptions sweep_options(const std::vector<std::string>& argv, bool* help_printed) {
  Args args(spec_of("sweep"), argv);
  *help_printed = args.help_printed();
  SweepOptions o;
  if (*help_printed) return o;
  if (args.positionals().size() != 1) throw UsageError("expected exactly one SWEEP file");
  o.sweep_path = args.positionals()[0];
  o.out = args.get("-o");
  o.resume = args.has("--resume");
  o.stop_after = args.unsigned_in("--stop-after", 1, 1ull << 40).value_or(0);
  std::string ext = o.out ? std::filesystem::path(*o.out).extension().string() : "";
  o.format = args.get_or("--format", ext == ".json" ? "json" : ext == ".html" ? "html" : "csv");
  if (o.format != "csv" && o.format != "json" && o.format != "html") throw UsageError("--format must be csv, json or html");
  return o;
}

int finish_sweep(const SweepFile& f, const SweepOptions& o, const CellStore& store, const std::map<std::size_t, SweepRow>& done) {
  std::vector<SweepRow> rows;
  std::size_t failed = 0;
  for (const auto& [i, r] : done) {
    rows.push_back(r);
    failed += r.status != "ok";
  }
  const std::string table = o.format == "json" ? sweep_json(f, rows) : o.format == "html" ? sweep_html(f, rows) : sweep_csv(f, rows);
  emit(o.out, table);
  store.clear();
  if (failed) {
    std::fprintf(stderr, "fabricplan sweep: %zu of %zu cells failed; each row says why, the others are in the table\n", failed,
                 rows.size());
    return 1;
  }
  return 0;
}

int run_sweep_local(const SweepFile& f, const SweepOptions& o) {
  remove_sweep_temps_on_signals();
  CellStore store(f, o);
  std::map<std::size_t, SweepRow> done = store.load(o.resume);
  const std::size_t n = f.cell_count();
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  std::size_t ran = 0, todo = n - done.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (done.count(i)) continue;
    SweepRow r = run_cell(f, i);
    store.save(r);
    done[i] = r;
    ++ran;
    const auto now = std::chrono::steady_clock::now();
    if (now - last > std::chrono::seconds(1) || ran == todo) {
      last = now;
      const double elapsed = std::chrono::duration<double>(now - start).count();
      std::fprintf(stderr, "\rsweep %s: %zu/%zu cells, ETA %.0f s   ", f.name.c_str(), done.size(), n,
                   elapsed / ran * static_cast<double>(todo - ran));
      if (ran == todo) std::fprintf(stderr, "\n");
    }
    if (o.stop_after && ran >= o.stop_after && done.size() < n) {
      std::fprintf(stderr, "\nfabricplan sweep: stopped after %zu cells (--stop-after); --resume runs the other %zu\n", ran,
                   n - done.size());
      return 1;
    }
  }
  return finish_sweep(f, o, store, done);
}

}  // namespace fabricplan::cli
