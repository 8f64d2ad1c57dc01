#include "calib/importers.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <sstream>

#include "calib/nccl/busbw.h"
#include "models/json_input/input_file.h"
#include "models/json_input/json_reader.h"

namespace fabricplan::calib {
namespace {

// Bounded (a device or an endless pipe is refused at the limit) and UTF-8 checked per
// line: text from these lines reaches the profile's JSON.
std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  for_each_input_line(path, kMaxLogInputBytes, "log file", [&](std::size_t, std::string_view line) { lines.emplace_back(line); });
  return lines;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::istringstream is(s);
  std::vector<std::string> out;
  std::string t;
  while (is >> t) out.push_back(t);
  return out;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; }

// Quotes at most 120 characters of the line: enough to see it, never a whole file.
[[noreturn]] void bad_line(const std::string& path, std::size_t n, const std::string& expected, const std::string& line) {
  const std::string shown = line.size() > 120 ? line.substr(0, 120) + "... (" + std::to_string(line.size()) + " characters)" : line;
  throw InputError(path, "line " + std::to_string(n + 1), expected, "\"" + shown + "\"");
}

// A count or size: a number of at most 2^53 (exact in a double, and far inside uint64;
// 1e300 used to be converted to an integer, which is undefined).
std::uint64_t count(const std::string& path, std::size_t n, double v, const std::string& tok, const std::string& line) {
  if (!(v <= 9007199254740992.0)) bad_line(path, n, "a count or size of at most 2^53 in place of \"" + tok + "\"", line);
  return static_cast<std::uint64_t>(v);
}

double number(const std::string& path, std::size_t n, const std::string& tok, const std::string& line) {
  std::size_t used = 0;
  double v = 0;
  try { v = std::stod(tok, &used); } catch (...) { used = 0; }
  // At most 1e18: every figure of these logs is far below it, and products of one (GB/s
  // x 1e9) stay finite, so no NaN or infinity can reach a profile.
  if (used != tok.size() || !(v >= 0 && v <= 1e18)) bad_line(path, n, "a number in [0, 1e18] in place of \"" + tok + "\"", line);
  return v;
}

// fi_pingpong prints sizes with k/m/g suffixes in powers of 1024 (fabtests' size_str).
double suffixed(const std::string& path, std::size_t n, std::string tok, const std::string& line) {
  double scale = 1;
  if (!tok.empty() && std::isalpha(static_cast<unsigned char>(tok.back()))) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(tok.back())));
    scale = c == 'k' ? 1024.0 : c == 'm' ? 1048576.0 : c == 'g' ? 1073741824.0 : 0;
    if (scale == 0) bad_line(path, n, "a count with a k, m or g suffix", line);
    tok.pop_back();
  }
  return number(path, n, tok, line) * scale;
}

