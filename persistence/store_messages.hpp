#pragma once
/// Message interfaces of the two SQLite actors (DESIGN §2 "Store actor").
///
/// `store_actor`: the only writer. Runs detached (its own thread). Writes that arrive
/// while a transaction is being prepared are batched into one transaction (group commit);
/// every write is answered only after its transaction committed. A failed commit answers
/// each write of the batch with `store_errc::write_failed`. A write that fails on its own
/// (constraint violation) is rolled back alone and answered with `write_failed`; a write
/// naming an unknown job, reference point, collection or collection reference point
/// writes nothing and answers `not_found`. Either way the other writes of the batch still
/// commit.
///
/// `query_actor`: read-only connection (WAL lets it read while the writer commits). Runs
/// detached. Sees only committed data. Unknown ids answer `store_errc::not_found`.

#include "persistence/database.hpp"
#include "persistence/event_types.hpp"
#include "persistence/inspect.hpp"
#include "persistence/store_error.hpp"
#include "protocol/model.hpp"

#include <caf/atom.hpp>
#include <caf/detail/scope_guard.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace refpoint::persistence {

using put_system_atom = caf::atom_constant<caf::atom("putsys")>;
using insert_job_atom = caf::atom_constant<caf::atom("insjob")>;
using update_job_atom = caf::atom_constant<caf::atom("updjob")>;
using complete_job_atom = caf::atom_constant<caf::atom("cmpljob")>;
using get_job_atom = caf::atom_constant<caf::atom("getjob")>;
using get_system_atom = caf::atom_constant<caf::atom("getsys")>;
using list_systems_atom = caf::atom_constant<caf::atom("lssys")>;
using get_rp_atom = caf::atom_constant<caf::atom("getrp")>;
using list_rps_atom = caf::atom_constant<caf::atom("lsrp")>;
using put_collection_atom = caf::atom_constant<caf::atom("putcoll")>;
using delete_collection_atom = caf::atom_constant<caf::atom("delcoll")>;
using complete_collection_job_atom = caf::atom_constant<caf::atom("cmplcoll")>;
using destroy_rp_job_atom = caf::atom_constant<caf::atom("dstrrp")>;
using destroy_rpc_job_atom = caf::atom_constant<caf::atom("dstrrpc")>;
using purge_jobs_atom = caf::atom_constant<caf::atom("purgejobs")>;
using get_collection_atom = caf::atom_constant<caf::atom("getcoll")>;
using list_collections_atom = caf::atom_constant<caf::atom("lscoll")>;
using get_rpc_atom = caf::atom_constant<caf::atom("getrpc")>;
using list_rpcs_atom = caf::atom_constant<caf::atom("lsrpc")>;
using list_jobs_atom = caf::atom_constant<caf::atom("lsjobs")>;
using ack_atom = caf::atom_constant<caf::atom("ack")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using count_jobs_atom = caf::atom_constant<caf::atom("cntjobs")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using list_events_atom = caf::atom_constant<caf::atom("lsevents")>;
using event_bounds_atom = caf::atom_constant<caf::atom("evbounds")>;
using find_tracked_disk_atom = caf::atom_constant<caf::atom("findrct")>;
using import_events_atom = caf::atom_constant<caf::atom("importev")>;
using event_source_atom = caf::atom_constant<caf::atom("evsource")>;
using prepare_member_atom = caf::atom_constant<caf::atom("mprepare")>;
using prepare_destroy_atom = caf::atom_constant<caf::atom("mprepdel")>;
using commit_member_atom = caf::atom_constant<caf::atom("mcommit")>;
using abort_member_atom = caf::atom_constant<caf::atom("mabort")>;
using in_doubt_atom = caf::atom_constant<caf::atom("indoubt")>;
using pending_count_atom = caf::atom_constant<caf::atom("npending")>;

/// Store failures, as `caf::error` values (category atom "store").
enum class store_errc : std::uint8_t {
  not_found = 1,    ///< no row with that id
  write_failed = 2, ///< the transaction could not commit (disk full, read-only, ...)
  read_failed = 3,  ///< a query failed
  full = 4,         ///< the database cannot grow (disk full, or `[storage] max_size_mb`)
  read_only = 5,    ///< the database cannot be written
};

/// The error of a write that failed with `e`: `full` / `read_only` when the storage is at
/// fault, `write_failed` otherwise.
caf::error write_error(const store_error& e);

/// Builds a `caf::error` with category "store" and `message` as its context. Found by ADL,
/// which also makes `err == store_errc::not_found` compare code and category (not message).
caf::error make_error(store_errc code, std::string message = {});

