#pragma once
/// The refpoint CLI's entry point: reads the command line and the environment
/// (REFPOINT_SERVER, REFPOINT_TOKEN), picks the command and runs it (docs/CLI.md).

#include <ostream>
#include <span>
#include <string>

namespace refpoint::cli {

/// Runs the command `args` (argv without the program name) names; answers the exit code.
int run_cli(std::span<const char* const> args, std::ostream& out, std::ostream& err);

/// The full `refpoint --help` text.
std::string help_text();

} // namespace refpoint::cli
