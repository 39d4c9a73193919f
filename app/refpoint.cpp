// refpoint: the command-line client of a refpoint server. See `refpoint --help` and
// docs/CLI.md.

#include "app/cli/cli.hpp"
#include "app/cli/exit_codes.hpp"

#include <exception>
#include <iostream>
#include <span>

int main(int argc, char** argv) {
  try {
    const std::span<const char* const> args{argv + 1, static_cast<std::size_t>(argc - 1)};
    return refpoint::cli::run_cli(args, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "refpoint: unexpected answer from the server: " << e.what() << "\n";
    return refpoint::cli::exit_failure;
  }
}
