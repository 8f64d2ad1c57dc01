// Writing results: to stdout, or to a file atomically (a temporary file in the same
// directory, renamed into place once complete), so a failed run never leaves a
// half-written report behind.
#pragma once

#include <optional>
#include <string>

namespace fabricplan::cli {

// Writes `text` to `path` (atomically) or to stdout when `path` is empty.
// Throws std::runtime_error naming the path when it cannot be written.
void emit(const std::optional<std::string>& path, const std::string& text);

// Writes all of `text` to `fd` (retrying short writes and EINTR); throws
// std::runtime_error "cannot write WHAT: ..." on failure.
void write_all(int fd, const std::string& text, const std::string& what);

}  // namespace fabricplan::cli
