// The out-of-band TCP channel of `calibrate server` / `calibrate client`.
//
// It carries the test plan, the libfabric endpoint names and one "ready"/"done"
// handshake per measurement step; the measurements themselves go over libfabric.
// Messages are length-prefixed JSON objects (4-byte big-endian length, then UTF-8
// text). Every wait has a deadline, a message above kMaxMessageBytes is refused
// before it is read, and text that is not a JSON object is refused: a stray or
// hostile peer gets an error, never a hang or an allocation of its choosing.
// Standard library and POSIX sockets only (no libfabric), so it is unit-tested here.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>

namespace fabricplan::calib {

// Anything that goes wrong on the channel: unreachable peer, closed connection,
// timeout, malformed or oversized message. The text says which, in words.
class BootstrapError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::uint32_t kMaxMessageBytes = 64 * 1024;

// A received message's text as a JSON object, as every session message is read: nesting
// deeper than 16 levels and anything but an object are BootstrapErrors naming `peer`.
nlohmann::json parse_session_message(const std::string& text, const std::string& peer, const std::string& waiting_for);

class BootstrapChannel {
 public:
  explicit BootstrapChannel(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}
  BootstrapChannel(BootstrapChannel&& o) noexcept : fd_(o.fd_), peer_(std::move(o.peer_)) { o.fd_ = -1; }
  BootstrapChannel& operator=(BootstrapChannel&&) = delete;
  BootstrapChannel(const BootstrapChannel&) = delete;
  ~BootstrapChannel();

  // Connects to host:port (numeric address or name), giving up after timeout_s.
  static BootstrapChannel connect(const std::string& host, int port, double timeout_s);

  void send(const nlohmann::json& message, double timeout_s);
  // Waits at most timeout_s for a whole message; `waiting_for` names it in errors.
  nlohmann::json receive(double timeout_s, const std::string& waiting_for);

  const std::string& peer() const { return peer_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string peer_;
};

class BootstrapListener {
 public:
  // Binds to bind_address:port (a numeric IPv4 or IPv6 address; port 0 picks one).
  BootstrapListener(const std::string& bind_address, int port);
  ~BootstrapListener();
  BootstrapListener(const BootstrapListener&) = delete;
  BootstrapListener& operator=(const BootstrapListener&) = delete;

  int port() const { return port_; }
  int fd() const { return fd_; }
  BootstrapChannel accept(double timeout_s);

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace fabricplan::calib
