#pragma once
/// refpointd's life: open the store, recover, start the actors and the gateway, serve until
/// SIGTERM/SIGINT, drain, stop every actor, return the exit code (DESIGN §6).

#include "app/config.hpp"

namespace refpoint::app {

/// Runs the server. Returns 0 after a clean drain; on a start-up failure prints one line
/// `refpointd: <reason>` to stderr and returns 1, or 2 when a setting cannot be used (a TLS
/// file that cannot be read or parsed).
int run_daemon(const config& cfg);

} // namespace refpoint::app
