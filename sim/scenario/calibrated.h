// `simulate --calibration PROFILE`: the measured per-NIC bandwidth replaces the
// scenario's host (NIC) link rate.
//
// The profile gives payload bytes per second of one NIC with all NICs busy
// (per-NIC asymptote x multi-rail efficiency, as `plan` uses it). The simulator's
// links carry wire bytes, so the rate becomes payload x (MTU payload + header) /
// MTU payload of the scenario's first message transport: a lone large message then
// reaches the measured bandwidth. Switch-to-switch links keep the scenario's figure.
#pragma once

#include "calib/profile.h"
#include "sim/scenario/scenario.h"

namespace fabricplan::sim {

void apply_calibration(Scenario& s, const CalibrationProfile& profile);

}  // namespace fabricplan::sim
