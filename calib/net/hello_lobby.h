// Where the calibration server holds connections until they say hello: many at once,
// each with its own deadline, so silent or slow peers (a port scan, a half-open
// connection, a peer sending one byte a second) cannot hold up a real client behind
// them. The first message of each is read incrementally as bytes arrive (never
// blocking on one peer); a length prefix above kMaxMessageBytes, a peer that closes,
// or one whose deadline passes is dropped with a reason. POSIX poll, no libfabric.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "calib/net/bootstrap.h"

namespace fabricplan::calib {

struct Greeting {
  std::unique_ptr<BootstrapChannel> channel;
  std::string first_message;  // the text of its first message (not yet parsed)
};

class HelloLobby {
 public:
  // `log(line)` hears of every connection and every peer dropped, with why.
  HelloLobby(BootstrapListener& listener, double hello_timeout_s, std::size_t max_pending,
             std::function<void(const std::string&)> log);
  ~HelloLobby();

  // Accepts and reads until one connection's first message is complete; throws
  // BootstrapError when none completes within timeout_s (as accept() does).
  Greeting next(double timeout_s);

  std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending;
  void accept_ready();
  bool read_some(Pending& p);  // true when its first message is complete

  BootstrapListener& listener_;
  double hello_timeout_s_;
  std::size_t max_pending_;
  std::function<void(const std::string&)> log_;
  std::vector<std::unique_ptr<Pending>> pending_;
};

}  // namespace fabricplan::calib