// Launchers prefix every output line when asked to tag it: Open MPI's --tag-output
// ("[1,0]<stdout>:"), MPICH/Intel MPI's -prepend-rank ("[0] ") and Slurm's srun --label
// ("0: "). nccl-tests rows never start with any of these, so they are cut off first.
// Launcher prefixes, parsed by hand in one pass (a std::regex recursed per character
// and overflowed the stack on lines of 50,000+ characters):
//   Open MPI --tag-output "[1,0]<stdout>:" (or <stderr>), MPICH -prepend-rank "[0] ",
//   srun --label "  0: ".
std::string strip_launcher_prefix(const std::string& line) {
  std::size_t i = 0;
  auto digits = [&](std::size_t at) {
    std::size_t k = at;
    while (k < line.size() && std::isdigit(static_cast<unsigned char>(line[k]))) ++k;
    return k;
  };
  if (!line.empty() && line[0] == '[') {
    std::size_t k = digits(1);
    if (k > 1 && k < line.size() && line[k] == ',') {
      std::size_t k2 = digits(k + 1);
      for (const char* tag : {"]<stdout>:", "]<stderr>:"}) {
        if (k2 > k + 1 && line.compare(k2, std::strlen(tag), tag) == 0) {
          i = k2 + std::strlen(tag);
          if (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
          return line.substr(i);
        }
      }
    } else if (k > 1 && k + 1 < line.size() && line[k] == ']' && std::isspace(static_cast<unsigned char>(line[k + 1]))) {
      return line.substr(k + 2);
    }
    return line;
  }
  while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
  std::size_t k = digits(i);
  if (k > i && k + 1 < line.size() && line[k] == ':' && std::isspace(static_cast<unsigned char>(line[k + 1]))) return line.substr(k + 2);
  return line;
}

// The text after `key` and any blanks in `line`, or npos when `key` is absent.
std::size_t after(const std::string& line, const char* key) {
  std::size_t at = line.find(key);
  if (at == std::string::npos) return at;
  at += std::strlen(key);
  while (at < line.size() && std::isspace(static_cast<unsigned char>(line[at]))) ++at;
  return at;
}

// "#  Rank  3 Group  0 ...": '#', blanks, "Rank", blanks, digits, blanks, "Group".
bool rank_line(const std::string& l) {
  std::istringstream in(l);
  std::string hash, rank, number, group;
  return (in >> hash >> rank >> number >> group) && hash == "#" && rank == "Rank" && group == "Group" &&
         number.find_first_not_of("0123456789") == std::string::npos;
}

// Every importer ends the same way: the table's header was there, and rows under it.
void require_table(const std::string& path, bool saw_header, const std::string& expected_header,
                   std::size_t rows) {
  if (!saw_header) throw InputError(path, "", expected_header, "no such header");
  if (rows == 0) throw InputError(path, "", "at least one result row", "none (a truncated log?)");
}

// Older nccl-tests do not print the test name: people name their files after it, with
// or without the underscores ("allreduce.log", "all_reduce_perf.out", "a2a-..." no).
// "" when the name says nothing.
std::string op_from_file_name(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  std::string squeezed;
  for (char c : base) {
    if (c != '_' && c != '-') squeezed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // Longest names first: "allreduce" also contains "reduce".
  static const std::pair<const char*, const char*> names[] = {
      {"reducescatter", "reduce_scatter"}, {"allreduce", "all_reduce"}, {"allgather", "all_gather"},
      {"alltoall", "alltoall"},           {"sendrecv", "sendrecv"},     {"hypercube", "hypercube"},
      {"broadcast", "broadcast"},         {"gather", "gather"},         {"scatter", "scatter"},
      {"reduce", "reduce"}};
  for (const auto& [key, op] : names) {
    if (squeezed.find(key) != std::string::npos) return op;
  }
  return "";
}

// busbw / algbw of nccl-tests' own arithmetic, or 0 for collectives whose factor is
// not modelled here (broadcast, reduce, ...: nccl-tests uses 1 for them).
double expected_bus_factor(const std::string& op, int ranks) {
  if (ranks < 1) return 0;
  if (op == "all_reduce") return bus_factor(CollectiveOp::kAllReduce, ranks);
  if (op == "all_gather") return bus_factor(CollectiveOp::kAllGather, ranks);
  if (op == "reduce_scatter") return bus_factor(CollectiveOp::kReduceScatter, ranks);
  if (op == "alltoall") return bus_factor(CollectiveOp::kAllToAll, ranks);
  if (op == "sendrecv") return bus_factor(CollectiveOp::kSendRecv, ranks);
  return 0;
}

// The log's own busbw / algbw must be nccl-tests' factor for the collective and rank
// count: that catches a misnamed file and a log whose "# Using devices" lines were cut.
// Without a name, the columns decide where they can (a reduction without a root at
// 2(n-1)/n is all_reduce, at (n-1)/n reduce_scatter).
void check_bus_factor(const std::string& path, CollectiveRun& run) {
  const CollectiveRow* best = &run.rows.front();  // the largest algbw: the least rounding
  for (const CollectiveRow& r : run.rows) {
    if (r.algbw_bytes_per_s > best->algbw_bytes_per_s) best = &r;
  }
  if (best->algbw_bytes_per_s < 0.1e9) return;  // two decimals of GB/s say too little
  const double ratio = best->busbw_bytes_per_s / best->algbw_bytes_per_s;
  const double tolerance = 0.006e9 / best->algbw_bytes_per_s + 0.005;  // the columns' rounding
  const auto near = [&](double factor) { return std::abs(ratio - factor) <= tolerance * factor; };
  if (run.op.empty()) {
    const bool reduction = best->redop != "none" && best->root == "-1";
    const int n = run.ranks;
    if (reduction && n > 1 && near(bus_factor(CollectiveOp::kAllReduce, n))) run.op = "all_reduce";
    else if (reduction && n > 1 && near(bus_factor(CollectiveOp::kReduceScatter, n))) run.op = "reduce_scatter";
    else throw InputError(path, "", "the collective named by \"Collective test starting\" or in the file name",
                          "neither, and its columns fit more than one");
    return;
  }
  const double factor = expected_bus_factor(run.op, run.ranks);
  if (factor == 0 || near(factor)) return;
  char expected[160], found[64];
  std::snprintf(expected, sizeof expected, "busbw / algbw = %.3f, nccl-tests' factor for %s over %d ranks", factor,
                run.op.c_str(), run.ranks);
  std::snprintf(found, sizeof found, "%.3f (a misnamed file, or rank lines missing?)", ratio);
  throw InputError(path, "line " + std::to_string(best->line), expected, found);
}

}  // namespace

LogKind detect_log(const std::string& path) {
  for (const auto& raw : read_lines(path)) {
    // nccl-tests' header and summary lines are comments ('#' first, after any launcher
    // prefix): text that merely mentions them (a README) is not a log.
    const std::string l = strip_launcher_prefix(raw);
    const std::size_t first = l.find_first_not_of(" \t");
    const bool comment = first != std::string::npos && l[first] == '#';
    if (comment && (l.find("nThread") != std::string::npos || l.find("Avg bus bandwidth") != std::string::npos ||
                    l.find("out-of-place") != std::string::npos)) {
      return LogKind::kNcclTests;
    }
    if (l.find("usec/xfer") != std::string::npos) return LogKind::kFiPingpong;
    if (l.find("#bytes") != std::string::npos && l.find("BW average") != std::string::npos) return LogKind::kIbWriteBw;
  }
  return LogKind::kUnknown;
}

CollectiveRun import_nccl_tests(const std::string& path) {
  std::vector<std::string> lines = read_lines(path);
  CollectiveRun run;
  run.file = path;
  bool saw_header = false;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string l = strip_launcher_prefix(lines[n]);
    if (std::size_t at = after(l, "Collective test starting:"); at != std::string::npos) {
      std::size_t end = at;
      while (end < l.size() && (std::isalnum(static_cast<unsigned char>(l[end])) || l[end] == '_')) ++end;
      const std::string word = l.substr(at, end - at);
      if (word.size() > 5 && word.compare(word.size() - 5, 5, "_perf") == 0) run.op = word.substr(0, word.size() - 5);
    }
    if (rank_line(l)) ++run.ranks;
    if (std::size_t at = after(l, "NCCL version"); at != std::string::npos && at < l.size() && std::isdigit(static_cast<unsigned char>(l[at]))) {
      run.nccl_version = l.substr(at, l.find_first_of(" \t", at) - at);
    }
    const std::size_t first = l.find_first_not_of(" \t");
    if (first != std::string::npos && l[first] == '#' && l.find("Avg bus bandwidth") != std::string::npos) {
      std::size_t at = after(l, ":");
      char* end = nullptr;
      const double v = at == std::string::npos ? 0 : std::strtod(l.c_str() + at, &end);
      if (at == std::string::npos || end == l.c_str() + at || !(v >= 0 && v <= 1e9)) {  // 1e9 GB/s: an exabyte a second
        bad_line(path, n, "\"# Avg bus bandwidth : <GB/s>\" with a number in [0, 1e9]", l);
      }
      run.avg_busbw_bytes_per_s = v * 1e9;
    }
    if (l.find("out-of-place") != std::string::npos) saw_header = true;
    if (blank(l) || l[0] == '#' || l.find("NCCL") != std::string::npos) continue;
    if (!saw_header) continue;  // text before the table (e.g. NCCL INFO lines)
    // size count type redop root time algbw busbw #wrong time algbw busbw #wrong
    std::vector<std::string> t = split_ws(l);
    if (t.size() != 13) {
      bad_line(path, n, "a nccl-tests row of 13 columns (size count type redop root, then time algbw busbw "
                        "#wrong out of place and in place)", l);
    }
    CollectiveRow r;
    r.bytes = count(path, n, number(path, n, t[0], l), t[0], l);
    r.count = count(path, n, number(path, n, t[1], l), t[1], l);
    r.type = t[2];
    r.redop = t[3];
    r.root = t[4];
    r.line = n + 1;
    r.time_us = number(path, n, t[5], l);
    r.algbw_bytes_per_s = number(path, n, t[6], l) * 1e9;
    r.busbw_bytes_per_s = number(path, n, t[7], l) * 1e9;
    if (t[12] != "N/A") {
      r.in_place_time_us = number(path, n, t[9], l);
      r.in_place_algbw_bytes_per_s = number(path, n, t[10], l) * 1e9;
      r.in_place_busbw_bytes_per_s = number(path, n, t[11], l) * 1e9;
    }
    if (t[8] != "0" && t[8] != "N/A") bad_line(path, n, "a row with 0 wrong results", l);
    run.rows.push_back(r);
  }
  require_table(path, saw_header, "a nccl-tests log with its \"out-of-place in-place\" header", run.rows.size());
  if (run.avg_busbw_bytes_per_s == 0) {
    throw InputError(path, "line " + std::to_string(lines.size()), "the closing \"# Avg bus bandwidth\" line",
                     "end of file (a truncated log?)");
  }
  if (run.op.empty()) run.op = op_from_file_name(path);
  check_bus_factor(path, run);
  return run;
}

