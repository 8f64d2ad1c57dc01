// Element types of tensors that cross the fabric, and their size in bytes.
#pragma once

#include <string>
#include <vector>
#include <string_view>

namespace fabricplan {

// Bytes per element for the dtype names specs use; 0 for an unknown name.
constexpr double dtype_bytes(std::string_view name) {
  if (name == "fp32" || name == "float32") return 4;
  if (name == "bf16" || name == "fp16" || name == "float16" || name == "bfloat16") return 2;
  if (name == "fp8" || name == "int8" || name == "float8") return 1;
  return 0;
}

inline const std::vector<std::string>& dtype_names() {
  static const std::vector<std::string> names = {"fp32", "float32", "bf16", "bfloat16", "fp16",
                                                 "float16", "fp8", "float8", "int8"};
  return names;
}

}  // namespace fabricplan
