// refpointd: the refpoint server. See `refpointd --help` and docs/OPERATIONS.md.

#include "app/config.hpp"
#include "app/daemon.hpp"

#include <iostream>

int main(int argc, char** argv) {
  auto cli = refpoint::app::parse_command_line(argc, argv);
  if (cli.help) {
    std::cout << refpoint::app::usage_text();
    return 0;
  }
  if (cli.version) {
    std::cout << "refpointd " REFPOINT_VERSION "\n";
    return 0;
  }
  if (!cli.cfg) {
    std::cerr << "refpointd: " << cli.error << "\n";
    return 2;
  }
  return refpoint::app::run_daemon(*cli.cfg);
}
