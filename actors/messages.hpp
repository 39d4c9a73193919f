#pragma once
/// Message interfaces of the reference-point actors (DESIGN §2).
///
/// - `inventory_actor`: the directory of virtual systems and the front door of the
///   virtual-system reference-point service. Creates systems, routes operations to the
///   system that owns them.
/// - `system_actor`: one per virtual system. Runs reference-point jobs on its machine one
///   at a time in arrival order (FIFO); accepts new work at once while busy.
/// - `job_actor`: one per job. Owns the job's state machine and persists every change.

#include "actors/cluster_messages.hpp"
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
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using reserve_atom = caf::atom_constant<caf::atom("reserve")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using create_collection_atom = caf::atom_constant<caf::atom("mkcoll")>;
using remove_collection_atom = caf::atom_constant<caf::atom("rmcoll")>;
using add_member_atom = caf::atom_constant<caf::atom("addmember")>;
using remove_member_atom = caf::atom_constant<caf::atom("rmmember")>;
using create_crp_atom = caf::atom_constant<caf::atom("mkcrp")>;
using destroy_atom = caf::atom_constant<caf::atom("destroy")>;
using purge_atom = caf::atom_constant<caf::atom("purge")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using owned_atom = caf::atom_constant<caf::atom("owned")>;
using file_progress_atom = caf::atom_constant<caf::atom("fprogress")>;
using file_done_atom = caf::atom_constant<caf::atom("fdone")>;
using file_failed_atom = caf::atom_constant<caf::atom("ffailed")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;
using ack_atom = persistence::ack_atom;

/// A job actor. `run` starts the work; the answer comes when the job reached a terminal
/// state and that state is committed. `cancel` (Terminate → terminated, Kill → killed)
/// stops a queued or running job, rolls back its partial work and answers once the
/// terminal state is committed; a job already finishing answers invalid_state.
/// `progress` is its own timer tick; `retry` its timer for a terminal record the store could
/// not write yet. The `file_*` messages come from its fingerprint task
/// (`file_scan.hpp`): bytes read so far of the total, then the maps or why it failed.
using job_actor =
  caf::typed_actor<caf::replies_to<run_atom>::with<ack_atom>,
                   caf::replies_to<cancel_atom, protocol::job_state>::with<ack_atom>,
                   caf::reacts_to<progress_atom>, caf::reacts_to<retry_atom>,
                   caf::reacts_to<file_progress_atom, std::uint64_t, std::uint64_t>,
                   caf::reacts_to<file_done_atom, std::vector<protocol::disk_block_map>>,
                   caf::reacts_to<file_failed_atom, std::string>>;

/// A system actor.
using system_actor = caf::typed_actor<
  /// Checks the request against the machine's state, records a new job (committed before
  /// the answer) and queues it. Errors: invalid_state (5), failed (2).
  /// The string is the client's idempotency key (empty: none): a key already stored answers
  /// the stored job and queues nothing.
  caf::replies_to<create_rp_atom, protocol::create_request,
                  std::string>::with<protocol::job_record>,
  /// Queues an already recorded job again (restart recovery), keeping submission order.
  caf::reacts_to<requeue_atom, protocol::job_record>,
  /// Cancels a queued or running job of this system (by id) with Terminate or Kill; answers
  /// once its terminal state is committed. Error invalid_state: the job already finished.
  caf::replies_to<cancel_atom, std::string, protocol::job_state>::with<ack_atom>,
  /// Queues a reservation for collection job `id` like any other operation; answers the
  /// machine's state when it reaches the head of the queue. The machine then runs nothing
  /// else until `release`. Error invalid_state: released before it was granted.
  caf::replies_to<reserve_atom, std::string>::with<protocol::system_info>,
  /// Ends the reservation of collection job `id`, granted or still queued.
  caf::reacts_to<release_atom, std::string>,
  /// Whether the machine can take a reference point of that kind now (see check_can_take).
  caf::replies_to<check_atom, protocol::rp_kind>::with<ack_atom>,
  /// Records and queues a job (202) destroying reference point `id` of this machine; the
  /// second string is the idempotency key.
  caf::replies_to<destroy_atom, std::string, std::string>::with<protocol::job_record>>;

