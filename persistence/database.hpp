#pragma once
/// Synchronous access to refpoint's SQLite file: one connection, its prepared statements,
/// and the reads and writes the store and query actors serve (DESIGN §2, §5).
///
/// Thread safety: a `database` is NOT thread-safe. Exactly one thread may use an instance
/// at a time; it may be moved to another thread between uses (refpointd opens it on the
/// main thread, then moves it into a detached actor that owns it from then on). Several
/// instances over the same file may live in different threads: SQLite's WAL lets readers
/// run while one writer commits, and `busy_timeout` absorbs short lock waits.
///
/// Atomicity: each write method is atomic on its own (it runs in a savepoint, which is a
/// transaction of its own when none is open). `transact` groups several writes into one
/// transaction, which is how the store actor commits a batch.
///
/// Errors: every method throws `store_error` (one-line reason) on an SQLite failure; a
/// write that throws has left nothing behind. Lookups of unknown ids are not errors: they
/// answer `std::nullopt` or `false`.
///
/// Timestamps are stored as given: int64 microseconds since the Unix epoch.
///
/// Events (DESIGN §4): every write that changes something appends its events
/// (`protocol/event.hpp`) in its own savepoint, so an event is stored exactly when its change
/// is. A system or collection put gives `*.created` or `*.updated`; a new job
/// `job.created`; a job update `job.state` when state or status changed, else
/// `job.progress`; a completion the created reference points (members, then the collection
/// reference point), `job.affected` and `job.state`; a destruction the deleted ones and
/// `job.state`; a collection deletion `collection.deleted`; a commit of pending members
/// their `referencePoint.created` and `referencePoint.deleted`. Purging jobs, preparing and
/// aborting pending members are not events.
///
/// Job removal (DESIGN §4): a finished job's removal time is `finished_at` plus
/// `time_before_removal_s`. From then on `list_jobs` hides it, though `get_job` still reads
/// it (the gateway answers 410 Gone); `purge_jobs` deletes it `protocol::gone_window_us`
/// (a day) later.

#include "persistence/event_types.hpp"
#include "persistence/store_error.hpp"
#include "protocol/model.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace refpoint::persistence {

/// One page of `database::list_jobs`.
struct job_page {
  std::vector<protocol::job_record> items;
  std::int64_t next_after = 0; ///< `after_seq` for the next page; 0: no more jobs
  friend bool operator==(const job_page&, const job_page&) = default;
};

/// How many stored jobs are in one state (`database::count_jobs_by_state`).
struct job_state_count {
  protocol::job_state state = protocol::job_state::running;
  std::uint64_t jobs = 0;
  std::uint64_t not_started = 0; ///< of them, those with `started_at` 0 (waiting their turn)
  friend bool operator==(const job_state_count&, const job_state_count&) = default;
};

/// A disk of an RCT reference point, found by its RCT ID, with its fingerprint map when
/// the disk is file-backed (`database::find_tracked_disk`).
struct tracked_disk {
  std::string rp_id;
  std::string system_name;
  std::string disk_id;
  std::string rct_id;
  bool file_backed = false; ///< a fingerprint map is stored
  std::string path;         ///< file-backed: the image path as registered
  std::string map;          ///< file-backed: the stored map, not verified here
  friend bool operator==(const tracked_disk&, const tracked_disk&) = default;
};

/// `PRAGMA synchronous`. With WAL, `normal` may lose the last commits on power loss (never
/// on a process crash) but never corrupts; `full` syncs every commit.
enum class sync_mode { normal, full };

class database {
public:
  /// How long a statement waits for another connection's lock before failing.
  static constexpr int busy_timeout_ms = 5000;

  /// Opens (creating it unless `read_only`) the file at `path`, switches it to WAL, sets
  /// `synchronous`, `busy_timeout` and foreign keys, runs the missing migrations and
  /// prepares every statement. A read-only connection runs no migration: the file must
  /// already be at `current_schema_version`.
  /// Throws `store_error` for a file that cannot be opened, is not a database, or has a
  /// schema newer than this build (e.g. "cannot open database 'x': unable to open database
  /// file").
  static database open(const std::string& path, bool read_only = false,
                       sync_mode sync = sync_mode::normal);

  /// Lets the database grow to at most `bytes` (rounded down to whole pages; never below its
  /// current size): a write that needs more fails with `storage_fault::full`.
  void limit_size(std::uint64_t bytes);

  database(database&&) noexcept;
  database& operator=(database&&) noexcept;
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  /// The file's `PRAGMA user_version`.
  int schema_version();

  // -- writes ---------------------------------------------------------------

  /// Inserts or replaces a system (by `name`) and its disks, in order.
  void put_system(const protocol::system_info& system);

