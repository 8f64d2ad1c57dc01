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

mode_t current_umask() {
  const mode_t m = ::umask(0);  // the only way to read it; set back at once
  ::umask(m);
  return m;
}

}  // namespace

void write_all(int fd, const std::string& text, const std::string& what) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write " + what + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

void emit(const std::optional<std::string>& path, const std::string& text) {
  if (!path || path->empty() || *path == "-") {
    // Straight to the descriptor, so that a full disk, a closed stdout or a broken pipe
    // is an error (exit 1) instead of a report silently lost in a stream's failbit.
    std::cout.flush();
    write_all(STDOUT_FILENO, text, "the report to standard output");
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
  // The file keeps an existing file's mode, or gets the umask's (profiles carry host
  // names: a 0600 file or a 077 umask stays private).
  mode_t mode = 0666 & ~current_umask();
  if (::stat(target.c_str(), &st) == 0) mode = st.st_mode & 07777;
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) throw std::runtime_error("cannot write " + *path + ": cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno));
  try {
    write_all(fd, text, *path);
    if (::fchmod(fd, mode) != 0) throw std::runtime_error("cannot write " + *path + ": " + std::strerror(errno));
    if (::fsync(fd) != 0 && errno != EINVAL) throw std::runtime_error("cannot write " + *path + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.data());
    throw;
  }
  ::close(fd);
  fs::rename(tmp.data(), target, ec);
  if (ec) {
    ::unlink(tmp.data());
    throw std::runtime_error("cannot write " + *path + ": " + ec.message());
  }
}

}  // namespace fabricplan::cli
