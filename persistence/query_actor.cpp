#include "persistence/query_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace refpoint::persistence {

namespace {

struct query_state {
  std::optional<database> db; ///< set once at spawn; optional only because CAF
                              ///< default-constructs the state
};

using query_pointer = query_actor::stateful_pointer<query_state>;

/// Runs `read`; a store failure answers `read_failed` instead of escaping the handler.
template <class Read>
auto guarded(Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const store_error& e) {
    return make_error(store_errc::read_failed, e.what());
  }
}

/// The row, or `not_found` naming what was looked for.
template <class T>
caf::result<T> found(std::optional<T> row, std::string_view what, const std::string& id) {
  if (!row) {
    return make_error(store_errc::not_found, std::string(what) + " '" + id + "' not found");
  }
  return std::move(*row);
}

query_actor::behavior_type query(query_pointer self, database db) {
  self->state.db.emplace(std::move(db));
  return {
    [self](get_job_atom, const std::string& id) -> caf::result<protocol::job_record> {
      return guarded([&] { return found(self->state.db->get_job(id), "job", id); });
    },
    [self](get_system_atom, const std::string& name) -> caf::result<protocol::system_info> {
      return guarded([&] { return found(self->state.db->get_system(name), "system", name); });
    },
    [self](list_systems_atom) -> caf::result<std::vector<protocol::system_info>> {
      return guarded([&]() -> caf::result<std::vector<protocol::system_info>> {
        return self->state.db->load_systems();
      });
    },
    [self](get_rp_atom, const std::string& id) -> caf::result<protocol::reference_point> {
      return guarded(
        [&] { return found(self->state.db->get_reference_point(id), "reference point", id); });
    },
    [self](find_tracked_disk_atom, const std::string& rct_id) -> caf::result<tracked_disk> {
      return guarded(
        [&] { return found(self->state.db->find_tracked_disk(rct_id), "RCT ID", rct_id); });
    },
    [self](list_rps_atom,
           const std::string& system_name) -> caf::result<std::vector<protocol::reference_point>> {
      return guarded([&]() -> caf::result<std::vector<protocol::reference_point>> {
        return self->state.db->list_reference_points(system_name);
      });
    },
    [self](get_collection_atom, const std::string& id) -> caf::result<protocol::collection_info> {
      return guarded([&] { return found(self->state.db->get_collection(id), "collection", id); });
    },
    [self](list_collections_atom) -> caf::result<std::vector<protocol::collection_info>> {
      return guarded([&]() -> caf::result<std::vector<protocol::collection_info>> {
        return self->state.db->load_collections();
      });
    },
    [self](get_rpc_atom,
           const std::string& id) -> caf::result<protocol::collection_reference_point> {
      return guarded([&] {
        return found(self->state.db->get_collection_rp(id), "collection reference point", id);
      });
    },
    [self](list_rpcs_atom, const std::string& collection_id)
      -> caf::result<std::vector<protocol::collection_reference_point>> {
      return guarded([&]() -> caf::result<std::vector<protocol::collection_reference_point>> {
        return self->state.db->list_collection_rps(collection_id);
      });
    },
    [self](list_jobs_atom, const job_query& query) -> caf::result<job_page> {
      return guarded([&]() -> caf::result<job_page> {
        return self->state.db->list_jobs(query.state, query.target, query.limit, query.after_seq,
                                         query.removed_before);
      });
    },
    [self](count_jobs_atom) -> caf::result<std::vector<job_state_count>> {
      return guarded([&]() -> caf::result<std::vector<job_state_count>> {
        return self->state.db->count_jobs_by_state();
      });
    },
    [self](list_events_atom, const event_query& query) -> caf::result<event_page> {
      return guarded(
        [&]() -> caf::result<event_page> { return self->state.db->list_events(query); });
    },
    [self](event_bounds_atom) -> caf::result<event_bounds> {
      return guarded(
        [&]() -> caf::result<event_bounds> { return self->state.db->get_event_bounds(); });
    },
    [self](event_source_atom, const std::string& origin) -> caf::result<event_source> {
      return guarded(
        [&]() -> caf::result<event_source> { return self->state.db->copied_events_of(origin); });
    },
    [self](in_doubt_atom) -> caf::result<std::vector<in_doubt_job>> {
      return guarded([&]() -> caf::result<std::vector<in_doubt_job>> {
        return self->state.db->in_doubt_jobs();
      });
    },
    [self](pending_count_atom) -> caf::result<std::uint64_t> {
      return guarded(
        [&]() -> caf::result<std::uint64_t> { return self->state.db->count_pending_members(); });
    },
  };
}

} // namespace

query_actor spawn_query_actor(caf::actor_system& system, database db) {
  return system.spawn<caf::detached>(query, std::move(db));
}

} // namespace refpoint::persistence
