#include "models/catalog/catalog.h"

#include <algorithm>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <set>

#include "models/json_input/json_reader.h"
#include "models/topology/topology.h"

namespace fabricplan {

std::string InstanceType::device_name(int i) const {
  if (i >= 0 && static_cast<std::size_t>(i) < device_names.size()) return device_names[i];
  return (fabric == FabricKind::kEfa ? "efa" : "hca") + std::to_string(i);
}

const char* fabric_kind_name(FabricKind kind) {
  return kind == FabricKind::kEfa ? "efa" : "ib";
}

namespace {

std::vector<std::vector<int>> read_nic_map(const JsonNode& node, int accelerators,
                                           int interfaces) {
  std::size_t n = node.array_size();
  if (n != static_cast<std::size_t>(accelerators)) {
    node.fail("one entry per accelerator (" + std::to_string(accelerators) + ")",
              "an array of " + std::to_string(n));
  }
  std::vector<std::vector<int>> map(n);
  std::set<int> covered;
  for (std::size_t g = 0; g < n; ++g) {
    JsonNode list = node.at(g);
    std::size_t k = list.array_size(1);
    for (std::size_t j = 0; j < k; ++j) {
      int nic = static_cast<int>(list.at(j).integer(0, interfaces - 1));
      map[g].push_back(nic);
      covered.insert(nic);
    }
  }
  if (covered.size() != static_cast<std::size_t>(interfaces)) {
    node.fail("every interface 0.." + std::to_string(interfaces - 1) +
                  " local to at least one accelerator",
              std::to_string(covered.size()) + " interfaces covered");
  }
  return map;
}

InstanceType read_instance(const JsonNode& node) {
  node.expect_object({"name", "fabric", "accelerator", "accelerators", "interfaces",
                      "interface_gbit_per_s", "aggregate_gbit_per_s", "nvswitch",
                      "intra_node", "efa_generation", "efa_only_interfaces",
                      "accelerator_nics", "device_names", "default_efficiency", "sources",
                      "notes"});
  InstanceType t;
  t.name = node.at("name").string();
  t.fabric = node.at("fabric").one_of({"efa", "ib"}) == "efa" ? FabricKind::kEfa
                                                              : FabricKind::kInfiniband;
  t.accelerator = node.at("accelerator").string();
  t.accelerators = static_cast<int>(node.at("accelerators").integer(1, 1024));
  t.interfaces = static_cast<int>(node.at("interfaces").integer(1, 1024));
  t.interface_gbit_per_s = node.at("interface_gbit_per_s").in_range(kMinLinkGbitPerS, kMaxNicGbitPerS);
  t.aggregate_gbit_per_s = node.at("aggregate_gbit_per_s").positive();
  double product = t.interfaces * t.interface_gbit_per_s;
  if (std::abs(product - t.aggregate_gbit_per_s) > 1e-6 * product) {
    node.at("aggregate_gbit_per_s")
        .fail("interfaces x interface_gbit_per_s = " + std::to_string(product));
  }
  t.nvswitch = node.at("nvswitch").boolean();
  t.intra_node = node.string_or("intra_node", "");
  t.efa_generation = node.string_or("efa_generation", "");
  t.efa_only_interfaces = node.boolean_or("efa_only_interfaces", false);
  t.accelerator_nics = read_nic_map(node.at("accelerator_nics"), t.accelerators, t.interfaces);
  if (node.has("device_names")) {
    JsonNode names = node.at("device_names");
    std::size_t n = names.array_size();
    if (n != static_cast<std::size_t>(t.interfaces)) {
      names.fail("one name per interface (" + std::to_string(t.interfaces) + ")",
                 "an array of " + std::to_string(n));
    }
    for (std::size_t i = 0; i < n; ++i) t.device_names.push_back(names.at(i).string());
  }
  t.default_efficiency = node.at("default_efficiency").in_range(0.01, 1.0);
  JsonNode sources = node.at("sources");
  for (const auto& field : sources.keys()) {
    JsonNode list = sources.at(field);
    std::size_t n = list.array_size(1);
    for (std::size_t i = 0; i < n; ++i) t.sources[field].push_back(list.at(i).string());
  }
  t.notes = node.string_or("notes", "");
  return t;
}

}  // namespace

std::string Catalog::default_path() {
  if (const char* env = std::getenv("FABRICPLAN_CATALOG"); env && *env) return env;
  // An installed fabricplan (cmake --install) finds its configs beside itself, in
  // PREFIX/share/fabricplan; a build-tree one in the source tree it was built from.
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    const std::filesystem::path installed =
        std::filesystem::path(self).parent_path() / ".." / "share" / "fabricplan" / "configs" / "catalog" / "instances.json";
    std::error_code ec;
    if (std::filesystem::exists(installed, ec)) return installed.lexically_normal().string();
  }
  return std::string(FABRICPLAN_SOURCE_DIR) + "/configs/catalog/instances.json";
}

Catalog Catalog::load(const std::string& path) {
  JsonDocument doc = JsonDocument::load(path);
  JsonNode root = doc.root();
  root.expect_object({"$schema", "catalog_version", "units", "instances"});
  root.at("catalog_version").integer(1, 1);
  Catalog catalog;
  catalog.path_ = path;
  JsonNode list = root.at("instances");
  std::size_t n = list.array_size(1);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < n; ++i) {
    InstanceType t = read_instance(list.at(i));
    if (!seen.insert(t.name).second) {
      list.at(i).at("name").fail("a name not used by an earlier entry");
    }
    catalog.instances_.push_back(std::move(t));
  }
  return catalog;
}

const InstanceType* Catalog::find(const std::string& name) const {
  for (const auto& t : instances_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<std::string> Catalog::names() const {
  std::vector<std::string> out;
  for (const auto& t : instances_) out.push_back(t.name);
  return out;
}

Catalog Catalog::with(InstanceType extra) const {
  Catalog c = *this;
  auto same = [&](const InstanceType& t) { return t.name == extra.name; };
  c.instances_.erase(std::remove_if(c.instances_.begin(), c.instances_.end(), same), c.instances_.end());
  c.instances_.push_back(std::move(extra));
  return c;
}

}  // namespace fabricplan