  /// Inserts a new job with its affected elements and answers it as stored: `seq` is
  /// assigned here (the `seq` of `job` is ignored) and grows with every insert, never
  /// reused. When `job.idempotency_key` is not empty and a stored job already has that key,
  /// inserts nothing and answers that stored job instead (callers compare ids to tell).
  /// Throws when `job.id` is already taken.
  protocol::job_record insert_job(const protocol::job_record& job);

  /// Replaces the mutable columns of the job with `job.id` (state, status, percent, error
  /// fields, times, removal settings, cancellable) and its affected elements. Identity
  /// (`seq`, `type`, `request`, `submitted_at`, `idempotency_key`) never changes. Answers
  /// false, writing nothing, when no job has that id.
  bool update_job(const protocol::job_record& job);

  /// Inserts `rp` (with its disks and RCT ids, in order) and updates `job` as
  /// `update_job` does, atomically. Answers false, writing nothing, when no job has that
  /// id; throws (writing nothing) when `rp.id` is already taken.
  bool complete_job(const protocol::job_record& job, const protocol::reference_point& rp);

  /// Inserts the collection reference point `rpc` and its `members` and updates `job` as
  /// `update_job` does, atomically. The stored member list is `rpc.member_ids` in its order
  /// (it may name members stored on other cluster nodes, as `rpc.member_nodes` tells); when
  /// it is empty, the ids of `members` in the given order. Only `members` are stored as reference
  /// points, each with `collection_rp_id = rpc.id` whatever it holds. Answers false, writing
  /// nothing, when no job has that id; throws (writing nothing) when `rpc.id` or a member's id is
  /// already taken.
  bool complete_collection_job(const protocol::job_record& job,
                               const protocol::collection_reference_point& rpc,
                               const std::vector<protocol::reference_point>& members);

  /// Deletes the reference point `rp_id` (with its disk rows) and updates `job` as
  /// `update_job` does, atomically. Answers false, writing nothing, when no reference point
  /// or no job has that id. Throws (writing nothing) when the reference point belongs to a
  /// collection reference point: members go only with their collection reference point.
  bool destroy_reference_point_job(const protocol::job_record& job, const std::string& rp_id);

  /// Deletes the collection reference point `rpc_id` with every member reference point and
  /// updates `job` as `update_job` does, atomically. Answers false, writing nothing, when
  /// no collection reference point or no job has that id.
  bool destroy_collection_rp_job(const protocol::job_record& job, const std::string& rpc_id);

  /// Inserts or replaces a collection (by `id`) and its member list. Members are stored
  /// (and read back) in ascending system name whatever their order here; a duplicate
  /// member throws, writing nothing.
  void put_collection(const protocol::collection_info& collection);

  /// Deletes the collection `id` and its member list; answers false when there is none.
  /// Its collection reference points stay (they outlive it, as reference points outlive
  /// their system).
  bool delete_collection(const std::string& id);

  /// Records `rp` as a pending member of collection reference point `rp.collection_rp_id`
  /// for job `rp.job_id`, which runs on cluster node `coordinator` (DESIGN §8, prepare
  /// phase). A pending member is durable but no read of reference points sees it until
  /// `commit_member`. Changes nothing when `rp.id` is already pending or stored. Throws
  /// (writing nothing) when `rp` has fingerprint maps or no `collection_rp_id`, or when the
  /// job already has pending members of another coordinator. Stores no event.
  void prepare_member(const std::string& coordinator, const protocol::reference_point& rp);

  /// Records, for job `job_id` of cluster node `coordinator` (DESIGN §8, prepare phase of a
  /// destroy), a pending destroy of every reference point stored here that is a member of
  /// collection reference point `rpc_id`. They stay visible to every read until
  /// `commit_member`. Those already pending for that job are left as they are. Answers how
  /// many reference points it covers (0: none is stored here). Throws (writing nothing) when
  /// the job already has pending members of another coordinator. Stores no event.
  std::size_t prepare_member_destroy(const std::string& coordinator, const std::string& job_id,
                                     const std::string& rpc_id);

  /// Applies every pending member of job `job_id`, in the order they were prepared, and
  /// forgets them. A member to create is stored as a reference point, as
  /// `complete_collection_job` stores members (but not their collection reference point,
  /// which lives on the coordinator), with its `referencePoint.created` event; a member to
  /// destroy is deleted with its disks and fingerprint maps, as `destroy_collection_rp_job`
  /// deletes members, with its `referencePoint.deleted` event (nothing when it is gone
  /// already). Answers how many pending members it applied; 0, writing nothing, when the
  /// job has none (unknown, already committed or aborted). Throws (writing nothing) when the
  /// id of a member to create is already taken.
  std::size_t commit_member(const std::string& job_id);

  /// Forgets the pending members of job `job_id` (to create and to destroy: those to
  /// destroy stay stored); answers how many (0 when none). Stores no event.
  std::size_t abort_member(const std::string& job_id);

