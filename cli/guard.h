// Runs a subcommand body and turns its exceptions into one stderr message and an exit
// code: InputError and UsageError -> 2, anything else -> 1. The only place where
// errors become text.
#pragma once

#include <functional>
#include <string>

namespace fabricplan::cli {

int guarded(const char* command, const std::string& usage, const std::function<int()>& body);

}  // namespace fabricplan::cli
