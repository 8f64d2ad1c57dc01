#include "sim/scenario/calibrated.h"

#include <cstdio>

#include "models/json_input/input_error.h"

namespace fabricplan::sim {

void apply_calibration(Scenario& s, const CalibrationProfile& profile) {
  double payload_bytes_per_s = profile.per_nic_bandwidth_bytes_per_s() * profile.multi_rail_efficiency();
  if (payload_bytes_per_s <= 0)
    throw InputError(profile.file, "/nics", "at least one NIC with bandwidth_bytes_per_s", "none");
  double mtu = 0, header = 0;
  for (const auto& t : s.traffic) {
    if (t.kind != "message") continue;
    const PacketFormat& f = t.transport.name == "ib_rc" ? t.transport.ib.format : t.transport.srd.format;
    mtu = f.mtu_payload_bytes;
    header = f.header_bytes;
    break;
  }
  if (mtu == 0) {  // open-loop traffic only: its own packet sizes
    mtu = s.traffic.empty() ? 4096 : s.traffic.front().payload_bytes;
    header = s.traffic.empty() ? 64 : s.traffic.front().header_bytes;
  }
  double wire_gbit_per_s = payload_bytes_per_s * 8 / 1e9 * (mtu + header) / mtu;
  // The packet fabric keeps whole picoseconds per byte: past 8000 Gbit/s that is 0.
  if (wire_gbit_per_s > kMaxLinkGbitPerS) {
    throw InputError(profile.file, "/nics", "a NIC bandwidth the simulator can represent (at most " +
                                                std::to_string(static_cast<int>(kMaxLinkGbitPerS)) + " Gbit/s on the wire)",
                     std::to_string(wire_gbit_per_s) + " Gbit/s");
  }
  s.topology.host_link_gbit_per_s = wire_gbit_per_s;
  char text[512];
  std::snprintf(text, sizeof text,
                "%.3f Gbit/s wire = %.4g B/s payload per NIC (median of %zu NICs x multi-rail efficiency %.3f) x (%g+%g)/%g "
                "from calibration %s%s",
                wire_gbit_per_s, payload_bytes_per_s, profile.nics.size(), profile.multi_rail_efficiency(), mtu, header,
                mtu, profile.file.c_str(), profile.complete ? "" : " (incomplete session)");
  s.figure_sources.emplace_back("host_link_gbit_per_s", text);
  std::snprintf(text, sizeof text, "%.3f Gbit/s from the scenario file", s.topology.link_gbit_per_s);
  s.figure_sources.emplace_back("switch link_gbit_per_s", text);
}

}  // namespace fabricplan::sim
