#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "calib/net/bootstrap.h"
#include "calib/net/cuda_driver.h"
#include "calib/net/net_session.h"
#include "calib/net/session_protocol.h"

namespace fabricplan::calib {
namespace {
std::atomic<bool> stop_requested{false};  // set by request_client_stop (a signal handler)
}  // namespace

std::vector<std::size_t> sweep_sizes(std::size_t min_bytes, std::size_t max_bytes) {
  std::vector<std::size_t> sizes;
  for (std::size_t b = std::max<std::size_t>(1, min_bytes); b <= max_bytes; b *= 2) sizes.push_back(b);
  if (sizes.empty() || sizes.back() != max_bytes) sizes.push_back(max_bytes);
  return sizes;
}

bool NetResults::measured_anything() const {
  for (const auto& r : rails)
    if (!r.latency.empty() || !r.stream.empty() || !r.bidir.empty()) return true;
  return multirail.has_value();
}

namespace {

std::size_t clamp_count(std::size_t budget_bytes, std::size_t per_unit_bytes, std::size_t lo, std::size_t hi) {
  return std::clamp<std::size_t>(budget_bytes / std::max<std::size_t>(1, per_unit_bytes), lo, std::max(lo, hi));
}

class ClientSession {
 public:
  ClientSession(const ClientOptions& o, const ProgressLog& log, NetResults& out) : o_(o), log_(log), out_(out) {}

  void run() {
    std::vector<RailChoice> choices = choose_rails(o_.provider, o_.rails, 1);
    for (const auto& c : choices) {
      rails_.push_back(std::make_unique<FabricRail>(c, o_.max_bytes, o_.window, out_.buffers));
      out_.rails.push_back(RailResult{c, "", {}, {}, {}});
    }
    local_ready_ = true;
    window_ = o_.window;
    for (const auto& r : rails_) window_ = std::min(window_, r->depth());
    Hello hello{o_.provider, rails_.size(), o_.max_bytes, window_, {}, out_.buffers};
    for (const auto& r : rails_) hello.names.push_back(r->name());

    auto channel = BootstrapChannel::connect(o_.host, o_.port, o_.timeout_s);
    channel_ = &channel;
    channel.send(hello_json(hello), o_.timeout_s);
    nlohmann::json welcome = channel.receive(o_.timeout_s, "the server's welcome");
    if (!welcome.value("ok", false))
      throw BootstrapError("the server refused the session: " + welcome.value("error", std::string("no reason given")));
    auto names = parse_names(welcome, "names", rails_.size());
    // The server is checked as it checks clients: a welcome naming a loopback address
    // (from a remote server) or a name of the wrong length is refused before fi_av_insert.
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (const std::string why = endpoint_name_problem(names[i], o_.provider, channel.peer(), rails_[i]->name().size());
          !why.empty()) {
        throw BootstrapError("refused the server's welcome: " + why);
      }
    }
    out_.peer_host = welcome.value("host", "");
    out_.peer_libfabric_version = welcome.value("libfabric", "");
    for (std::size_t i = 0; i < rails_.size(); ++i) {
      rails_[i]->set_peer(names[i]);
      if (welcome.contains("domains") && welcome["domains"].is_array() && i < welcome["domains"].size())
        out_.rails[i].peer_domain = welcome["domains"][i].get<std::string>();
    }
    std::vector<std::size_t> sizes = sweep_sizes(o_.min_bytes, o_.max_bytes);
    for (std::size_t r = 0; r < rails_.size(); ++r) {
      for (std::size_t b : sizes) if (o_.latency) latency(r, b);
      for (std::size_t b : sizes) if (o_.stream) stream(r, b);
      for (std::size_t b : sizes) if (o_.bidir) bidir_step(r, b);
    }
    if (o_.multirail && rails_.size() > 1) multirail(o_.max_bytes);
    channel.send(step_json(Step{StepKind::kBye, 0, {}}), o_.timeout_s);
  }

  bool local_ready() const { return local_ready_; }

