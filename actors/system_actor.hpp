#pragma once
/// The system actor: one per virtual system (`Msvm_ComputerSystem`).
///
/// Promises: a request that passes the machine's checks is recorded as a job and answered
/// at once, busy or not; jobs run one at a time, in the order they were accepted (FIFO);
/// different machines run in parallel because each has its own actor.
/// Checks (DESIGN §3, Invalid State): log-based needs replication enabled; RCT needs at
/// least one disk with change tracking.

#include "actors/messages.hpp"
#include "actors/runtime_settings.hpp"

#include <caf/stateful_actor.hpp>

#include <deque>

namespace refpoint::actors {

struct system_actor_state {
  // Not an aggregate: CAF would otherwise try to build the state from the actor pointer
  // (C++20 parenthesized aggregate initialisation of the first member).
  system_actor_state() = default;

  protocol::system_info info;
  persistence::store_actor store;
  runtime_settings settings;
  std::deque<job_actor> queue; ///< accepted jobs waiting their turn, oldest first
  bool busy = false;           ///< a job is running
  static inline const char* name = "system_actor";
};

system_actor::behavior_type
system_actor_impl(system_actor::stateful_pointer<system_actor_state> self,
                  protocol::system_info info, persistence::store_actor store,
                  runtime_settings settings);

/// Why `info` cannot take a reference point of `kind` now, or an empty error.
caf::error check_can_take(const protocol::system_info& info, protocol::rp_kind kind);

} // namespace refpoint::actors