PointToPointRun import_fi_pingpong(const std::string& path) {
  std::vector<std::string> lines = read_lines(path);
  PointToPointRun run;
  run.file = path;
  run.tool = "fi_pingpong";
  // Columns are found by name: libfabric 1.17 prints "bytes #sent #ack total time MB/sec
  // usec/xfer Mxfers/sec", older releases "bytes iters total time MB/sec usec/xfer ...".
  std::vector<std::string> header;
  std::size_t c_bytes = 0, c_iters = 1, c_mbs = 0, c_usec = 0;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string& l = lines[n];
    if (l.find("usec/xfer") != std::string::npos) {
      header = split_ws(l);
      for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == "MB/sec") c_mbs = i;
        if (header[i] == "usec/xfer") c_usec = i;
        if (header[i] == "#sent" || header[i] == "iters") c_iters = i;
      }
      if (header[0] != "bytes" || c_mbs == 0 || c_usec == 0) bad_line(path, n, "a header naming bytes, MB/sec and usec/xfer", l);
      continue;
    }
    if (header.empty() || blank(l)) continue;
    std::vector<std::string> t = split_ws(l);
    if (t.size() != header.size()) {
      bad_line(path, n, "a fi_pingpong row of " + std::to_string(header.size()) + " columns like its header", l);
    }
    PointToPointRow r;
    r.bytes = count(path, n, suffixed(path, n, t[c_bytes], l), t[c_bytes], l);
    r.iterations = count(path, n, suffixed(path, n, t[c_iters], l), t[c_iters], l);
    r.bytes_per_s = number(path, n, t[c_mbs], l) * 1e6;
    r.usec_per_xfer = number(path, n, t[c_usec], l);
    run.rows.push_back(r);
  }
  require_table(path, !header.empty(), "a fi_pingpong log with its \"bytes ... usec/xfer\" header", run.rows.size());
  return run;
}

