#include "models/json_input/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "models/json_input/input_error.h"

namespace fabricplan {
namespace {

std::string mib(std::size_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

// An open descriptor, closed on every path out.
class InputFd {
 public:
  InputFd(const std::string& path, std::string_view what) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      throw InputError(path, "", "a readable " + std::string(what), std::string("a file that cannot be opened (") + std::strerror(errno) + ")");
    }
    struct stat st{};
    if (::fstat(fd_, &st) != 0 || S_ISDIR(st.st_mode)) {
      ::close(fd_);
      throw InputError(path, "", "a readable " + std::string(what), "a directory");
    }
    regular_size_ = S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : kNotRegular;
  }
  ~InputFd() { ::close(fd_); }
  InputFd(const InputFd&) = delete;
  InputFd& operator=(const InputFd&) = delete;

  static constexpr std::size_t kNotRegular = ~std::size_t{0};
  std::size_t regular_size() const { return regular_size_; }

  // Up to `n` bytes into `buf`; 0 at the end.
  std::size_t read(char* buf, std::size_t n, std::string_view what) {
    for (;;) {
      const ssize_t got = ::read(fd_, buf, n);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno == EINTR) continue;
      throw InputError(path_, "", "a readable " + std::string(what), std::string("a read error (") + std::strerror(errno) + ")");
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::size_t regular_size_ = kNotRegular;
};

[[noreturn]] void too_large(const std::string& path, std::size_t max_bytes, std::string_view what, const std::string& found) {
  throw InputError(path, "", "a " + std::string(what) + " of at most " + mib(max_bytes), found);
}

}  // namespace

std::string read_input_file(const std::string& path, std::size_t max_bytes, std::string_view what) {
  InputFd in(path, what);
  if (in.regular_size() != InputFd::kNotRegular && in.regular_size() > max_bytes) {
    too_large(path, max_bytes, what, mib(in.regular_size()) + " (" + std::to_string(in.regular_size()) + " bytes)");
  }
  std::string text;
  if (in.regular_size() != InputFd::kNotRegular) text.reserve(in.regular_size());
  constexpr std::size_t kPiece = 64 << 10;
  for (;;) {
    const std::size_t at = text.size();
    text.resize(at + kPiece);
    const std::size_t got = in.read(text.data() + at, kPiece, what);
    text.resize(at + got);
    if (got == 0) break;
    if (text.size() > max_bytes) too_large(path, max_bytes, what, "more than that (a device or a stream that does not end?)");
  }
  return text;
}

void for_each_input_line(const std::string& path, std::size_t max_bytes, std::string_view what,
                         const std::function<void(std::size_t, std::string_view)>& line) {
  InputFd in(path, what);
  if (in.regular_size() != InputFd::kNotRegular && in.regular_size() > max_bytes) {
    too_large(path, max_bytes, what, mib(in.regular_size()) + " (" + std::to_string(in.regular_size()) + " bytes)");
  }
  std::string buf(64 << 10, '\0');
  std::string current;  // the line being assembled, cut at kMaxLogLineBytes
  std::size_t number = 0, total = 0;
  auto finish = [&] {
    ++number;
    if (!current.empty() && current.back() == '\r') current.pop_back();
    if (const std::size_t bad = first_invalid_utf8(current); bad != std::string::npos) {
      char found[96];
      std::snprintf(found, sizeof found, "the byte 0x%02x at column %zu", static_cast<unsigned char>(current[bad]), bad + 1);
      throw InputError(path, "line " + std::to_string(number), "UTF-8 text", found);
    }
    line(number, current);
    current.clear();
  };
  for (;;) {
    const std::size_t got = in.read(buf.data(), buf.size(), what);
    if (got == 0) break;
    total += got;
    if (total > max_bytes) too_large(path, max_bytes, what, "more than that (a device or a stream that does not end?)");
    std::size_t start = 0;
    for (std::size_t i = 0; i < got; ++i) {
      if (buf[i] != '\n') continue;
      const std::size_t room = kMaxLogLineBytes - std::min(kMaxLogLineBytes, current.size());
      current.append(buf.data() + start, std::min(room, i - start));
      finish();
      start = i + 1;
    }
    const std::size_t room = kMaxLogLineBytes - std::min(kMaxLogLineBytes, current.size());
    current.append(buf.data() + start, std::min(room, got - start));
  }
  if (!current.empty()) finish();
}

std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    const unsigned char c = byte(i);
    std::size_t n;
    unsigned lo = 0x80, hi = 0xbf;  // the range of the second byte (RFC 3629's table)
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c == 0xe0) { n = 2; lo = 0xa0; }
    else if (c >= 0xe1 && c <= 0xec) n = 2;
    else if (c == 0xed) { n = 2; hi = 0x9f; }
    else if (c >= 0xee && c <= 0xef) n = 2;
    else if (c == 0xf0) { n = 3; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) n = 3;
    else if (c == 0xf4) { n = 3; hi = 0x8f; }
    else return i;
    if (i + n >= s.size()) return i;  // cut short at the end
    if (byte(i + 1) < lo || byte(i + 1) > hi) return i;
    for (std::size_t k = 2; k <= n; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

}  // namespace fabricplan