/// What the writer has done since it started. `writes` counts write messages answered with
/// success; `failed_writes` those answered with an error; `transactions` committed batches.
/// Commit latency covers every batch's transaction, failed ones too, from its first write to
/// its commit: `commit_seconds_sum` is the wall time spent in them and `commit_seconds_count`
/// their number. `batch_size_max` is the most writes any one batch held.
struct store_stats {
  std::uint64_t transactions = 0;
  std::uint64_t writes = 0;
  std::uint64_t failed_writes = 0;
  double commit_seconds_sum = 0.0;
  std::uint64_t commit_seconds_count = 0;
  std::uint64_t batch_size_max = 0;
  friend bool operator==(const store_stats&, const store_stats&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_stats& x) {
  return f(caf::meta::type_name("refpoint::store_stats"), x.transactions, x.writes, x.failed_writes,
           x.commit_seconds_sum, x.commit_seconds_count, x.batch_size_max);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_state_count& x) {
  return f(caf::meta::type_name("refpoint::job_state_count"), x.state, x.jobs, x.not_started);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tracked_disk& x) {
  return f(caf::meta::type_name("refpoint::tracked_disk"), x.rp_id, x.system_name, x.disk_id,
           x.rct_id, x.file_backed, x.path, x.map);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_page& x) {
  return f(caf::meta::type_name("refpoint::job_page"), x.items, x.next_after);
}

/// The arguments of `database::list_jobs` as one message.
struct job_query {
  std::optional<protocol::job_state> state;  ///< none: every state
  std::string target;                        ///< empty: every target
  std::uint64_t limit = 0;                   ///< page size (0 is taken as 1)
  std::int64_t after_seq = 0;                ///< 0: from the first job
  protocol::timestamp_us removed_before = 0; ///< usually now: hides removed jobs
  friend bool operator==(const job_query&, const job_query&) = default;
};

// std::optional is not inspectable in CAF 0.17: `state` travels as a flag and a value,
// written by the reading overload and restored by the writing one.
template <class Inspector>
std::enable_if_t<Inspector::reads_state, typename Inspector::result_type> inspect(Inspector& f,
                                                                                  job_query& x) {
  bool has_state = x.state.has_value();
  protocol::job_state state = x.state.value_or(protocol::job_state::running);
  return f(caf::meta::type_name("refpoint::job_query"), has_state, state, x.target, x.limit,
           x.after_seq, x.removed_before);
}

template <class Inspector>
std::enable_if_t<Inspector::writes_state, typename Inspector::result_type> inspect(Inspector& f,
                                                                                   job_query& x) {
  bool has_state = false;
  protocol::job_state state = protocol::job_state::running;
  auto guard = caf::detail::make_scope_guard(
    [&] { x.state = has_state ? std::optional<protocol::job_state>{state} : std::nullopt; });
  return f(caf::meta::type_name("refpoint::job_query"), has_state, state, x.target, x.limit,
           x.after_seq, x.removed_before);
}

/// Receives the events of every committed transaction, in sequence order (the event hub).
using event_sink_actor =
  caf::typed_actor<caf::reacts_to<publish_atom, std::vector<protocol::event_record>>>;

/// The writer.
using store_actor = caf::typed_actor<
  /// Inserts or replaces a system and its disks.
  caf::replies_to<put_system_atom, protocol::system_info>::with<ack_atom>,
  /// Inserts a new job; answers the stored job (with its `seq`, the monotonic submission
  /// order). When a stored job already has the job's non-empty `idempotency_key`, inserts
  /// nothing and answers that job: callers compare ids to tell.
  caf::replies_to<insert_job_atom, protocol::job_record>::with<protocol::job_record>,
  /// Replaces a job's mutable columns (state, status, percent, errors, times, affected).
  caf::replies_to<update_job_atom, protocol::job_record>::with<ack_atom>,
  /// In one transaction: inserts the reference point and updates the job (completed,
  /// with its affected element). Neither is visible without the other.
  caf::replies_to<complete_job_atom, protocol::job_record,
                  protocol::reference_point>::with<ack_atom>,
  /// In one transaction: inserts the collection reference point (its member list is its
  /// `member_ids`, else the ids of the given members), the given member reference points
  /// (as `database::complete_collection_job`) and updates the job. `not_found` for an
  /// unknown job; `write_failed` when an id is taken (nothing of it is stored).
  caf::replies_to<complete_collection_job_atom, protocol::job_record,
                  protocol::collection_reference_point,
                  std::vector<protocol::reference_point>>::with<ack_atom>,
  /// In one transaction: deletes the reference point (by id) and updates the job.
  /// `not_found` when the reference point is gone (or the job unknown); `write_failed` for
  /// a member of a collection reference point.
  caf::replies_to<destroy_rp_job_atom, protocol::job_record, std::string>::with<ack_atom>,
  /// In one transaction: deletes the collection reference point (by id) with its member
  /// reference points and updates the job. `not_found` when it is gone (or the job
  /// unknown).
  caf::replies_to<destroy_rpc_job_atom, protocol::job_record, std::string>::with<ack_atom>,
  /// Inserts or replaces a collection and its members.
  caf::replies_to<put_collection_atom, protocol::collection_info>::with<ack_atom>,
  /// Deletes a collection (by id); `not_found` when there is none.
  caf::replies_to<delete_collection_atom, std::string>::with<ack_atom>,
  /// Deletes the jobs removed at least a day before the cutoff (`database::purge_jobs`);
  /// answers how many.
  caf::replies_to<purge_jobs_atom, protocol::timestamp_us>::with<std::uint64_t>,
  /// Copies a cluster node's events into this node's stream (`database::import_events`);
  /// answers the newest of its sequences copied. They are published as this node's own.
  caf::replies_to<import_events_atom, std::string, std::string,
                  std::vector<protocol::event_record>>::with<std::int64_t>,
  /// Records a member reference point, pending, for the job (`rp.job_id`) of the named
  /// coordinator node (`database::prepare_member`); a repeat changes nothing.
  /// `write_failed` when it has fingerprint maps or no collection reference point id.
  caf::replies_to<prepare_member_atom, std::string /*coordinator*/,
                  protocol::reference_point>::with<ack_atom>,
  /// Records, pending for the job of the named coordinator node, the destroy of every
  /// member reference point stored here of the named collection reference point
  /// (`database::prepare_member_destroy`); they stay visible until the commit. Answers how
  /// many it covers (0: none is here); a repeat changes nothing. `write_failed` when the job
  /// has pending members of another coordinator.
  caf::replies_to<prepare_destroy_atom, std::string /*coordinator*/, std::string /*job id*/,
                  std::string /*rpc id*/>::with<std::uint64_t>,
  /// Applies the pending members of a job (by id): stores those to create as reference
  /// points and deletes those to destroy (`database::commit_member`); answers how many, 0
  /// when it has none.
  caf::replies_to<commit_member_atom, std::string /*job id*/>::with<std::uint64_t>,
  /// Forgets the pending members of a job (by id), to create and to destroy
  /// (`database::abort_member`); answers how many, 0 when it has none.
  caf::replies_to<abort_member_atom, std::string /*job id*/>::with<std::uint64_t>,
  /// Counters for tests and metrics; answered at once, never batched.
  caf::replies_to<stats_atom>::with<store_stats>>;

/// The reader.
using query_actor = caf::typed_actor<
  caf::replies_to<get_job_atom, std::string>::with<protocol::job_record>,
  caf::replies_to<get_system_atom, std::string>::with<protocol::system_info>,
  caf::replies_to<list_systems_atom>::with<std::vector<protocol::system_info>>,
  caf::replies_to<get_rp_atom, std::string>::with<protocol::reference_point>,
  /// The disk with that RCT ID and its fingerprint map (`database::find_tracked_disk`).
  caf::replies_to<find_tracked_disk_atom, std::string>::with<tracked_disk>,
  /// Reference points of one system (by name), oldest first; empty name: all of them.
  caf::replies_to<list_rps_atom, std::string>::with<std::vector<protocol::reference_point>>,
  caf::replies_to<get_collection_atom, std::string>::with<protocol::collection_info>,
  /// Every collection, by id.
  caf::replies_to<list_collections_atom>::with<std::vector<protocol::collection_info>>,
  caf::replies_to<get_rpc_atom, std::string>::with<protocol::collection_reference_point>,
  /// Collection reference points of one collection (by id), oldest first; empty id: all.
  caf::replies_to<list_rpcs_atom,
                  std::string>::with<std::vector<protocol::collection_reference_point>>,
  /// One page of jobs (`database::list_jobs`).
  caf::replies_to<list_jobs_atom, job_query>::with<job_page>,
  /// Stored jobs by state (`database::count_jobs_by_state`).
  caf::replies_to<count_jobs_atom>::with<std::vector<job_state_count>>,
  /// One page of stored events (`database::list_events`).
  caf::replies_to<list_events_atom, event_query>::with<event_page>,
  /// Oldest and newest stored event (`database::get_event_bounds`).
  caf::replies_to<event_bounds_atom>::with<event_bounds>,
  /// What was copied here of a cluster node's events (`database::copied_events_of`).
  caf::replies_to<event_source_atom, std::string>::with<event_source>,
  /// Jobs of other nodes with pending members here, oldest prepared first
  /// (`database::in_doubt_jobs`).
  caf::replies_to<in_doubt_atom>::with<std::vector<in_doubt_job>>,
  /// How many pending members are stored (`database::count_pending_members`).
  caf::replies_to<pending_count_atom>::with<std::uint64_t>>;

} // namespace refpoint::persistence
