#pragma once
/// The collection actor: one per virtual system collection; the owner of its collection
/// jobs (JobType 205).
///
/// Promises: an empty collection, or one with a member that cannot take the requested kind
/// now, is refused before any job exists (Invalid State). An accepted job is committed
/// before the answer and starts at once; it serializes with everything else on its
/// members through their own FIFO queues, which it enters in ascending Name order (see
/// job_actor.hpp), so overlapping collections and machine jobs never deadlock.

#include "actors/messages.hpp"
#include "actors/runtime_settings.hpp"

#include <caf/stateful_actor.hpp>

#include <string>
#include <unordered_map>

namespace refpoint::actors {

struct collection_actor_state {
  // Not an aggregate: CAF would otherwise try to build the state from the actor pointer.
  collection_actor_state() = default;

  std::string id;
  persistence::store_actor store;
  runtime_settings settings;
  std::unordered_map<std::string, job_actor> live; ///< unfinished jobs by id
  static inline const char* name = "collection_actor";
};

collection_actor::behavior_type
collection_actor_impl(collection_actor::stateful_pointer<collection_actor_state> self,
                      std::string id, persistence::store_actor store, runtime_settings settings);

} // namespace refpoint::actors
