// Reading input files, bounded: every file a user names (spec, scenario, sweep, profile,
// catalog, benchmark JSON, log) is read through here, so a device (/dev/zero), a pipe
// that never ends or a huge file is refused with its size limit instead of exhausting
// memory. Regular files are checked by size before a byte is read; anything else is read
// until the limit and refused past it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace fabricplan {

// JSON inputs: the largest shipped one is ~40 KB; a generated spec or sweep of a few
// MB is plausible, and parsing 64 MiB takes about a second.
inline constexpr std::size_t kMaxJsonInputBytes = std::size_t{64} << 20;
// Logs (NCCL_DEBUG=INFO of many ranks, nccl-tests output, perftest): a few hundred MB.
inline constexpr std::size_t kMaxLogInputBytes = std::size_t{512} << 20;
// A log line longer than this is cut (NCCL's longest lines are a few hundred bytes).
inline constexpr std::size_t kMaxLogLineBytes = 64 << 10;

// The whole of `path`, at most `max_bytes`; `what` names it in errors ("JSON file").
// Throws InputError (file, expected, found) when it cannot be opened or read, is a
// directory, or is larger than `max_bytes`.
std::string read_input_file(const std::string& path, std::size_t max_bytes, std::string_view what);

// Calls `line(number, text)` for each line of `path` (1-based, "\r\n" or "\n", the last
// line's "\n" optional), reading at most `max_bytes` in 64 KiB pieces; a line longer
// than kMaxLogLineBytes is cut there. A line that is not valid UTF-8 is refused at its
// number (text from logs reaches JSON reports, which must be UTF-8).
void for_each_input_line(const std::string& path, std::size_t max_bytes, std::string_view what,
                         const std::function<void(std::size_t, std::string_view)>& line);

// The byte offset of the first invalid UTF-8 sequence in `text`, or npos when valid.
std::size_t first_invalid_utf8(std::string_view text);

}  // namespace fabricplan
