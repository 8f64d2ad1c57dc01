// Catalog: the instance types fabricplan knows, loaded from a JSON data file.
//
// The figures live in configs/catalog/instances.json with a source per field, so a
// reader can check each number and a user can plan against their own copy. Lookups of
// unknown names fail with the list of known names and a "did you mean".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/catalog/instance_type.h"

namespace fabricplan {

class Catalog {
 public:
  // Loads and validates the catalog file; throws InputError naming the bad field.
  static Catalog load(const std::string& path);

  // The file shipped in the source tree (or $FABRICPLAN_CATALOG when set).
  static std::string default_path();

  const std::vector<InstanceType>& instances() const { return instances_; }
  const InstanceType* find(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::string& path() const { return path_; }
  // A copy with `extra` added (replacing a type of the same name): a node built for a
  // comparison, e.g. compare's like-for-like InfiniBand reference.
  Catalog with(InstanceType extra) const;

 private:
  std::vector<InstanceType> instances_;
  std::string path_;
};

}  // namespace fabricplan
