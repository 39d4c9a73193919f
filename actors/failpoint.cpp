#include "actors/failpoint.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

namespace refpoint::actors {

void crash_at(std::string_view name) {
  static const std::string armed = [] {
    const char* value = std::getenv("REFPOINT_FAILPOINT");
    return std::string{value ? value : ""};
  }();
  if (armed.empty() || armed != name)
    return;
  std::cerr << "refpointd: failpoint " << armed << " reached: crashing" << std::endl;
  std::raise(SIGKILL);
}

} // namespace refpoint::actors
