#include "cli/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <vector>

namespace fabricplan::cli {
namespace {

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

void emit(const std::optional<std::string>& path, const std::string& text) {
  if (!path || path->empty() || *path == "-") {
    std::cout << text << std::flush;
    return;
  }
  namespace fs = std::filesystem;
  // A symlink is written through: its target is replaced atomically, the link stays.
  std::error_code ec;
  fs::path target = fs::path(*path);
  if (fs::is_symlink(target, ec)) {
    target = fs::canonical(target, ec);  // a dangling link: an error, not a new file elsewhere
    if (ec) throw std::runtime_error("cannot write " + *path + ": " + ec.message());
  }
  ec.clear();
  // Something that is not a regular file (/dev/null, a pipe) is written in place: it is
  // never replaced by a rename.
  struct stat st{};
  if (::stat(target.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot write " + *path + ": " + std::strerror(errno));
    try {
      write_all(fd, text, *path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    return;
  }
  // A regular file: written whole to an unpredictable temporary in the same directory
  // (mkstemp, O_EXCL: a link planted there is never followed), then renamed into place.
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string pattern = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> tmp(pattern.begin(), pattern.end());
  tmp.push_back('\0');
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw std::runtime_error("cannot write " + *path + ": cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno));
  try {
    write_all(fd, text, *path);
    if (::fsync(fd) != 0 && errno != EINVAL) throw std::runtime_error("cannot write " + *path + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.data());
    throw;
  }
  ::close(fd);
  ::chmod(tmp.data(), 0644);
  fs::rename(tmp.data(), target, ec);
  if (ec) {
    ::unlink(tmp.data());
    throw std::runtime_error("cannot write " + *path + ": " + ec.message());
  }
}

}  // namespace fabricplan::cli
