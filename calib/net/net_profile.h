// The profile of `calibrate client`: per rail the fitted latency and bandwidth, the
// raw sweeps, the all-rails-at-once figures, GPUDirect availability and, for a
// session that ended early, what was measured before the error and the error itself.
#pragma once

#include <string>

#include "calib/net/net_session.h"

namespace fabricplan::calib {

std::string net_profile_json(const NetResults& r);

}  // namespace fabricplan::calib
