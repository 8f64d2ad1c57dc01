#include "models/schedule/schedule.h"

#include <cstddef>

namespace fabricplan {

const char* path_policy_name(PathPolicy p) {
  switch (p) {
    case PathPolicy::kSpray: return "spray";
    case PathPolicy::kFlowHash: return "flowhash";
    case PathPolicy::kEntropyHash: return "ecmp";
    case PathPolicy::kDestModK: return "dmodk";
  }
  return "?";
}

std::uint32_t Schedule::class_index(const std::string& name) {
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (classes[i] == name) return static_cast<std::uint32_t>(i);
  }
  classes.push_back(name);
  return static_cast<std::uint32_t>(classes.size() - 1);
}

std::uint32_t Schedule::add(const Transfer& t, const std::vector<std::uint32_t>& waits_for) {
  Transfer x = t;
  x.deps_begin = static_cast<std::uint32_t>(deps.size());
  deps.insert(deps.end(), waits_for.begin(), waits_for.end());
  x.deps_end = static_cast<std::uint32_t>(deps.size());
  transfers.push_back(x);
  return static_cast<std::uint32_t>(transfers.size() - 1);
}

Dependents dependents_of(const Schedule& s) {
  const std::size_t n = s.transfers.size();
  Dependents d;
  d.begin.assign(n + 1, 0);
  for (const Transfer& t : s.transfers) {
    for (std::uint32_t k = t.deps_begin; k < t.deps_end; ++k) ++d.begin[s.deps[k] + 1];
  }
  for (std::size_t i = 0; i < n; ++i) d.begin[i + 1] += d.begin[i];
  d.list.resize(d.begin[n]);
  std::vector<std::uint32_t> fill(d.begin.begin(), d.begin.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const Transfer& t = s.transfers[i];
    for (std::uint32_t k = t.deps_begin; k < t.deps_end; ++k) d.list[fill[s.deps[k]]++] = static_cast<std::uint32_t>(i);
  }
  return d;
}

ScheduleProblem check_schedule(const Schedule& s, std::uint32_t endpoints) {
  const std::size_t n = s.transfers.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Transfer& t = s.transfers[i];
    auto where = [&] { return "transfer " + std::to_string(i) + " (" + std::to_string(t.src) + " -> " + std::to_string(t.dst) + ")"; };
    if (t.stream >= s.streams.size()) return {0, "a stream index below " + std::to_string(s.streams.size()), where()};
    if (t.src >= endpoints || t.dst >= endpoints) {
      return {t.stream, "endpoints in [0, " + std::to_string(endpoints) + ")", where()};
    }
    if (t.src == t.dst) return {t.stream, "a transfer between two distinct endpoints", where() + " to itself"};
    if (t.bytes == 0) return {t.stream, "transfers of at least one byte", where() + " of 0 bytes"};
    if (t.release_ps < 0) return {t.stream, "a release time >= 0", where() + " released at " + std::to_string(t.release_ps) + " ps"};
    for (std::uint32_t k = t.deps_begin; k < t.deps_end; ++k) {
      if (s.deps[k] >= n) return {t.stream, "dependencies on existing transfers", where() + " waiting for transfer " + std::to_string(s.deps[k])};
    }
  }
  // Kahn's algorithm: what is never freed lies on (or behind) a cycle.
  Dependents d = dependents_of(s);
  std::vector<std::uint32_t> waiting(n), ready;
  for (std::size_t i = 0; i < n; ++i) {
    waiting[i] = s.transfers[i].deps_end - s.transfers[i].deps_begin;
    if (waiting[i] == 0) ready.push_back(static_cast<std::uint32_t>(i));
  }
  std::size_t freed = 0;
  while (!ready.empty()) {
    std::uint32_t i = ready.back();
    ready.pop_back();
    ++freed;
    for (std::uint32_t k = d.begin[i]; k < d.begin[i + 1]; ++k) {
      if (--waiting[d.list[k]] == 0) ready.push_back(d.list[k]);
    }
  }
  if (freed < n) {
    for (std::size_t i = 0; i < n; ++i) {
      if (waiting[i]) {
        return {s.transfers[i].stream, "a waits-for relation without cycles",
                "transfer " + std::to_string(i) + " on a cycle (" + std::to_string(n - freed) + " transfers can never start)"};
      }
    }
  }
  return {};
}

}  // namespace fabricplan
