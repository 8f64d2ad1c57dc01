#include <exception>
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>

#include "calib/net/bootstrap.h"
#include "calib/net/hello_lobby.h"
#include "calib/net/net_session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include "calib/net/session_protocol.h"

namespace fabricplan::calib {
namespace {

std::string host_name() {
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  return host;
}

// Runs the server's role of one step on the rails it concerns; the receives a role
// needs in place are posted before "ready" is sent.
void serve_step(const Step& step, std::vector<std::unique_ptr<FabricRail>>& rails, BootstrapChannel& channel,
                double timeout_s) {
  auto ready = [&] { channel.send({{"ready", true}}, timeout_s); };
  FabricRail& rail = *rails[step.rail];
  switch (step.kind) {
    case StepKind::kLatency:
      prepare_responder(rail, step.shape);
      ready();
      pingpong_responder(rail, step.shape);
      break;
    case StepKind::kStream:
      prepare_stream_receiver(rail, step.shape);
      ready();
      stream_receiver(rail, step.shape);
      break;
    case StepKind::kBidir:
      prepare_bidir(rail, step.shape);
      ready();
      bidir(rail, step.shape);
      break;
    case StepKind::kMultiRail: {
      for (auto& r : rails) prepare_stream_receiver(*r, step.shape);
      ready();
      std::vector<std::exception_ptr> errors(rails.size());
      std::vector<std::thread> threads;
      for (std::size_t i = 0; i < rails.size(); ++i)
        threads.emplace_back([&, i] {
          try { rails[i]->enter_thread(); stream_receiver(*rails[i], step.shape); } catch (...) { errors[i] = std::current_exception(); }
        });
      for (auto& t : threads) t.join();
      for (auto& e : errors) if (e) std::rethrow_exception(e);
      break;
    }
    case StepKind::kBye: break;
  }
}

}  // namespace

namespace {

// One session on an accepted channel; false when the peer never sent a valid hello.
bool serve_session(BootstrapChannel& channel, const std::string& first_message, const ServerOptions& opts,
                   const ProgressLog& log) {
  Hello hello;
  std::vector<std::unique_ptr<FabricRail>> rails;
  try {
    hello = parse_hello(parse_session_message(first_message, channel.peer(), "the client's hello"));
    for (const auto& n : hello.names) {
      if (const std::string why = endpoint_name_problem(n, opts.provider, channel.peer(), 0); !why.empty()) {
        throw BootstrapError("refused a hello with " + why);
      }
    }
    if (hello.max_bytes > opts.max_bytes) {
      throw BootstrapError("refused a hello asking for " + std::to_string(hello.max_bytes) + "-byte messages (this server's limit: " +
                           std::to_string(opts.max_bytes) + ", --max-bytes)");
    }
  } catch (const BootstrapError& e) {
    log("refused " + channel.peer() + ": " + e.what());
    try { channel.send({{"ok", false}, {"error", e.what()}}, 5); } catch (const BootstrapError&) {}
    return false;
  }
  try {
    if (hello.provider != opts.provider)
      throw FabricError("the client uses provider " + hello.provider + ", this server " + opts.provider);
    if (std::string why; !buffers_usable(opts.provider, hello.buffers, &why))
      throw FabricError(std::string("the client asked for ") + buffer_kind_name(hello.buffers) + " buffers, not usable on this server: " + why);
    // --bind without --rails, on a socket provider: serve the rail of that address, not
    // the first interface (shm and efa domains have no IP address to match).
    std::vector<std::string> tokens = opts.rails;
    const bool sockets = opts.provider == "tcp" || opts.provider == "udp" || opts.provider == "sockets";
    if (tokens.empty() && sockets && opts.bind != "0.0.0.0" && opts.bind != "::") tokens.assign(hello.rails, opts.bind);
    std::vector<RailChoice> choices = choose_rails(opts.provider, tokens, hello.rails);
    if (choices.size() != hello.rails)
      throw FabricError("the client has " + std::to_string(hello.rails) + " rails, this server was given " +
                        std::to_string(choices.size()) + " with --rails");
    for (const auto& c : choices) rails.push_back(std::make_unique<FabricRail>(c, hello.max_bytes, hello.window, hello.buffers));
    for (std::size_t i = 0; i < rails.size(); ++i) {
      if (const std::string why = endpoint_name_problem(hello.names[i], opts.provider, channel.peer(), rails[i]->name().size());
          !why.empty()) {
        throw FabricError("refused a hello with " + why);
      }
      rails[i]->set_peer(hello.names[i]);
    }
  } catch (const std::exception& e) {
    // Tell the client why, then fail here too; a closed channel is not worth a second error.
    try { channel.send({{"ok", false}, {"error", e.what()}}, 5); } catch (const BootstrapError&) {}
    throw;
  }
  nlohmann::json names = nlohmann::json::array(), domains = nlohmann::json::array();
  for (const auto& r : rails) {
    names.push_back(to_hex(r->name()));
    domains.push_back(r->choice().domain);
  }
  channel.send({{"ok", true}, {"names", names}, {"domains", domains}, {"host", host_name()}, {"libfabric", libfabric_version()}},
               opts.idle_timeout_s);
  for (;;) {
    Step step = parse_step(channel.receive(opts.idle_timeout_s, "the client's next step"), hello);
    if (step.kind == StepKind::kBye) break;
    // The client names its step's timeout; this server's own bounds every wait.
    step.shape.timeout_s = std::min(step.shape.timeout_s, opts.idle_timeout_s);
    try {
      serve_step(step, rails, channel, opts.idle_timeout_s);
    } catch (const FabricError& e) {
      try { channel.send({{"done", false}, {"error", e.what()}}, 5); } catch (const BootstrapError&) {}
      throw;
    }
    channel.send({{"done", true}}, opts.idle_timeout_s);
  }
  log("client " + channel.peer() + " finished");
  return true;
}

}  // namespace

void run_server(const ServerOptions& opts, const ProgressLog& log) {
  // Fail at start, not when a client comes: the provider must offer a domain here (on a
  // host without EFA, --provider efa stops now), and --rails must name existing ones.
  const std::vector<RailChoice> here = list_rails(opts.provider);
  if (here.empty()) throw FabricError("libfabric provider \"" + opts.provider + "\" lists no domain on this host");
  if (!opts.rails.empty()) choose_rails(opts.provider, opts.rails, opts.rails.size());
  BootstrapListener listener(opts.bind, opts.port);
  log("listening on " + opts.bind + ":" + std::to_string(listener.port()) + " (provider " + opts.provider + ")");
  // Connections wait for their hello together (hello_lobby.h): a silent or slow peer
  // holds only itself. Sessions are served one at a time; a client that connects during
  // one waits in the listen backlog and is served next (queued, not refused).
  HelloLobby lobby(listener, std::min(opts.hello_timeout_s, opts.idle_timeout_s), 64,
                   [&](const std::string& line) { log(line); });
  for (std::size_t served = 0; opts.sessions == 0 || served < opts.sessions;) {
    Greeting g = lobby.next(opts.accept_timeout_s);
    if (opts.sessions != 0) {
      if (serve_session(*g.channel, g.first_message, opts, log)) ++served;
      continue;
    }
    // Serving until killed: one client's failed session (it disconnected, its rails did
    // not match) ends that session, not the service.
    try {
      serve_session(*g.channel, g.first_message, opts, log);
    } catch (const std::exception& e) {
      log("session with " + g.channel->peer() + " failed: " + e.what() + "; serving the next client");
    }
  }
}

}  // namespace fabricplan::calib