/// A collection actor: one per `Msvm_VirtualSystemCollection`.
using collection_actor = caf::typed_actor<
  /// Takes a collection reference point of `members` (names ascending, with their system
  /// actors; a null actor for a member on another node, reached through the node actor,
  /// null when this node is in no cluster): checks every member here can take it
  /// (invalid_state otherwise, also for no members), records the job (205) and starts it.
  /// The string is the idempotency key.
  caf::replies_to<create_rp_atom, protocol::create_request, std::string, std::vector<std::string>,
                  std::vector<system_actor>, node_actor>::with<protocol::job_record>,
  /// Starts a recovered queued job again with the collection's current members.
  caf::reacts_to<requeue_atom, protocol::job_record, std::vector<std::string>,
                 std::vector<system_actor>, node_actor>,
  /// Cancels one of its jobs; invalid_state when it already finished.
  caf::replies_to<cancel_atom, std::string, protocol::job_state>::with<ack_atom>,
  /// Records and starts a job (208) destroying collection reference point `id` with all its
  /// members (those on other nodes through the node actor, null outside a cluster); the
  /// second string is the idempotency key.
  caf::replies_to<destroy_atom, std::string, std::string, node_actor>::with<protocol::job_record>>;

/// The inventory / reference-point service.
using inventory_actor = caf::typed_actor<
  /// Registers a system (assigning a GUID name when empty); answers it as stored.
  /// Errors: conflict when the name is taken, failed when it cannot be stored.
  caf::replies_to<create_system_atom, protocol::system_info>::with<protocol::system_info>,
  /// Routes to the target's system actor. Errors: not_found, plus the system actor's.
  caf::replies_to<create_rp_atom, protocol::create_request,
                  std::string>::with<protocol::job_record>,
  /// Routes a recovered queued job to its system (or fails it if the system is gone).
  caf::reacts_to<requeue_atom, protocol::job_record>,
  /// Registers a collection (assigning a GUID id when empty). Its members may live on other
  /// nodes of the cluster. Errors: conflict (id taken), not_found (a member system exists on
  /// no node, field `members[i]`), timeout (a node that may own it is unreachable), failed.
  caf::replies_to<create_collection_atom,
                  protocol::collection_info>::with<protocol::collection_info>,
  /// Deletes a collection. Its collection reference points stay. Error: not_found.
  caf::replies_to<remove_collection_atom, std::string>::with<ack_atom>,
  /// Adds / removes a member (collection id, system name); answers the collection as stored.
  /// Errors: not_found (collection, or system to add), timeout (as above), failed.
  caf::replies_to<add_member_atom, std::string, std::string>::with<protocol::collection_info>,
  caf::replies_to<remove_member_atom, std::string, std::string>::with<protocol::collection_info>,
  /// Routes a collection reference point request to the collection's actor with the
  /// members' system actors (the string is the idempotency key). Error: not_found.
  caf::replies_to<create_crp_atom, protocol::create_request,
                  std::string>::with<protocol::job_record>,
  /// Routes a destroy request to the owner (system name or collection id) of reference point
  /// or collection reference point `id`: (owner, id, idempotency key). Error: invalid_state
  /// when the owner no longer exists.
  caf::replies_to<destroy_atom, std::string, std::string, std::string>::with<protocol::job_record>,
  /// Its own timer: purges jobs a day past their removal time, then re-arms (every minute).
  caf::reacts_to<purge_atom>,
  /// Routes a cancellation to the owner of the job: (target, job id, terminal state).
  caf::replies_to<cancel_atom, std::string, std::string, protocol::job_state>::with<ack_atom>,
  /// Answered once every stored system and collection has its actor (start-up is done).
  caf::replies_to<ready_atom>::with<ack_atom>,
  /// What this node owns: its systems and collections, each sorted.
  caf::replies_to<owned_atom>::with<ownership>,
  /// The actor of system `name` of this node. Error: not_found.
  caf::replies_to<lookup_atom, std::string>::with<system_actor>,
  /// Once, when this node is in a cluster: its node actor, which finds members elsewhere.
  caf::reacts_to<cluster_atom, node_actor>>;

} // namespace refpoint::actors
