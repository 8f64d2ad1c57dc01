// Temporary files of a sweep's cells (the cell's document beside the base, its report
// and error capture in TMPDIR): removed when the cell ends, and by a SIGINT/SIGTERM
// handler when the sweep is stopped, so a stopped sweep leaves nothing behind but its
// finished cells (which --resume reads).
#pragma once

#include <string>

namespace fabricplan::cli {

// Creates an unpredictable, empty file "DIR/STEM<random>" (mkstemp: O_EXCL, mode 0600)
// and removes it when destroyed or when the process is stopped by SIGINT/SIGTERM.
class SweepTemp {
 public:
  SweepTemp(const std::string& dir, const std::string& stem);
  ~SweepTemp();
  SweepTemp(const SweepTemp&) = delete;
  SweepTemp& operator=(const SweepTemp&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int slot_ = -1;
};

// Installs the SIGINT/SIGTERM handler that removes every live SweepTemp and then lets
// the signal end the process as it would have. Idempotent.
void remove_sweep_temps_on_signals();

}  // namespace fabricplan::cli
