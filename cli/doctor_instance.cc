#include "cli/doctor_instance.h"

#include <algorithm>
#include <cctype>

namespace fabricplan::cli {
namespace {

// Upper-case words of a name, split at anything not a letter or digit: "NVIDIA
// A100-SXM4-40GB" -> NVIDIA, A100, SXM4, 40GB.
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      out.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

bool is_memory(const std::string& w) { return w.size() > 2 && w.compare(w.size() - 2, 2, "GB") == 0 && std::isdigit(static_cast<unsigned char>(w[0])); }

// The family word: the first that is neither the vendor nor a memory size.
std::string family(const std::vector<std::string>& ws) {
  for (const auto& w : ws) {
    if (w != "NVIDIA" && w != "AWS" && !is_memory(w)) return w;
  }
  return "";
}

std::string memory(const std::vector<std::string>& ws) {
  for (const auto& w : ws) {
    if (is_memory(w)) return w;
  }
  return "";
}

}  // namespace

std::string rank_line_gpu(const std::string& line) {
  const std::size_t dev = line.find(" device ");
  if (dev == std::string::npos) return "";
  const std::size_t close = line.find(']', dev);
  if (close == std::string::npos) return "";
  std::string gpu = line.substr(close + 1);
  gpu.erase(0, gpu.find_first_not_of(' '));
  while (!gpu.empty() && std::isspace(static_cast<unsigned char>(gpu.back()))) gpu.pop_back();
  // nccl-tests prints "GPU" alone where it cannot name the device.
  return gpu == "GPU" ? "" : gpu.substr(0, 120);
}

bool same_gpu(const std::string& log_gpu, const std::string& catalog_accelerator) {
  const auto a = words(log_gpu), b = words(catalog_accelerator);
  if (family(a).empty() || family(a) != family(b)) return false;
  const std::string ma = memory(a), mb = memory(b);
  return ma.empty() || mb.empty() || ma == mb;
}

std::vector<std::string> instances_matching(const Catalog& catalog, const std::string& log_gpu, int nics) {
  std::vector<std::string> out;
  for (const std::string& name : catalog.names()) {
    const InstanceType* it = catalog.find(name);
    if (it != nullptr && same_gpu(log_gpu, it->accelerator) && (nics < 0 || it->interfaces == nics)) out.push_back(name);
  }
  return out;
}

}  // namespace fabricplan::cli
