// `fabricplan catalog [--format text|json] [--sources]`
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/guard.h"
#include "cli/output.h"
#include "models/catalog/catalog.h"
#include "models/json_input/report_fields.h"

namespace fabricplan::cli {

int run_catalog(const std::vector<std::string>& argv) {
  return guarded("catalog", usage_of("catalog"), [&] {
    Args args(spec_of("catalog"), argv);
    if (args.help_printed()) return kExitOk;
    if (!args.positionals().empty()) throw UsageError("catalog takes no positional arguments");
    std::string format = args.get_or("--format", "text");
    if (format != "text" && format != "json") throw UsageError("--format must be text or json");
    Catalog catalog = Catalog::load(args.get_or("--catalog", Catalog::default_path()));
    std::ostringstream os;
    if (format == "json") {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const auto& t : catalog.instances()) {
        list.push_back({{"name", t.name}, {"fabric", fabric_kind_name(t.fabric)},
                     {"accelerator", t.accelerator}, {"accelerators", t.accelerators},
                     {"interfaces", t.interfaces}, {"interface_gbit_per_s", t.interface_gbit_per_s},
                     {"aggregate_gbit_per_s", t.aggregate_gbit_per_s}, {"nvswitch", t.nvswitch},
                     {"efa_only_interfaces", t.efa_only_interfaces},
                     {"accelerator_nics", t.accelerator_nics}, {"notes", t.notes}});
      }
      nlohmann::ordered_json j;
      stamp_report_fields(j, "fabricplan.catalog", 2);  // 1 was a bare array
      j["catalog"] = catalog.path();
      j["units"] = {{"interface_gbit_per_s", "Gbit/s = 1e9 bit/s per direction"},
                    {"aggregate_gbit_per_s", "Gbit/s per node, per direction"}};
      j["instances"] = list;
      os << j.dump(2) << "\n";
    } else {
      char line[256];
      std::snprintf(line, sizeof line, "%-18s %-4s %-20s %5s %5s %14s %16s %-9s %-8s\n", "instance",
                    "fab", "accelerator", "accel", "nics", "Gbit/s per NIC", "Gbit/s per node", "NVSwitch",
                    "EFA-only");
      os << line;
      for (const auto& t : catalog.instances()) {
        std::snprintf(line, sizeof line, "%-18s %-4s %-20s %5d %5d %14.0f %16.0f %-9s %-8s\n",
                      t.name.c_str(), fabric_kind_name(t.fabric), t.accelerator.c_str(),
                      t.accelerators, t.interfaces, t.interface_gbit_per_s,
                      t.aggregate_gbit_per_s, t.nvswitch ? "yes" : "no",
                      t.efa_only_interfaces ? "yes" : "no");
        os << line;
        if (args.has("--sources")) {
          if (!t.notes.empty()) os << "    note: " << t.notes << "\n";
          for (const auto& [field, list] : t.sources) {
            for (const auto& s : list) os << "    " << field << ": " << s << "\n";
          }
        }
      }
      os << "(" << catalog.path() << "; --sources shows where each figure comes from)\n";
    }
    emit(std::nullopt, os.str());
    return kExitOk;
  });
}

}  // namespace fabricplan::cli
