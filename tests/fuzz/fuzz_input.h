// Shared by the libFuzzer targets: the parsers take file paths, so each input is written
// to one per-process temporary file first. A target fails (and libFuzzer keeps the input)
// on a crash, a sanitizer report, or any exception other than the parser's documented
// refusal (InputError, or BootstrapError for session messages).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace fabricplan::fuzz {

inline const std::string& input_path(const char* suffix) {
  static const std::string path = "/tmp/fabricplan-fuzz-" + std::to_string(::getpid()) + suffix;
  return path;
}

inline const std::string& write_input(const std::uint8_t* data, std::size_t size, const char* suffix = ".json") {
  const std::string& path = input_path(suffix);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f != nullptr) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

}  // namespace fabricplan::fuzz
