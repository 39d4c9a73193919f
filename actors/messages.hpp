#pragma once
/// Message interfaces of the reference-point actors (DESIGN §2).
///
/// - `inventory_actor`: the directory of virtual systems and the front door of the
///   virtual-system reference-point service. Creates systems, routes operations to the
///   system that owns them.
/// - `system_actor`: one per virtual system. Runs reference-point jobs on its machine one
///   at a time in arrival order (FIFO); accepts new work at once while busy.
/// - `job_actor`: one per job. Owns the job's state machine and persists every change.

#include "persistence/store_messages.hpp"
#include "protocol/model.hpp"

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace refpoint::actors {

using create_system_atom = caf::atom_constant<caf::atom("mksys")>;
using create_rp_atom = caf::atom_constant<caf::atom("mkrp")>;
using requeue_atom = caf::atom_constant<caf::atom("requeue")>;
using run_atom = caf::atom_constant<caf::atom("run")>;
using progress_atom = caf::atom_constant<caf::atom("progress")>;
using ack_atom = persistence::ack_atom;

/// A job actor. `run` starts the work; the answer comes when the job reached a terminal
/// state and that state is committed. `progress` is its own timer tick.
using job_actor =
  caf::typed_actor<caf::replies_to<run_atom>::with<ack_atom>, caf::reacts_to<progress_atom>>;

/// A system actor.
using system_actor = caf::typed_actor<
  /// Checks the request against the machine's state, records a new job (committed before
  /// the answer) and queues it. Errors: invalid_state (5), failed (2).
  caf::replies_to<create_rp_atom, protocol::create_request>::with<protocol::job_record>,
  /// Queues an already recorded job again (restart recovery), keeping submission order.
  caf::reacts_to<requeue_atom, protocol::job_record>>;

/// The inventory / reference-point service.
using inventory_actor = caf::typed_actor<
  /// Registers a system (assigning a GUID name when empty); answers it as stored.
  /// Errors: conflict when the name is taken, failed when it cannot be stored.
  caf::replies_to<create_system_atom, protocol::system_info>::with<protocol::system_info>,
  /// Routes to the target's system actor. Errors: not_found, plus the system actor's.
  caf::replies_to<create_rp_atom, protocol::create_request>::with<protocol::job_record>,
  /// Routes a recovered queued job to its system (or fails it if the system is gone).
  caf::reacts_to<requeue_atom, protocol::job_record>>;

} // namespace refpoint::actors
