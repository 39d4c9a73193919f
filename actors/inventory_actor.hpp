#pragma once
/// The inventory actor: the directory of virtual systems (name → system actor) and the
/// front door of `Msvm_VirtualSystemReferencePointService`.
///
/// Promises: a system is answered as created only after it is committed; names are
/// unique; every reference-point request is routed to the target's own system actor, so
/// per-machine order is that actor's arrival order. System actors are linked to it: when
/// it exits (shutdown), they and their jobs exit too.

#include "actors/messages.hpp"
#include "actors/runtime_settings.hpp"

#include <caf/stateful_actor.hpp>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace refpoint::actors {

struct inventory_actor_state {
  // Not an aggregate: CAF would otherwise try to build the state from the actor pointer
  // (C++20 parenthesized aggregate initialisation of the first member).
  inventory_actor_state() = default;

  persistence::store_actor store;
  runtime_settings settings;
  std::unordered_map<std::string, system_actor> systems; ///< by canonical name
  /// A collection: its membership (kept in step with the store) and its actor.
  struct collection_entry {
    protocol::collection_info info;
    collection_actor actor;
  };
  std::unordered_map<std::string, collection_entry> collections; ///< by id
  /// Actors of deleted collections by id: still linked, and still reachable for cancelling
  /// the jobs they run.
  std::unordered_map<std::string, collection_actor> retired;
  std::unordered_set<std::string> pending; ///< names being committed
  /// This node's node actor when it is in a cluster (collection members may then live on
  /// other nodes); null otherwise.
  node_actor cluster;
  static inline const char* name = "inventory_actor";
};

/// Spawn with the systems and collections loaded at start-up.
inventory_actor::behavior_type
inventory_actor_impl(inventory_actor::stateful_pointer<inventory_actor_state> self,
                     std::vector<protocol::system_info> systems,
                     std::vector<protocol::collection_info> collections,
                     persistence::store_actor store, runtime_settings settings);

} // namespace refpoint::actors
