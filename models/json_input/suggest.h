// "Did you mean" support shared by the JSON reader and the command table: the closest
// candidate by edit distance, if it is close enough to be a plausible typo.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fabricplan {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, or "" when none is within max(2, |word|/3) edits.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "\"a\", \"b\", \"c\"" for messages.
std::string join_quoted(const std::vector<std::string>& names);

}  // namespace fabricplan
