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
#include <caf/typed_response_promise.hpp>

#include <deque>
#include <optional>
#include <string>

namespace refpoint::actors {

struct system_actor_state {
  // Not an aggregate: CAF would otherwise try to build the state from the actor pointer
  // (C++20 parenthesized aggregate initialisation of the first member).
  system_actor_state() = default;
  /// Takes the machine's job actors down with it. They are not linked to it: a link is
  /// undone by a linear search of the system's links, and a busy machine may have thousands
  /// of queued jobs ending one after another.
  ~system_actor_state();
  system_actor_state(const system_actor_state&) = delete;
  system_actor_state& operator=(const system_actor_state&) = delete;

  protocol::system_info info;
  persistence::store_actor store;
  runtime_settings settings;
  /// An operation of this machine: one of its own jobs (with its actor), or a collection
  /// job's reservation (no actor; its promise is answered when the reservation is granted).
  struct job_entry {
    std::string id;
    job_actor actor;
    caf::typed_response_promise<protocol::system_info> reservation;
    bool is_reservation() const { return !actor; }
  };
  std::deque<job_entry> queue;      ///< accepted jobs waiting their turn, oldest first
  std::size_t recording = 0;        ///< new jobs being recorded: they join the queue next
  std::optional<job_entry> current; ///< the job running now
  static inline const char* name = "system_actor";
};

system_actor::behavior_type
system_actor_impl(system_actor::stateful_pointer<system_actor_state> self,
                  protocol::system_info info, persistence::store_actor store,
                  runtime_settings settings);

/// Why `info` cannot take a reference point of `kind` now, or an empty error.
caf::error check_can_take(const protocol::system_info& info, protocol::rp_kind kind);

} // namespace refpoint::actors
