#include "cli/guard.h"

#include <iostream>

#include "cli/args.h"
#include "cli/command.h"
#include "models/json_input/input_error.h"

namespace fabricplan::cli {

int guarded(const char* command, const std::string& usage, const std::function<int()>& body) {
  try {
    return body();
  } catch (const InputError& e) {
    std::cerr << "fabricplan " << command << ": " << e.what() << "\n";
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::cerr << "fabricplan " << command << ": " << e.what() << "\nusage: " << usage << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "fabricplan " << command << ": " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace fabricplan::cli
