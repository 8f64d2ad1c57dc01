#include "calib/net/bootstrap.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fabricplan::calib {
namespace {

// Bytes a peer sent, safe to put in a message (and in a JSON error reply): printable
// ASCII kept, anything else as '?'.
std::string printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
  return out;
}

using Clock = std::chrono::steady_clock;

std::string errno_text() { return std::strerror(errno); }

std::string seconds_text(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%g s", s);
  return b;
}

// Waits until fd is readable/writable or the deadline passes; false on timeout.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) throw BootstrapError("poll failed: " + errno_text());
  }
}

Clock::time_point deadline_after(double s) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

std::string address_text(const sockaddr* a) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (a->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(a);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (a->sa_family == AF_INET6) {
    auto* in = reinterpret_cast<const sockaddr_in6*>(a);
    inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof host);
    port = ntohs(in->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

BootstrapChannel::~BootstrapChannel() {
  if (fd_ >= 0) ::close(fd_);
}

BootstrapChannel BootstrapChannel::connect(const std::string& host, int port, double timeout_s) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string where = host + ":" + std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    throw BootstrapError("cannot resolve " + host + ": " + gai_strerror(rc));
  std::string last_error = "no address";
  auto deadline = deadline_after(timeout_s);
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    set_nonblocking(fd);
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      if (!wait_fd(fd, POLLOUT, deadline)) {
        ::close(fd);
        ::freeaddrinfo(found);
        throw BootstrapError("peer " + where + " did not answer within " + seconds_text(timeout_s));
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err ? -1 : 0;
      errno = err;
    }
    if (rc == 0) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ::freeaddrinfo(found);
      return BootstrapChannel(fd, where);
    }
    last_error = errno_text();
    ::close(fd);
  }
  ::freeaddrinfo(found);
  throw BootstrapError("peer " + where + " is unreachable: " + last_error);
}

void BootstrapChannel::send(const nlohmann::json& message, double timeout_s) {
  std::string text = message.dump();
  if (text.size() > kMaxMessageBytes)
    throw BootstrapError("outgoing message of " + std::to_string(text.size()) + " bytes exceeds the " +
                         std::to_string(kMaxMessageBytes) + "-byte limit");
  std::uint32_t n = htonl(static_cast<std::uint32_t>(text.size()));
  std::string frame(reinterpret_cast<const char*>(&n), 4);
  frame += text;
  auto deadline = deadline_after(timeout_s);
  std::size_t done = 0;
  while (done < frame.size()) {
    ssize_t w = ::send(fd_, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
    if (w > 0) { done += static_cast<std::size_t>(w); continue; }
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!wait_fd(fd_, POLLOUT, deadline))
        throw BootstrapError("peer " + peer_ + " did not take a message within " + seconds_text(timeout_s));
      continue;
    }
    throw BootstrapError("peer " + peer_ + " closed the connection (" + errno_text() + ")");
  }
}

nlohmann::json BootstrapChannel::receive(double timeout_s, const std::string& waiting_for) {
  auto deadline = deadline_after(timeout_s);
  auto read_exact = [&](char* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      ssize_t r = ::recv(fd_, out + got, n - got, 0);
      if (r > 0) { got += static_cast<std::size_t>(r); continue; }
      if (r == 0) throw BootstrapError("peer " + peer_ + " closed the connection while this side waited for " + waiting_for);
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        if (!wait_fd(fd_, POLLIN, deadline))
          throw BootstrapError("timed out after " + seconds_text(timeout_s) + " waiting for " + waiting_for +
                               " from " + peer_);
        continue;
      }
      throw BootstrapError("receiving " + waiting_for + " from " + peer_ + " failed: " + errno_text());
    }
  };
  std::uint32_t n_be = 0;
  read_exact(reinterpret_cast<char*>(&n_be), 4);
  std::uint32_t n = ntohl(n_be);
  if (n > kMaxMessageBytes)
    throw BootstrapError("refused a message of " + std::to_string(n) + " bytes from " + peer_ + " (limit " +
                         std::to_string(kMaxMessageBytes) + ") while waiting for " + waiting_for);
  std::string text(n, '\0');
  read_exact(text.data(), n);
  return parse_session_message(text, peer_, waiting_for);
}

nlohmann::json parse_session_message(const std::string& text, const std::string& peer, const std::string& waiting_for) {
  // Session messages are shallow: deeper nesting is refused while parsing (a peer's
  // 64 KiB of '[' would otherwise recurse through every later walk of the value).
  bool too_deep = false;
  auto depth_guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > 16) too_deep = true;
    return !too_deep;
  };
  nlohmann::json j = nlohmann::json::parse(text, depth_guard, /*allow_exceptions=*/false);
  if (too_deep) throw BootstrapError("refused a message nested deeper than 16 levels from " + peer + " while waiting for " + waiting_for);
  if (j.is_discarded() || !j.is_object())
    throw BootstrapError("refused a malformed message from " + peer + " while waiting for " + waiting_for +
                         ": expected a JSON object, found \"" + printable(text.substr(0, 60)) + "\"");
  return j;
}

BootstrapListener::BootstrapListener(const std::string& bind_address, int port) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* in4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (::inet_pton(AF_INET, bind_address.c_str(), &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof *in4;
  } else if (::inet_pton(AF_INET6, bind_address.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof *in6;
  } else {
    throw BootstrapError("--bind: expected a numeric IPv4 or IPv6 address, found \"" + bind_address + "\"");
  }
  fd_ = ::socket(ss.ss_family, SOCK_STREAM, 0);
  if (fd_ < 0) throw BootstrapError("socket: " + errno_text());
  int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) < 0 || ::listen(fd_, 64) < 0) {
    std::string e = errno_text();
    ::close(fd_);
    fd_ = -1;
    throw BootstrapError("cannot listen on " + bind_address + ":" + std::to_string(port) + ": " + e);
  }
  set_nonblocking(fd_);
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ss.ss_family == AF_INET ? ntohs(in4->sin_port) : ntohs(in6->sin6_port);
}

BootstrapListener::~BootstrapListener() {
  if (fd_ >= 0) ::close(fd_);
}

BootstrapChannel BootstrapListener::accept(double timeout_s) {
  auto deadline = deadline_after(timeout_s);
  for (;;) {
    if (!wait_fd(fd_, POLLIN, deadline))
      throw BootstrapError("no client connected within " + seconds_text(timeout_s));
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = ::accept(fd_, reinterpret_cast<sockaddr*>(&peer), &len);
    if (fd >= 0) {
      set_nonblocking(fd);
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return BootstrapChannel(fd, address_text(reinterpret_cast<sockaddr*>(&peer)));
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) throw BootstrapError("accept: " + errno_text());
  }
}

}  // namespace fabricplan::calib
