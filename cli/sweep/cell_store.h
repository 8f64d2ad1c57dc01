// Where a sweep keeps its finished cells (OUT.cells/, one file per cell, so a killed
// sweep keeps what it finished and `--resume` runs only the rest). Nothing on disk is
// trusted: the directory must be this user's own (not a link), a resume is refused when
// the sweep file, its base or any file they read has changed since the cells were made
// (a fingerprint of their contents), a cell file must be a regular file whose index and
// shape fit this grid, and cells are written without following links (a temporary made
// with O_EXCL in the directory, renamed into place).
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "cli/sweep/sweep_cell.h"
#include "cli/sweep/sweep_file.h"

namespace fabricplan::cli {

struct SweepOptions;

class CellStore {
 public:
  CellStore(const SweepFile& f, const SweepOptions& o);
  // The cells already finished (with --resume), or none (a fresh start clears the store).
  // Throws InputError for a store that is not this sweep's or has been tampered with.
  std::map<std::size_t, SweepRow> load(bool resume) const;
  void save(const SweepRow& row) const;  // atomic, never through a link
  void clear() const;
  const std::string& dir() const { return dir_; }
  // FNV-1a (64 bit) over the sweep file, its base and every regular file they name.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  void make_dir() const;
  void write_file(const std::string& name, const std::string& text) const;

  std::string dir_;
  std::string fingerprint_;
  std::size_t cells_ = 0, axes_ = 0, figures_ = 0;
};

}  // namespace fabricplan::cli
