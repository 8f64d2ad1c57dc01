#include "sim/traffic/messages.h"

#include <algorithm>
#include <cmath>

namespace fabricplan::sim {

std::vector<MessageSpec> make_pair_messages(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs,
                                            std::uint64_t bytes, std::int64_t at_ps) {
  std::vector<MessageSpec> out;
  for (auto [s, d] : pairs) out.push_back({s, d, bytes, at_ps});
  return out;
}

std::vector<MessageSpec> make_incast(const std::vector<std::uint32_t>& senders, std::uint32_t receiver,
                                     std::uint64_t bytes, std::int64_t at_ps) {
  std::vector<MessageSpec> out;
  for (auto s : senders) out.push_back({s, receiver, bytes, at_ps});
  return out;
}

std::vector<MessageSpec> make_all2all(const All2AllSpec& a) {
  const std::uint32_t G = a.gpus_per_server, N = a.nics_per_server;
  // NICs GPU g sends and receives through (NCCL's PCIe-local assignment).
  auto nics_of = [&](std::uint32_t g) {
    std::vector<std::uint32_t> v;
    if (N >= G) {
      for (std::uint32_t j = g * N / G; j < (g + 1) * N / G; ++j) v.push_back(j);
    } else {
      v.push_back(g * N / G);
    }
    return v;
  };
  std::vector<MessageSpec> out;
  for (std::uint32_t s : a.servers) {
    for (std::uint32_t t : a.servers) {
      if (s == t) continue;  // same server: NVLink
      for (std::uint32_t g = 0; g < G; ++g) {
        for (std::uint32_t h = 0; h < G; ++h) {
          std::vector<std::uint32_t> dst_nics = nics_of(h);
          std::vector<std::uint32_t> src_nics = a.rail_aligned ? dst_nics : nics_of(g);
          std::uint32_t k = static_cast<std::uint32_t>(std::min(src_nics.size(), dst_nics.size()));
          for (std::uint32_t j = 0; j < k; ++j) {
            std::uint64_t share = a.bytes_per_pair / k + (j < a.bytes_per_pair % k ? 1 : 0);
            out.push_back({s * N + src_nics[j], t * N + dst_nics[j], share, a.at_ps});
          }
        }
      }
    }
  }
  return out;
}

std::vector<MessageSpec> make_kv_poisson(const KvPoissonSpec& k, Rng& rng) {
  std::vector<MessageSpec> out;
  if (k.rate_per_s <= 0 || k.decode.empty()) return out;
  const double mean_gap_ps = 1e12 / k.rate_per_s;
  // Lognormal with the given mean: mu = ln(mean) - sigma^2 / 2.
  const double mu = std::log(k.mean_bytes) - k.lognormal_sigma * k.lognormal_sigma / 2;
  for (std::uint32_t src : k.prefill) {
    double t = k.start_ps + rng.exponential(mean_gap_ps);
    while (t < k.start_ps + k.duration_ps) {
      std::uint32_t dst = k.decode[rng.below(k.decode.size())];
      double bytes = k.mean_bytes;
      if (k.lognormal_sigma > 0) {
        // Box-Muller from two uniforms (our own, so every platform draws the same sizes).
        double u1 = 1 - rng.uniform(), u2 = rng.uniform();
        double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
        bytes = std::exp(mu + k.lognormal_sigma * z);
      }
      if (dst != src) out.push_back({src, dst, static_cast<std::uint64_t>(std::max(1.0, std::round(bytes))),
                                     static_cast<std::int64_t>(t)});
      t += rng.exponential(mean_gap_ps);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const MessageSpec& a, const MessageSpec& b) { return a.at_ps < b.at_ps; });
  return out;
}

}  // namespace fabricplan::sim