 private:
  // Moves about `budget` bytes per size: small sizes are capped by stream_rounds
  // rounds of the full window; large sizes use fewer, smaller windows (at least 4
  // rounds) so that one point does not take minutes on a slow link.
  StepShape stream_shape(std::size_t bytes, std::size_t budget, std::size_t rail) const {
    StepShape s;
    s.bytes = bytes;
    // The time budget: no more than the last measured rate moves in step_budget_s.
    if (rail < stream_rate_.size() && stream_rate_[rail] > 0) {
      budget = std::min<std::size_t>(budget, static_cast<std::size_t>(stream_rate_[rail] * o_.step_budget_s));
    }
    std::size_t messages = std::max<std::size_t>(budget / bytes, 4);
    s.window = std::clamp<std::size_t>(messages / 4, 1, window_);
    s.iterations = std::clamp<std::size_t>(messages / s.window, 4, std::max<std::size_t>(4, o_.stream_rounds));
    s.warmup = std::max<std::size_t>(1, std::min<std::size_t>(o_.warmup, s.iterations / 4));
    s.timeout_s = o_.timeout_s;
    return s;
  }

  // Sends the step, waits for the server's "ready", runs `body`, waits for "done".
  template <typename Body>
  void bracket(const Step& step, Body body) {
    if (stop_requested.load()) throw BootstrapError("interrupted by a signal: stopped before the next step");
    channel_->send(step_json(step), o_.timeout_s);
    std::string what = std::string(step_name(step.kind)) + " step at " + std::to_string(step.shape.bytes) + " bytes";
    nlohmann::json ready = channel_->receive(o_.timeout_s, "the server's ready for the " + what);
    if (!ready.value("ready", false)) throw BootstrapError("the server could not start the " + what + ": " + ready.value("error", std::string("?")));
    body();
    // The server finishes its side before it answers; allow it one more step's time.
    nlohmann::json done = channel_->receive(o_.timeout_s + 60, "the server's done for the " + what);
    if (!done.value("done", false)) throw BootstrapError("the server failed the " + what + ": " + done.value("error", std::string("?")));
  }

  void latency(std::size_t r, std::size_t bytes) {
    StepShape s;
    s.bytes = bytes;
    s.iterations = clamp_count(o_.bytes_per_point, 2 * bytes, 10, o_.latency_iterations);
    // The time budget, from the last size's round trip (x2: this size may be slower).
    if (r < latency_us_.size() && latency_us_[r] > 0) {
      const double round_trip_s = 2 * 2 * latency_us_[r] * 1e-6;
      s.iterations = std::clamp<std::size_t>(static_cast<std::size_t>(o_.step_budget_s / round_trip_s), 10, s.iterations);
    }
    s.warmup = std::min(o_.warmup, s.iterations);
    s.timeout_s = o_.timeout_s;
    LatencyPoint p;
    bracket(Step{StepKind::kLatency, r, s}, [&] { p = pingpong_initiator(*rails_[r], s); });
    out_.rails[r].latency.push_back(p);
    latency_us_.resize(rails_.size(), 0);
    latency_us_[r] = p.median_us;
    char line[160];
    std::snprintf(line, sizeof line, "rail %s latency %zu B: %.2f us median (%zu iterations)", out_.rails[r].choice.domain.c_str(),
                  bytes, p.median_us, s.iterations);
    log_(line);
  }

  void stream(std::size_t r, std::size_t bytes) {
    StepShape s = stream_shape(bytes, o_.bytes_per_point, r);
    BandwidthPoint p;
    bracket(Step{StepKind::kStream, r, s}, [&] { p = stream_sender(*rails_[r], s); });
    out_.rails[r].stream.push_back(p);
    stream_rate_.resize(rails_.size(), 0);
    stream_rate_[r] = p.bytes_per_s;
    log_(rate_line("rail " + out_.rails[r].choice.domain + " stream", bytes, p));
  }

  void bidir_step(std::size_t r, std::size_t bytes) {
    StepShape s = stream_shape(bytes, o_.bytes_per_point, r);
    BandwidthPoint p;
    prepare_bidir(*rails_[r], s);  // this side's first window, before the server starts sending
    bracket(Step{StepKind::kBidir, r, s}, [&] { p = bidir(*rails_[r], s); });
    out_.rails[r].bidir.push_back(p);
    log_(rate_line("rail " + out_.rails[r].choice.domain + " bidir", bytes, p));
  }

