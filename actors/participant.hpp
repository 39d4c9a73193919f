#pragma once
/// The participant: this node's part in collections that span nodes (DESIGN §8), for the
/// member systems it owns. A collection job on another node (the coordinator) reserves a
/// member through the member's own FIFO queue, asks it to prepare (its reference point is
/// recorded durably as *pending*, invisible to clients), then tells its decision: commit
/// (the pending reference point becomes an ordinary one) or abort (it disappears).
///
/// A coordinator job that goes away without deciding (its node died or was cut off) frees
/// the machines it held at once, so they take other work; its pending members stay in
/// doubt until the coordinator's node answers `decision`. The participant asks about every
/// job in doubt each `resolve_interval`, also right after its own restart; no decision
/// recorded there means abort.

#include "actors/messages.hpp"

#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace refpoint::actors {

using resolve_atom = caf::atom_constant<caf::atom("resolve")>;

using participant_actor = caf::typed_actor<
  /// Reserves member `system` for job `id` (coordinator: the sender); answers its state once
  /// granted. Errors: not_found (no such system here), invalid_state (released first).
  caf::replies_to<reserve_member_atom, std::string, std::string>::with<protocol::system_info>,
  /// Records a member's reference point as pending for the coordinator node named; answers
  /// once it is committed to disk.
  caf::replies_to<prepare_atom, std::string, protocol::reference_point>::with<ack_atom>,
  /// Records that the members here of collection reference point `rpc` are to be destroyed
  /// by job `id` of the coordinator node named (coordinator, id, rpc); they stay readable
  /// until the commit. Answers once it is committed to disk.
  caf::replies_to<prepare_atom, std::string, std::string, std::string>::with<ack_atom>,
  /// Commits (true) or rolls back (false) every pending change of job `id`, then frees the
  /// machines held for it. Idempotent.
  caf::replies_to<decide_atom, std::string, bool>::with<ack_atom>,
  /// Whether member `system` can take a reference point of that kind now.
  caf::replies_to<check_atom, member_check>::with<ack_atom>,
  /// Its own timer: asks the coordinators of the jobs in doubt.
  caf::reacts_to<resolve_atom>>;

/// What the participant works with.
struct participant_locals {
  inventory_actor inventory;      ///< finds the member systems' actors
  persistence::store_actor store; ///< records pending members and their outcome
  persistence::query_actor query; ///< lists the jobs in doubt
  node_actor node;                ///< asks a coordinator node for its decision
  std::chrono::milliseconds resolve_interval{1000};
};

struct participant_state {
  participant_state() = default; // not an aggregate (see job_actor_state)
  participant_locals locals;
  /// The machines held for each coordinator job, by job id.
  std::map<std::string, std::vector<system_actor>> held;
  /// Each coordinator job actor monitored, and its job id.
  std::map<caf::actor_addr, std::string> coordinators;
  bool resolving = false; ///< a round of `decision` questions is under way
  static inline const char* name = "participant";
};

participant_actor::behavior_type
participant_impl(participant_actor::stateful_pointer<participant_state> self,
                 participant_locals locals);

} // namespace refpoint::actors
