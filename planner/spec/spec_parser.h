// Reads and validates a cluster spec file against the catalog.
//
// Beyond types and ranges, it checks what only the whole spec can tell: instance types
// exist in the catalog, workloads name existing node groups of a fitting role, explicit
// NIC splits fit the instance. Every failure is an InputError with the JSON pointer.
#pragma once

#include <string>

#include "models/catalog/catalog.h"
#include "planner/spec/spec.h"

namespace fabricplan {

ClusterSpec parse_cluster_spec(const std::string& path, const Catalog& catalog);

// Whether `path` holds a cluster spec (a JSON object with "node_groups") rather than a
// scenario; false for anything unreadable (the scenario reader then says why).
bool is_cluster_spec_file(const std::string& path);

}  // namespace fabricplan