  static std::string rate_line(const std::string& what, std::size_t bytes, const BandwidthPoint& p) {
    char line[200];
    std::snprintf(line, sizeof line, "%s %zu B: %.3f Gbit/s = %.3f GB/s (%zu messages in %.2f s)", what.c_str(), bytes,
                  p.bytes_per_s * 8 / 1e9, p.bytes_per_s / 1e9, p.messages, p.seconds);
    return line;
  }

  void multirail(std::size_t bytes) {
    // Four times a single point's bytes: thread start-up skew must not count.
    StepShape s = stream_shape(bytes, 4 * o_.bytes_per_point, 0);
    std::vector<BandwidthPoint> points(rails_.size());
    bracket(Step{StepKind::kMultiRail, 0, s}, [&] {
      std::vector<std::exception_ptr> errors(rails_.size());
      std::vector<std::thread> threads;
      for (std::size_t i = 0; i < rails_.size(); ++i)
        threads.emplace_back([&, i] {
          try { rails_[i]->enter_thread(); points[i] = stream_sender(*rails_[i], s); } catch (...) { errors[i] = std::current_exception(); }
        });
      for (auto& t : threads) t.join();
      for (auto& e : errors) if (e) std::rethrow_exception(e);
    });
    MultiRailResult m;
    m.bytes = bytes;
    auto first = points.front().start, last = points.front().end;
    double total = 0;
    for (const auto& p : points) {
      m.per_rail_bytes_per_s.push_back(p.bytes_per_s);
      first = std::min(first, p.start);
      last = std::max(last, p.end);
      total += static_cast<double>(p.messages * p.bytes);
    }
    double span = std::chrono::duration<double>(last - first).count();
    m.aggregate_bytes_per_s = span > 0 ? total / span : 0;
    out_.multirail = m;
    char line[160];
    std::snprintf(line, sizeof line, "all %zu rails at once: %.3f Gbit/s = %.3f GB/s", rails_.size(),
                  m.aggregate_bytes_per_s * 8 / 1e9, m.aggregate_bytes_per_s / 1e9);
    log_(line);
  }

  const ClientOptions& o_;
  const ProgressLog& log_;
  NetResults& out_;
  std::vector<std::unique_ptr<FabricRail>> rails_;
  std::size_t window_ = 1;
  std::vector<double> stream_rate_, latency_us_;  // per rail, the last point measured
  bool local_ready_ = false;
  BootstrapChannel* channel_ = nullptr;
};

}  // namespace

void request_client_stop() { stop_requested.store(true); }

NetResults run_client(const ClientOptions& opts, const ProgressLog& log) {
  NetResults out;
  out.provider = opts.provider;
  out.peer = opts.host + ":" + std::to_string(opts.port);
  out.libfabric_version = libfabric_version();
  out.hmem = provider_supports_hmem(opts.provider, &out.hmem_why);
  out.buffers = opts.buffers;
  if (opts.buffers != BufferKind::kHost) {
    std::string why;
    if (!cuda_device_memory_available(&why))
      throw FabricError(std::string("--buffers ") + buffer_kind_name(opts.buffers) + " is not usable here: " + why);
    out.gpu_name = cuda_device_name(0);
    // GPU memory the provider cannot register goes through host bounce buffers: the
    // path such a host really has, and the profile says why.
    if (!buffers_usable(opts.provider, opts.buffers, &out.gpudirect_why)) {
      out.buffers = BufferKind::kCudaStaged;
      log(out.gpudirect_why + ": measuring the host-staging path (--buffers cuda-staged)");
    }
  }
  ClientSession session(opts, log, out);
  try {
    session.run();
  } catch (const PeerTimeout& e) {
    out.error = e.what();
  } catch (const BootstrapError& e) {
    out.error = e.what();
  } catch (const FabricError& e) {
    if (!session.local_ready()) throw;  // the local provider or a --rails token: nothing was tried yet
    out.error = e.what();
  } catch (const std::exception& e) {
    // Anything else a server's message can cause (a well-framed message of the wrong
    // shape): what was measured is kept and written, incomplete.
    if (!session.local_ready()) throw;
    out.error = std::string("the session failed: ") + e.what();
  }
  return out;
}

}  // namespace fabricplan::calib
