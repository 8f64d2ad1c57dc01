#include "calib/net/hello_lobby.h"

#include <nlohmann/json.hpp>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <algorithm>

namespace fabricplan::calib {

using Clock = std::chrono::steady_clock;

struct HelloLobby::Pending {
  std::unique_ptr<BootstrapChannel> channel;
  Clock::time_point deadline;
  std::string buffer;         // bytes so far: the 4-byte length, then the text
  std::size_t want = 4;       // bytes the message needs in all (4 until the length is known)
};

HelloLobby::HelloLobby(BootstrapListener& listener, double hello_timeout_s, std::size_t max_pending,
                       std::function<void(const std::string&)> log)
    : listener_(listener), hello_timeout_s_(hello_timeout_s), max_pending_(max_pending), log_(std::move(log)) {}

HelloLobby::~HelloLobby() {
  for (const auto& p : pending_) log_("refused " + p->channel->peer() + ": the server stops before its hello");
}

void HelloLobby::accept_ready() {
  // The listener is readable: take one connection (accept returns at once).
  auto p = std::make_unique<Pending>();
  p->channel = std::make_unique<BootstrapChannel>(listener_.accept(1.0));
  p->deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(hello_timeout_s_));
  log_("client " + p->channel->peer() + " connected");
  if (pending_.size() >= max_pending_) {
    // The oldest waits longest for nothing: it makes room.
    log_("refused " + pending_.front()->channel->peer() + ": " + std::to_string(max_pending_) +
         " connections already wait for their hello");
    pending_.erase(pending_.begin());
  }
  pending_.push_back(std::move(p));
}

bool HelloLobby::read_some(Pending& p) {
  for (;;) {
    char buf[4096];
    const std::size_t room = std::min(sizeof buf, p.want - p.buffer.size());
    const ssize_t n = ::read(p.channel->fd(), buf, room);
    if (n > 0) {
      p.buffer.append(buf, static_cast<std::size_t>(n));
      if (p.buffer.size() == 4 && p.want == 4) {
        const auto* b = reinterpret_cast<const unsigned char*>(p.buffer.data());
        const std::uint32_t len = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
        if (len > kMaxMessageBytes) {
          throw BootstrapError("refused a message of " + std::to_string(len) + " bytes from " + p.channel->peer() +
                               " (limit " + std::to_string(kMaxMessageBytes) + ") while waiting for the client's hello");
        }
        if (len == 0) throw BootstrapError("refused an empty message from " + p.channel->peer() + " while waiting for the client's hello");
        p.want = 4 + len;
      }
      if (p.buffer.size() == p.want && p.want > 4) return true;
      continue;
    }
    if (n == 0) {
      throw BootstrapError("peer " + p.channel->peer() + " closed the connection while this side waited for the client's hello");
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    if (errno != EINTR) throw BootstrapError(std::string("read: ") + std::strerror(errno));
  }
}

Greeting HelloLobby::next(double timeout_s) {
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  for (;;) {
    const auto now = Clock::now();
    // Drop those whose hello deadline passed.
    for (std::size_t i = 0; i < pending_.size();) {
      if (pending_[i]->deadline == Clock::time_point::min()) {  // refused (and logged) already
        pending_.erase(pending_.begin() + static_cast<long>(i));
      } else if (pending_[i]->deadline <= now) {
        log_("refused " + pending_[i]->channel->peer() + ": timed out after " +
             std::to_string(static_cast<int>(hello_timeout_s_)) + " s waiting for the client's hello");
        pending_.erase(pending_.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
    if (pending_.empty() && now >= until) {
      throw BootstrapError("no client connected within " + std::to_string(static_cast<int>(timeout_s)) + " s");
    }
    std::vector<pollfd> fds;
    fds.push_back({listener_.fd(), POLLIN, 0});
    for (const auto& p : pending_) fds.push_back({p->channel->fd(), POLLIN, 0});
    auto next_deadline = until;
    for (const auto& p : pending_) next_deadline = std::min(next_deadline, p->deadline);
    const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now).count();
    const int r = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(1, std::min<long long>(wait_ms, 1000))));
    if (r < 0 && errno != EINTR) throw BootstrapError(std::string("poll failed: ") + std::strerror(errno));
    if (r <= 0) continue;
    // Read every readable pending connection; the first complete hello is served.
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Pending& p = *pending_[i - 1];
      bool complete = false;
      try {
        complete = read_some(p);
      } catch (const BootstrapError& e) {
        log_("refused " + p.channel->peer() + ": " + e.what());
        try {  // the reason, for a client that reads it; a scanner never will
          p.channel->send({{"ok", false}, {"error", e.what()}}, 1);
        } catch (const BootstrapError&) {
        }
        p.deadline = Clock::time_point::min();  // dropped on the next pass
        continue;
      }
      if (complete) {
        Greeting g{std::move(p.channel), p.buffer.substr(4)};
        pending_.erase(pending_.begin() + static_cast<long>(i - 1));
        return g;
      }
    }
    for (std::size_t i = 0; i < pending_.size();) {  // those refused above
      if (pending_[i]->deadline == Clock::time_point::min()) pending_.erase(pending_.begin() + static_cast<long>(i));
      else ++i;
    }
    if (fds[0].revents & POLLIN) {
      try {
        accept_ready();
      } catch (const BootstrapError&) {
        // A connection that went away between poll and accept: nothing to do.
      }
    }
  }
}

}  // namespace fabricplan::calib
