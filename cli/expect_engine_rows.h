// `expect --engine flow|packet`: the options read from the command line, every row
// estimated before any runs (a row past the budget refuses the command with its
// estimate), then each row's network term measured (planner/expect/expect_engine.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/args.h"
#include "planner/expect/expect_engine.h"

namespace fabricplan::cli {

struct ExpectEngineRun {
  ExpectEngineOptions options;
  ExpectFabric fabric;
};

// nullopt for --engine analytic (the default). Throws UsageError on a bad option.
std::optional<ExpectEngineRun> expect_engine_setup(const Args& args, const collective::NodeTiers& tiers, int nodes);

// One row per size; refuses (UsageError naming the row and its estimate) before running any.
std::vector<ExpectEngineRow> run_expect_rows(const ExpectEngineRun& run, collective::Op op, const std::vector<double>& sizes,
                                             const std::vector<collective::Prediction>& predictions);

// The lines text and JSON add: what the engine ran on, and one detail line per row.
std::string expect_engine_header(const ExpectEngineRun& run);
std::string expect_engine_detail_text(const std::vector<ExpectEngineRow>& rows);

}  // namespace fabricplan::cli
