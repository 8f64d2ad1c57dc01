#include "cli/sweep/sweep_temp.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace fabricplan::cli {
namespace {

// A fixed table the signal handler can read without allocating: a cell has at most
// three temporaries, MPI workers run one cell each.
constexpr int kSlots = 16;
constexpr std::size_t kPathMax = 4096;
char g_paths[kSlots][kPathMax];
std::atomic<bool> g_used[kSlots];

void on_stop(int sig) {
  for (int i = 0; i < kSlots; ++i) {
    if (g_used[i].load()) ::unlink(g_paths[i]);  // async-signal-safe
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

SweepTemp::SweepTemp(const std::string& dir, const std::string& stem) {
  const std::string pattern = (std::filesystem::path(dir) / (stem + "XXXXXX")).string();
  if (pattern.size() >= kPathMax) throw std::runtime_error("a temporary file's path is too long: " + pattern);
  for (int i = 0; i < kSlots && slot_ < 0; ++i) {
    bool expected = false;
    if (!g_used[i].load() && g_used[i].compare_exchange_strong(expected, true)) slot_ = i;
  }
  if (slot_ < 0) throw std::runtime_error("more than 16 sweep temporaries at once");
  // mkstemp fills in the name in the handler's own table: no moment at which the file
  // exists and the handler does not know it.
  std::memcpy(g_paths[slot_], pattern.c_str(), pattern.size() + 1);
  const int fd = ::mkstemp(g_paths[slot_]);
  if (fd < 0) {
    const int err = errno;
    g_used[slot_] = false;
    throw std::runtime_error("cannot create a temporary file in " + dir + ": " + std::strerror(err));
  }
  ::close(fd);
  path_ = g_paths[slot_];
}

SweepTemp::~SweepTemp() {
  g_used[slot_] = false;
  ::unlink(path_.c_str());
}

void remove_sweep_temps_on_signals() {
  static const bool installed = [] {
    struct sigaction sa{};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    return true;
  }();
  (void)installed;
}

}  // namespace fabricplan::cli
