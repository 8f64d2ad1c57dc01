#include "cli/sweep/cell_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "cli/output.h"
#include "cli/sweep/sweep_runner.h"
#include "models/json_input/input_error.h"
#include "models/json_input/input_file.h"

namespace fabricplan::cli {
namespace {

namespace fs = std::filesystem;

struct Fnv1a {
  std::uint64_t h = 14695981039346656037ull;
  void add(const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // a separator no text contains
  }
};

bool regular_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// Every string of `doc` that names a regular file (relative to `dir`): what the cells'
// commands will read (a spec's calibration, a scenario's permutation_file).
void add_named_files(const nlohmann::json& doc, const fs::path& dir, Fnv1a& h, std::vector<std::string>& files) {
  if (doc.is_string()) {
    const std::string& s = doc.get_ref<const std::string&>();
    if (s.empty() || s.size() > 4096) return;
    fs::path p(s);
    if (p.is_relative()) p = dir / p;
    if (regular_file(p)) {
      files.push_back(p.lexically_normal().string());
      h.add(files.back());
      h.add(read_input_file(files.back(), kMaxJsonInputBytes, "file a sweep reads"));
    }
  } else if (doc.is_structured()) {
    for (const auto& v : doc) add_named_files(v, dir, h, files);
  }
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

}  // namespace

CellStore::CellStore(const SweepFile& f, const SweepOptions& o)
    : cells_(f.cell_count()), axes_(f.axes.size()), figures_(f.figures.size()) {
  dir_ = (o.out ? *o.out : fs::path(f.path).filename().string()) + ".cells";
  Fnv1a h;
  std::vector<std::string> files;
  h.add(read_input_file(f.path, kMaxJsonInputBytes, "JSON file"));
  if (!f.base_path.empty()) {
    h.add(read_input_file(f.base_path, kMaxJsonInputBytes, "JSON file"));
    add_named_files(f.base, fs::path(f.base_path).parent_path(), h, files);
  } else {
    h.add(f.base.dump());
  }
  for (const auto& a : f.args) add_named_files(nlohmann::json(a), fs::current_path(), h, files);
  for (const auto& a : f.axes) add_named_files(a.values, f.base_path.empty() ? fs::current_path() : fs::path(f.base_path).parent_path(), h, files);
  fingerprint_ = "fnv1a64 " + hex(h.h);
}

void CellStore::make_dir() const {
  if (::mkdir(dir_.c_str(), 0700) == 0) return;
  if (errno != EEXIST) throw std::runtime_error("cannot create " + dir_ + ": " + std::strerror(errno));
  struct stat st{};
  if (::lstat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
    throw InputError(dir_, "", "a directory of this user's sweep cells", "a link, a file or another user's directory");
  }
}

void CellStore::write_file(const std::string& name, const std::string& text) const {
  std::string pattern = dir_ + "/." + name + ".XXXXXX";
  std::vector<char> tmp(pattern.begin(), pattern.end());
  tmp.push_back('\0');
  const int fd = ::mkstemp(tmp.data());  // O_EXCL: a planted link is never followed
  if (fd < 0) throw std::runtime_error("cannot write in " + dir_ + ": " + std::strerror(errno));
  try {
    write_all(fd, text, dir_ + "/" + name);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.data());
    throw;
  }
  ::close(fd);
  // rename replaces the directory entry (a link planted under the name included); it
  // never writes through it.
  if (::rename(tmp.data(), (dir_ + "/" + name).c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.data());
    throw std::runtime_error("cannot write " + dir_ + "/" + name + ": " + std::strerror(err));
  }
}

std::map<std::size_t, SweepRow> CellStore::load(bool resume) const {
  std::map<std::size_t, SweepRow> done;
  if (!resume) {
    clear();
    return done;
  }
  struct stat st{};
  if (::lstat(dir_.c_str(), &st) != 0) return done;  // nothing finished yet
  make_dir();  // checks it is this user's own directory
  const std::string kept_path = dir_ + "/fingerprint";
  struct stat fst{};
  const bool have = ::lstat(kept_path.c_str(), &fst) == 0 && S_ISREG(fst.st_mode);
  const std::string kept = have ? read_input_file(kept_path, 4096, "sweep fingerprint") : "";
  if (kept != fingerprint_ + "\n") {
    throw InputError(dir_, "", "the cells of this very sweep, base and files they read (--resume)",
                     "cells made from a different or since changed sweep file, base or file it reads");
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("cell-", 0) != 0 || e.path().extension() != ".json") continue;  // temporaries of a killed write
    const std::string path = e.path().string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat cst{};
    const bool regular = fd >= 0 && ::fstat(fd, &cst) == 0 && S_ISREG(cst.st_mode);
    if (fd >= 0) ::close(fd);
    if (!regular) throw InputError(path, "", "a regular cell file", "a link or something else");
    SweepRow r;
    try {
      r = row_from_json(nlohmann::json::parse(read_input_file(path, 1 << 20, "cell file")));
    } catch (const nlohmann::json::exception&) {
      continue;  // written atomically, so never half-written; run it again rather than trust it
    }
    if (r.index >= cells_ || name != "cell-" + std::to_string(r.index) + ".json") {
      throw InputError(path, "/cell", "the index in its name, within this grid's [0, " + std::to_string(cells_) + ")",
                       std::to_string(r.index));
    }
    if (r.axis_values.size() != axes_ || r.figures.size() != figures_) {
      throw InputError(path, "", "a row of " + std::to_string(axes_) + " axis values and " + std::to_string(figures_) + " figures",
                       std::to_string(r.axis_values.size()) + " and " + std::to_string(r.figures.size()));
    }
    done[r.index] = r;
  }
  return done;
}

void CellStore::save(const SweepRow& row) const {
  make_dir();
  write_file("fingerprint", fingerprint_ + "\n");
  write_file("cell-" + std::to_string(row.index) + ".json", row_to_json(row).dump() + "\n");
}

void CellStore::clear() const {
  std::error_code ec;
  fs::remove_all(dir_, ec);  // a link planted as the directory is removed, not followed
}

}  // namespace fabricplan::cli
