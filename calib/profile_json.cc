#include "calib/profile_json.h"

#include <cmath>
#include <ctime>
#include <fstream>
#include <regex>
#include <unistd.h>
#include "models/json_input/input_error.h"
#include "models/json_input/json_reader.h"
#include "models/json_input/report_fields.h"

namespace fabricplan::calib {
namespace {

using ordered_json = nlohmann::ordered_json;

// "p5.48xlarge" on EC2 (Nitro puts the instance type in the DMI product name);
// empty elsewhere, where the product name is a board or VM model instead.
std::string instance_type() {
  std::ifstream in("/sys/devices/virtual/dmi/id/product_name");
  std::string name;
  std::getline(in, name);
  static const std::regex ec2(R"([a-z][a-z0-9-]*\.[0-9]*[a-z0-9]*large|[a-z][a-z0-9-]*\.metal(-[0-9]+xl)?)");
  return std::regex_match(name, ec2) ? name : "";
}

}  // namespace

void stamp_report(ordered_json& j) {
  stamp_report_fields(j, "fabricplan.calibration", 1);
}

ordered_json provenance(const std::string& how) {
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  std::time_t t = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  ordered_json p{{"tool", "fabricplan"}, {"tool_version", FABRICPLAN_VERSION}, {"how", how}, {"host", host}, {"date", date}};
  std::string type = instance_type();
  p["instance_type"] = type.empty() ? ordered_json() : ordered_json(type);
  return p;
}

ordered_json segments_json(const AlphaBetaFit& f) {
  ordered_json segs = ordered_json::array();
  for (const auto& s : f.segments) {
    // The last segment is open-ended; 1e18 bytes stands for "and above".
    segs.push_back({{"min_bytes", s.min_bytes}, {"max_bytes", std::isfinite(s.max_bytes) ? s.max_bytes : 1e18},
                    {"alpha_us", s.alpha_us}, {"beta_bytes_per_s", s.beta_bytes_per_s}});
  }
  return segs;
}

ordered_json fit_json(const AlphaBetaFit& f) {
  return {{"method", "piecewise alpha-beta, weighted least squares on relative error, Huber IRLS, BIC over 1-3 segments"},
          {"r2", f.r2}, {"max_abs_rel_residual", f.max_abs_rel_residual}, {"rel_residuals", f.rel_residuals}};
}

namespace {

bool nullable(const std::string& key) {
  for (const char* k : {"instance_type", "cuda_version", "nccl_version", "error", "gpu", "intra_node", "fit", "stream_fit"}) {
    if (key == k) return true;
  }
  return false;
}

void check_values(const nlohmann::ordered_json& v, const std::string& key, const std::string& pointer,
                  const std::string& file) {
  if (v.is_null() && !nullable(key)) throw InputError(file, pointer, "a value (a number, string or object)", "null");
  if (v.is_number_float() && !std::isfinite(v.get<double>())) {
    throw InputError(file, pointer, "a finite number", std::isnan(v.get<double>()) ? "NaN" : "infinity");
  }
  if (v.is_object()) {
    for (const auto& [k, child] : v.items()) check_values(child, k, pointer + "/" + json_pointer_escape(k), file);
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) check_values(v[i], key, pointer + "/" + std::to_string(i), file);
  }
}

}  // namespace

void check_profile_values(const nlohmann::ordered_json& profile, const std::string& file) {
  check_values(profile, "", "", file);
}

std::string finished_profile_text(const nlohmann::ordered_json& profile, const std::string& source) {
  check_profile_values(profile, "the profile computed from " + source);
  return profile.dump(2) + "\n";
}

}  // namespace fabricplan::calib