  /// Deletes the finished jobs (with their affected elements) whose removal time lies at
  /// least `protocol::gone_window_us` before `cutoff`; answers how many. Unfinished jobs
  /// (`finished_at == 0`) are never purged.
  std::size_t purge_jobs(protocol::timestamp_us cutoff);

  /// Runs `body` in one transaction (BEGIN IMMEDIATE): commits when it returns, rolls back
  /// and rethrows when it throws. The write methods called inside join it. Throws
  /// `store_error` when BEGIN or COMMIT fails.
  /// REQUIRES: no transaction is open.
  void transact(const std::function<void()>& body);

  /// Copies events of cluster node `origin`, read from its database `source` (with its
  /// sequences, ascending), into this node's stream: those newer than the ones copied
  /// before from that database get a sequence here and keep their time. Answers the newest
  /// of `origin`'s sequences copied now.
  std::int64_t import_events(const std::string& origin, const std::string& source,
                             std::vector<protocol::event_record> events);

  /// The events of the writes committed since the last call, in sequence order. Events of
  /// writes that rolled back are never returned.
  std::vector<protocol::event_record> take_committed_events();

  /// Deletes the oldest events so that the newest `keep` remain (in bulk, once a sixteenth
  /// more are stored); answers how many were deleted.
  std::size_t prune_events(std::uint64_t keep);

  /// True while a transaction is open. A write that fails inside `transact` normally rolls
  /// back only itself; after an I/O error or a full disk SQLite may instead have rolled
  /// back the whole transaction, which this then reports as false.
  bool in_transaction() const;

  // -- reads ----------------------------------------------------------------

  std::optional<protocol::system_info> get_system(const std::string& name);

  /// Every system with its disks, ordered by name.
  std::vector<protocol::system_info> load_systems();

  std::optional<protocol::job_record> get_job(const std::string& id);

  /// Jobs still `running` or `shutting_down`, in submission order (`seq`): what a
  /// restart must run again or end as interrupted (DESIGN §5).
  std::vector<protocol::job_record> load_unfinished_jobs();

  std::optional<protocol::reference_point> get_reference_point(const std::string& id);

  /// The disk whose RCT ID is `rct_id` (exact match), with its fingerprint map if any.
  std::optional<tracked_disk> find_tracked_disk(const std::string& rct_id);

  /// Reference points of the system named `system_name`, in the order they were stored
  /// (oldest first); an empty name lists every reference point.
  std::vector<protocol::reference_point> list_reference_points(const std::string& system_name);

  /// Jobs with `seq > after_seq`, by ascending `seq`, at most `limit` of them (a `limit` of
  /// 0 is taken as 1), keeping only those in `state` (when given) and for `target` (when
  /// not empty) and hiding those whose removal time is at or before `removed_before`.
  /// `next_after` is the `seq` of the last item when more matching jobs follow, else 0.
  job_page list_jobs(std::optional<protocol::job_state> state, const std::string& target,
                     std::size_t limit, std::int64_t after_seq,
                     protocol::timestamp_us removed_before);

  /// Every stored job counted by state (removed but not yet purged ones included), one
  /// entry per state that has jobs, by ascending state value.
  std::vector<job_state_count> count_jobs_by_state();

  /// Oldest and newest stored event sequences (0 and 0 when there is none).
  event_bounds get_event_bounds();

  /// One page of stored events (see `event_query`).
  event_page list_events(const event_query& query);

  /// What was copied here of cluster node `origin`'s events (`event_source`).
  event_source copied_events_of(const std::string& origin);

  /// This database's identity: made at random when it was created, never changed. A page
  /// of events carries it (`event_page::source`), so that a copier can tell a node given a
  /// new database, which numbers its events anew.
  const std::string& identity() const;

  /// Every job with pending members (`prepare_member`, `prepare_member_destroy`), once
  /// each, the one whose first member was prepared first, first.
  std::vector<in_doubt_job> in_doubt_jobs();

  /// How many pending members (to create and to destroy) are stored.
  std::uint64_t count_pending_members();

  std::optional<protocol::collection_info> get_collection(const std::string& id);

  /// Every collection with its members, ordered by id.
  std::vector<protocol::collection_info> load_collections();

  /// Ids of the collections that have `system_name` as a member, ascending.
  std::vector<std::string> collections_of_system(const std::string& system_name);

  std::optional<protocol::collection_reference_point> get_collection_rp(const std::string& id);

  /// Collection reference points of the collection `collection_id`, in the order they were
  /// stored (oldest first); an empty id lists every collection reference point.
  std::vector<protocol::collection_reference_point>
  list_collection_rps(const std::string& collection_id);

private:
  struct impl;
  explicit database(std::unique_ptr<impl> state);

  std::unique_ptr<impl> impl_; // never null except in a moved-from instance
};

} // namespace refpoint::persistence