PointToPointRun import_ib_write_bw(const std::string& path) {
  std::vector<std::string> lines = read_lines(path);
  PointToPointRun run;
  run.file = path;
  run.tool = "ib_write_bw";
  bool header = false, gbits = false;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string& l = lines[n];
    if (l.find("#bytes") != std::string::npos) {
      header = true;
      gbits = l.find("Gb/sec") != std::string::npos;
      continue;
    }
    if (!header || blank(l) || l.find("---") != std::string::npos) continue;
    // #bytes #iterations BW peak BW average MsgRate[Mpps]
    std::vector<std::string> t = split_ws(l);
    if (t.size() != 5) bad_line(path, n, "an ib_write_bw row of 5 columns (#bytes #iterations BW-peak BW-average MsgRate)", l);
    PointToPointRow r;
    r.bytes = count(path, n, number(path, n, t[0], l), t[0], l);
    r.iterations = count(path, n, number(path, n, t[1], l), t[1], l);
    double avg = number(path, n, t[3], l);
    r.bytes_per_s = gbits ? avg * 1e9 / 8 : avg * 1048576;  // perftest's MB is 2^20 bytes
    double rate_mpps = number(path, n, t[4], l);
    r.usec_per_xfer = rate_mpps > 0 ? 1 / rate_mpps : 0;
    run.rows.push_back(r);
  }
  require_table(path, header, "an ib_write_bw log with its \"#bytes #iterations BW peak\" header", run.rows.size());
  return run;
}

}  // namespace fabricplan::calib
