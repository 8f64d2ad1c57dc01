// The calibration bootstrap's messages as a peer could send them: a hello, then a step
// against a valid hello (what calibrate server and client parse from the network).
#include <nlohmann/json.hpp>

#include "calib/net/bootstrap.h"
#include "calib/net/session_protocol.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fabricplan::calib;
  nlohmann::json j;
  try {  // the bytes as the server reads a message off the wire
    j = parse_session_message(std::string(reinterpret_cast<const char*>(data), size), "fuzz", "a message");
  } catch (const BootstrapError&) {
    return 0;
  }
  try {
    parse_hello(j);
  } catch (const BootstrapError&) {
  }
  Hello session;
  session.provider = "tcp";
  session.rails = 2;
  session.max_bytes = 1 << 20;
  session.window = 16;
  try {
    parse_step(j, session);
  } catch (const BootstrapError&) {
  }
  try {
    parse_names(j, "/names", 2);
  } catch (const BootstrapError&) {
  }
  return 0;
}
