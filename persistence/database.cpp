#include "persistence/database.hpp"

#include "persistence/event_log.hpp"
#include "persistence/schema.hpp"
#include "persistence/statement_use.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/job_retention.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <boost/json.hpp>

#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>
#include <sqlite3.h>
#include <string_view>
#include <type_traits>
#include <utility>

namespace refpoint::persistence {

namespace {

using protocol::affected_element;
using protocol::collection_info;
using protocol::collection_reference_point;
using protocol::disk;
using protocol::job_record;
using protocol::reference_point;
using protocol::system_info;

// -- value conversions --------------------------------------------------------

/// Integers, enums and bools are stored as INTEGER.
template <class T>
std::int64_t to_column(T value) {
  if constexpr (std::is_enum_v<T>) {
    return static_cast<std::int64_t>(static_cast<std::underlying_type_t<T>>(value));
  } else {
    return static_cast<std::int64_t>(value);
  }
}

template <class T>
T from_column(const SQLite::Column& column) {
  const std::int64_t raw = column.getInt64();
  if constexpr (std::is_same_v<T, bool>) {
    return raw != 0;
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<T>(static_cast<std::underlying_type_t<T>>(raw));
  } else {
    return static_cast<T>(raw);
  }
}

template <class T>
void bind_int(SQLite::Statement& stmt, const char* name, T value) {
  stmt.bind(name, to_column(value));
}

/// Optional text (a job's idempotency key, a reference point's collection): empty is NULL.
void bind_optional_text(SQLite::Statement& stmt, const char* name, const std::string& value) {
  if (value.empty()) {
    stmt.bind(name);
  } else {
    stmt.bind(name, value);
  }
}

std::string optional_text(const SQLite::Column& column) {
  return column.isNull() ? std::string{} : column.getString();
}

[[noreturn]] void fail(const std::string& what, const SQLite::Exception& e) {
  const int primary = e.getErrorCode() & 0xff;
  const auto fault = primary == SQLITE_FULL       ? storage_fault::full
                     : primary == SQLITE_READONLY ? storage_fault::read_only
                                                  : storage_fault::none;
  throw store_error(what + ": " + e.what(), fault);
}

/// A list of ids as a JSON array of strings (a pending member's disk and RCT ids).
std::string to_json_array(const std::vector<std::string>& ids) {
  return boost::json::serialize(boost::json::array(ids.begin(), ids.end()));
}

/// The ids of `to_json_array`, byte for byte. Throws `store_error` for any other text.
std::vector<std::string> from_json_array(const std::string& text) {
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true; // ids are stored as given, whatever their bytes
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(text, ec, {}, options);
  const auto* array = ec ? nullptr : parsed.if_array();
  if (array == nullptr)
    throw store_error("not a JSON array of ids: " + text);
  std::vector<std::string> ids;
  for (const auto& value : *array) {
    const auto* id = value.if_string();
    if (id == nullptr)
      throw store_error("not a JSON array of ids: " + text);
    ids.emplace_back(id->data(), id->size());
  }
  return ids;
}

// -- statement text -------------------------------------------------------------

constexpr const char* job_columns =
  "SELECT seq, id, type, target, rp_kind, rp_element_name, rp_consistency, state, status,"
  " percent_complete, error_code, error_description, error_summary, submitted_at,"
  " started_at, finished_at, last_state_change, time_before_removal_s,"
  " delete_on_completion, cancellable, idempotency_key, subject FROM jobs";

/// The `list_jobs` conditions shared by its four statements: after the cursor, and not yet
/// past the removal time.
constexpr const char* job_page_conditions =
  "seq > :after_seq AND (finished_at = 0"
  " OR finished_at + time_before_removal_s * 1000000 > :removed_before)"
  " ORDER BY seq LIMIT :limit";

constexpr const char* collection_columns =
  "SELECT coll_key, id, element_name, created_at FROM collections";

constexpr const char* rpc_columns =
  "SELECT rpc_key, id, collection_id, element_name, kind, consistency, created_at, job_id"
  " FROM rp_collections";

constexpr const char* system_columns =
  "SELECT sys_key, name, element_name, enabled_state, replication_enabled, created_at"
  " FROM systems";

constexpr const char* rp_columns =
  "SELECT rp_key, id, system_name, element_name, kind, consistency, created_at, job_id,"
  " collection_rp_id FROM reference_points";

constexpr const char* pending_columns =
  "SELECT rp_id, job_id, system_name, element_name, kind, consistency, created_at,"
  " collection_rp_id, disk_ids, rct_ids, destroy FROM pending_members";

std::string sql(const char* head, const char* tail) {
  return std::string(head) + " " + tail;
}

/// A row of `pending_members`: a member reference point to store on commit or, when
/// `destroy`, one stored here to delete on commit.
struct pending_member {
  reference_point rp;
  bool destroy = false;
};

} // namespace

// -- impl -------------------------------------------------------------------------

/// The connection and its statements. Constant after construction except for the
/// statements' execution state; used by one thread at a time (see database.hpp).
struct database::impl {
  impl(SQLite::Database connection, std::string file)
      : db(std::move(connection)), path(std::move(file)), savepoint_begin(db, "SAVEPOINT write_op"),
        savepoint_release(db, "RELEASE write_op"), savepoint_rollback(db, "ROLLBACK TO write_op"),
        upsert_system(db, "INSERT INTO systems (name, element_name, enabled_state,"
                          " replication_enabled, created_at)"
                          " VALUES (:name, :element_name, :enabled_state, :replication_enabled,"
                          " :created_at)"
                          " ON CONFLICT (name) DO UPDATE SET element_name = excluded.element_name,"
                          " enabled_state = excluded.enabled_state,"
                          " replication_enabled = excluded.replication_enabled,"
                          " created_at = excluded.created_at"
                          " RETURNING sys_key"),
        delete_disks(db, "DELETE FROM disks WHERE sys_key = :sys_key"),
        insert_disk(db, "INSERT INTO disks (sys_key, ordinal, disk_id, backend, path, size_bytes,"
                        " change_tracking, sim_fail_at)"
                        " VALUES (:sys_key, :ordinal, :disk_id, :backend, :path, :size_bytes,"
                        " :change_tracking, :sim_fail_at)"),
        select_system(db, sql(system_columns, "WHERE name = :name")),
        select_systems(db, sql(system_columns, "ORDER BY name")),
        select_disks(db, "SELECT disk_id, backend, path, size_bytes, change_tracking, sim_fail_at"
                         " FROM disks WHERE sys_key = :sys_key ORDER BY ordinal"),
        insert_job(db, "INSERT INTO jobs (id, type, target, rp_kind, rp_element_name,"
                       " rp_consistency, state, status, percent_complete, error_code,"
                       " error_description, error_summary, submitted_at, started_at, finished_at,"
                       " last_state_change, time_before_removal_s, delete_on_completion,"
                       " cancellable, idempotency_key, subject)"
                       " VALUES (:id, :type, :target, :rp_kind, :rp_element_name,"
                       " :rp_consistency, :state, :status, :percent_complete, :error_code,"
                       " :error_description, :error_summary, :submitted_at, :started_at,"
                       " :finished_at, :last_state_change, :time_before_removal_s,"
                       " :delete_on_completion, :cancellable, :idempotency_key, :subject)"),
        update_job(db, "UPDATE jobs SET state = :state, status = :status,"
                       " percent_complete = :percent_complete, error_code = :error_code,"
                       " error_description = :error_description, error_summary = :error_summary,"
                       " started_at = :started_at, finished_at = :finished_at,"
                       " last_state_change = :last_state_change,"
                       " time_before_removal_s = :time_before_removal_s,"
                       " delete_on_completion = :delete_on_completion, cancellable = :cancellable"
                       " WHERE id = :id RETURNING seq"),
        delete_affected(db, "DELETE FROM affected_elements WHERE job_seq = :job_seq"),
        insert_affected(db,
                        "INSERT INTO affected_elements (job_seq, ordinal, element_path, effects)"
                        " VALUES (:job_seq, :ordinal, :element_path, :effects)"),
        select_job(db, sql(job_columns, "WHERE id = :id")),
        select_job_by_key(db, sql(job_columns, "WHERE idempotency_key = :idempotency_key")),
        select_unfinished_jobs(
          db, sql(job_columns, "WHERE state IN (:running, :shutting_down) ORDER BY seq")),
        select_affected(db, "SELECT element_path, effects FROM affected_elements"
                            " WHERE job_seq = :job_seq ORDER BY ordinal"),
        select_job_page(db, sql(job_columns, "WHERE") + " " + job_page_conditions),
        select_job_page_by_state(db, sql(job_columns, "WHERE state = :state AND") + " " +
                                       job_page_conditions),
        select_job_page_by_target(db, sql(job_columns, "WHERE target = :target AND") + " " +
                                        job_page_conditions),
        select_job_page_by_state_and_target(
          db, sql(job_columns, "WHERE state = :state AND target = :target AND") + " " +
                job_page_conditions),
        count_jobs(db, "SELECT state, COUNT(*), SUM(started_at = 0) FROM jobs"
                       " GROUP BY state ORDER BY state"),
        purge_removed_jobs(db, "DELETE FROM jobs WHERE finished_at != 0"
                               " AND finished_at + time_before_removal_s * 1000000"
                               " <= :removed_before"),
        insert_rp(db, "INSERT INTO reference_points (id, system_name, element_name, kind,"
                      " consistency, created_at, job_id, collection_rp_id)"
                      " VALUES (:id, :system_name, :element_name, :kind, :consistency, :created_at,"
                      " :job_id, :collection_rp_id)"),
        insert_rp_disk(db, "INSERT INTO rp_disks (rp_key, ordinal, disk_id, rct_id)"
                           " VALUES (:rp_key, :ordinal, :disk_id, :rct_id)"),
        select_rp(db, sql(rp_columns, "WHERE id = :id")),
        select_rps_of_system(db,
                             sql(rp_columns, "WHERE system_name = :system_name ORDER BY rp_key")),
        select_all_rps(db, sql(rp_columns, "ORDER BY rp_key")),
        select_rp_disks(db, "SELECT disk_id, rct_id FROM rp_disks WHERE rp_key = :rp_key"
                            " ORDER BY ordinal"),
        delete_rp(db, "DELETE FROM reference_points WHERE id = :id"),
        insert_block_map(db, "INSERT INTO block_maps (rp_key, ordinal, path, map)"
                             " VALUES (:rp_key, :ordinal, :path, :map)"),
        select_tracked_disk(db, "SELECT r.id AS rp_id, r.system_name, d.disk_id, d.rct_id,"
                                " m.path, m.map FROM rp_disks d"
                                " JOIN reference_points r ON r.rp_key = d.rp_key"
                                " LEFT JOIN block_maps m"
                                " ON m.rp_key = d.rp_key AND m.ordinal = d.ordinal"
                                " WHERE d.rct_id = :rct_id"),
        upsert_collection(db,
                          "INSERT INTO collections (id, element_name, created_at)"
                          " VALUES (:id, :element_name, :created_at)"
                          " ON CONFLICT (id) DO UPDATE SET element_name = excluded.element_name,"
                          " created_at = excluded.created_at"
                          " RETURNING coll_key"),
        delete_collection_members(db, "DELETE FROM collection_members WHERE coll_key = :coll_key"),
        insert_collection_member(db, "INSERT INTO collection_members (coll_key, system_name)"
                                     " VALUES (:coll_key, :system_name)"),
        delete_collection(db, "DELETE FROM collections WHERE id = :id"),
        select_collection(db, sql(collection_columns, "WHERE id = :id")),
        select_collections(db, sql(collection_columns, "ORDER BY id")),
        select_collection_members(db, "SELECT system_name FROM collection_members"
                                      " WHERE coll_key = :coll_key ORDER BY system_name"),
        select_collections_of_system(db, "SELECT c.id FROM collection_members m"
                                         " JOIN collections c ON c.coll_key = m.coll_key"
                                         " WHERE m.system_name = :system_name ORDER BY c.id"),
        insert_rpc(db, "INSERT INTO rp_collections (id, collection_id, element_name, kind,"
                       " consistency, created_at, job_id)"
                       " VALUES (:id, :collection_id, :element_name, :kind, :consistency,"
                       " :created_at, :job_id)"),
        insert_rpc_member(db, "INSERT INTO rp_collection_members (rpc_key, ordinal, rp_id, node)"
                              " VALUES (:rpc_key, :ordinal, :rp_id, :node)"),
        select_rpc(db, sql(rpc_columns, "WHERE id = :id")),
        select_rpcs_of_collection(
          db, sql(rpc_columns, "WHERE collection_id = :collection_id ORDER BY rpc_key")),
        select_all_rpcs(db, sql(rpc_columns, "ORDER BY rpc_key")),
        select_rpc_members(db, "SELECT rp_id, node FROM rp_collection_members"
                               " WHERE rpc_key = :rpc_key ORDER BY ordinal"),
        delete_rpc(db, "DELETE FROM rp_collections WHERE id = :id"),
        delete_rpc_member_rps(db, "DELETE FROM reference_points WHERE collection_rp_id = :rpc_id"),
        select_rpc_member_rps(db,
                              sql(rp_columns, "WHERE collection_rp_id = :rpc_id ORDER BY rp_key")),
        insert_pending(db, "INSERT INTO pending_members (rp_id, job_id, coordinator, system_name,"
                           " element_name, kind, consistency, created_at, collection_rp_id,"
                           " disk_ids, rct_ids, prepared_at, destroy)"
                           " VALUES (:rp_id, :job_id, :coordinator, :system_name, :element_name,"
                           " :kind, :consistency, :created_at, :collection_rp_id, :disk_ids,"
                           " :rct_ids, :prepared_at, :destroy)"),
        select_pending_of_job(db, sql(pending_columns, "WHERE job_id = :job_id ORDER BY rowid")),
        select_pending_coordinator(db, "SELECT coordinator FROM pending_members"
                                       " WHERE job_id = :job_id LIMIT 1"),
        delete_pending_of_job(db, "DELETE FROM pending_members WHERE job_id = :job_id"),
        // One coordinator per job (`prepare_member`): the bare column is that one.
        select_in_doubt_jobs(db, "SELECT job_id, coordinator FROM pending_members"
                                 " GROUP BY job_id ORDER BY MIN(prepared_at), MIN(rowid)"),
        count_pending(db, "SELECT count(*) FROM pending_members"),
        pending_exists(db, "SELECT 1 FROM pending_members WHERE rp_id = :id"),
        pending_exists_for_job(db, "SELECT 1 FROM pending_members"
                                   " WHERE rp_id = :id AND job_id = :job_id"),
        rp_exists(db, "SELECT 1 FROM reference_points WHERE id = :id"),
        system_exists(db, "SELECT 1 FROM systems WHERE name = :name"),
        collection_exists(db, "SELECT 1 FROM collections WHERE id = :id"),
        select_job_phase(db, "SELECT state, status FROM jobs WHERE id = :id"), events(db),
        identity(db.execAndGet("SELECT id FROM store_identity").getString()) {}

  /// A savepoint: nested inside `transact`, a transaction of its own outside it. Rolls
  /// back everything done since its start unless released.
  class savepoint {
  public:
    explicit savepoint(impl& owner) : owner_(owner), events_mark_(owner.events.mark()) {
      use(owner_.savepoint_begin)->exec();
    }
    savepoint(const savepoint&) = delete;
    savepoint& operator=(const savepoint&) = delete;
    ~savepoint() {
      if (released_) {
        return;
      }
      // Best effort: when SQLite already rolled back the whole transaction, there is no
      // savepoint left and both fail harmlessly.
      owner_.savepoint_rollback.tryExecuteStep();
      owner_.savepoint_rollback.tryReset();
      owner_.savepoint_release.tryExecuteStep();
      owner_.savepoint_release.tryReset();
      owner_.events.rollback_to(events_mark_);
    }
    void release() {
      use(owner_.savepoint_release)->exec();
      released_ = true;
      if (sqlite3_get_autocommit(owner_.db.getHandle()) != 0)
        owner_.events.commit(); // it was a transaction of its own
    }

  private:
    impl& owner_;
    std::size_t events_mark_;
    bool released_ = false;
  };

  /// Appends an event of the write in progress.
  void emit(protocol::event_record event) { events.append(std::move(event), protocol::now_us()); }

  bool exists(SQLite::Statement& query, const char* key, const std::string& value) {
    use stmt(query);
    stmt->bind(key, value);
    return stmt->executeStep();
  }

  /// `job.state` when the update changes the job's state or status, else `job.progress`.
  std::string_view job_update_type(const job_record& job) {
    use stmt(select_job_phase);
    stmt->bind(":id", job.id);
    if (stmt->executeStep() && from_column<protocol::job_state>(stmt->getColumn(0)) == job.state &&
        stmt->getColumn(1).getString() == job.status)
      return protocol::event_types::job_progress;
    return protocol::event_types::job_state;
  }

  /// The events that end a job whose result was just stored: its affected element, then its
  /// final state.
  void emit_completion(const job_record& job) {
    emit(protocol::job_event(protocol::event_types::job_affected, job));
    emit(protocol::job_event(protocol::event_types::job_state, job));
  }

  std::optional<reference_point> find_reference_point(const std::string& id) {
    use stmt(select_rp);
    stmt->bind(":id", id);
    if (!stmt->executeStep())
      return std::nullopt;
    return read_reference_point(*stmt);
  }

  std::optional<collection_reference_point> find_collection_rp(const std::string& id) {
    use stmt(select_rpc);
    stmt->bind(":id", id);
    if (!stmt->executeStep())
      return std::nullopt;
    return read_collection_rp(*stmt);
  }

  std::optional<collection_info> find_collection(const std::string& id) {
    use stmt(select_collection);
    stmt->bind(":id", id);
    if (!stmt->executeStep())
      return std::nullopt;
    return read_collection(*stmt);
  }

  // -- writes (callers hold a savepoint) --

  void write_system(const system_info& system) {
    std::int64_t sys_key = 0;
    {
      use stmt(upsert_system);
      stmt->bind(":name", system.name);
      stmt->bind(":element_name", system.element_name);
      bind_int(*stmt, ":enabled_state", system.state);
      bind_int(*stmt, ":replication_enabled", system.replication_enabled);
      bind_int(*stmt, ":created_at", system.created_at);
      stmt->executeStep();
      sys_key = stmt->getColumn(0).getInt64();
    }
    {
      use stmt(delete_disks);
      stmt->bind(":sys_key", sys_key);
      stmt->exec();
    }
    std::int64_t ordinal = 0;
    for (const disk& d : system.disks) {
      use stmt(insert_disk);
      stmt->bind(":sys_key", sys_key);
      stmt->bind(":ordinal", ordinal++);
      stmt->bind(":disk_id", d.id);
      stmt->bind(":backend", d.backend);
      stmt->bind(":path", d.path);
      bind_int(*stmt, ":size_bytes", d.size_bytes);
      bind_int(*stmt, ":change_tracking", d.change_tracking);
      if (d.sim_fail_at) {
        stmt->bind(":sim_fail_at", *d.sim_fail_at);
      } else {
        stmt->bind(":sim_fail_at");
      }
      stmt->exec();
    }
  }

  /// Binds the columns `insert_job` and `update_job` share.
  static void bind_mutable_job_columns(SQLite::Statement& stmt, const job_record& job) {
    stmt.bind(":id", job.id);
    bind_int(stmt, ":state", job.state);
    stmt.bind(":status", job.status);
    bind_int(stmt, ":percent_complete", job.percent_complete);
    bind_int(stmt, ":error_code", job.error_code);
    stmt.bind(":error_description", job.error_description);
    stmt.bind(":error_summary", job.error_summary);
    bind_int(stmt, ":started_at", job.started_at);
    bind_int(stmt, ":finished_at", job.finished_at);
    bind_int(stmt, ":last_state_change", job.last_state_change);
    bind_int(stmt, ":time_before_removal_s", job.time_before_removal_s);
    bind_int(stmt, ":delete_on_completion", job.delete_on_completion);
    bind_int(stmt, ":cancellable", job.cancellable);
  }

  /// Replaces the job's affected elements; `fresh`: the job was just inserted and has none.
  void write_affected(std::int64_t job_seq, const std::vector<affected_element>& affected,
                      bool fresh) {
    if (!fresh) {
      use stmt(delete_affected);
      stmt->bind(":job_seq", job_seq);
      stmt->exec();
    }
    std::int64_t ordinal = 0;
    for (const affected_element& element : affected) {
      use stmt(insert_affected);
      stmt->bind(":job_seq", job_seq);
      stmt->bind(":ordinal", ordinal++);
      stmt->bind(":element_path", element.element_path);
      bind_int(*stmt, ":effects", element.effects);
      stmt->exec();
    }
  }

  /// The stored job: the one already holding `job.idempotency_key` if any, else `job`
  /// just inserted (with its `seq`).
  job_record write_new_job(const job_record& job) {
    if (!job.idempotency_key.empty()) {
      use stmt(select_job_by_key);
      stmt->bind(":idempotency_key", job.idempotency_key);
      if (stmt->executeStep()) {
        return read_job(*stmt);
      }
    }
    {
      use stmt(insert_job);
      bind_mutable_job_columns(*stmt, job);
      bind_int(*stmt, ":type", job.type);
      stmt->bind(":target", job.request.target);
      bind_int(*stmt, ":rp_kind", job.request.kind);
      stmt->bind(":rp_element_name", job.request.element_name);
      bind_int(*stmt, ":rp_consistency", job.request.consistency);
      stmt->bind(":subject", job.request.subject);
      bind_int(*stmt, ":submitted_at", job.submitted_at);
      bind_optional_text(*stmt, ":idempotency_key", job.idempotency_key);
      stmt->exec();
    }
    job_record stored = job;
    stored.seq = db.getLastInsertRowid();
    write_affected(stored.seq, job.affected, true);
    return stored;
  }

  /// False when no job has `job.id`.
  bool write_job_update(const job_record& job) {
    std::int64_t seq = 0;
    {
      use stmt(update_job);
      bind_mutable_job_columns(*stmt, job);
      if (!stmt->executeStep()) {
        return false;
      }
      seq = stmt->getColumn(0).getInt64();
    }
    write_affected(seq, job.affected, false);
    return true;
  }

  /// Inserts `rp` as a member of `collection_rp_id` (empty: none).
  void write_reference_point(const reference_point& rp, const std::string& collection_rp_id) {
    {
      use stmt(insert_rp);
      stmt->bind(":id", rp.id);
      stmt->bind(":system_name", rp.system_name);
      stmt->bind(":element_name", rp.element_name);
      bind_int(*stmt, ":kind", rp.kind);
      bind_int(*stmt, ":consistency", rp.consistency);
      bind_int(*stmt, ":created_at", rp.created_at);
      stmt->bind(":job_id", rp.job_id);
      bind_optional_text(*stmt, ":collection_rp_id", collection_rp_id);
      stmt->exec();
    }
    const std::int64_t rp_key = db.getLastInsertRowid();
    const std::size_t rows = std::max(rp.disk_ids.size(), rp.rct_ids.size());
    for (std::size_t i = 0; i < rows; ++i) {
      use stmt(insert_rp_disk);
      stmt->bind(":rp_key", rp_key);
      bind_int(*stmt, ":ordinal", i);
      if (i < rp.disk_ids.size()) {
        stmt->bind(":disk_id", rp.disk_ids[i]);
      } else {
        stmt->bind(":disk_id");
      }
      if (i < rp.rct_ids.size()) {
        stmt->bind(":rct_id", rp.rct_ids[i]);
      } else {
        stmt->bind(":rct_id");
      }
      stmt->exec();
    }
    for (const auto& m : rp.block_maps) {
      use stmt(insert_block_map);
      stmt->bind(":rp_key", rp_key);
      bind_int(*stmt, ":ordinal", m.ordinal);
      stmt->bind(":path", m.path);
      stmt->bind(":map", m.map.data(), static_cast<int>(m.map.size()));
      stmt->exec();
    }
  }

  /// Inserts the collection reference point `rpc` with its member list and their nodes
  /// ("" where `rpc.member_nodes` is shorter), not the member reference points themselves.
  void write_collection_rp(const collection_reference_point& rpc) {
    {
      use stmt(insert_rpc);
      stmt->bind(":id", rpc.id);
      stmt->bind(":collection_id", rpc.collection_id);
      stmt->bind(":element_name", rpc.element_name);
      bind_int(*stmt, ":kind", rpc.kind);
      bind_int(*stmt, ":consistency", rpc.consistency);
      bind_int(*stmt, ":created_at", rpc.created_at);
      stmt->bind(":job_id", rpc.job_id);
      stmt->exec();
    }
    const std::int64_t rpc_key = db.getLastInsertRowid();
    for (std::size_t i = 0; i < rpc.member_ids.size(); ++i) {
      use stmt(insert_rpc_member);
      stmt->bind(":rpc_key", rpc_key);
      bind_int(*stmt, ":ordinal", i);
      stmt->bind(":rp_id", rpc.member_ids[i]);
      stmt->bind(":node", i < rpc.member_nodes.size() ? rpc.member_nodes[i] : std::string{});
      stmt->exec();
    }
  }

  /// Inserts `rp` as a pending member of job `job_id` coordinated by `coordinator`: one to
  /// store on commit, or when `destroy` one stored here to delete on commit.
  void write_pending_member(const std::string& coordinator, const std::string& job_id,
                            const reference_point& rp, bool destroy) {
    use stmt(insert_pending);
    stmt->bind(":rp_id", rp.id);
    stmt->bind(":job_id", job_id);
    stmt->bind(":coordinator", coordinator);
    stmt->bind(":system_name", rp.system_name);
    stmt->bind(":element_name", rp.element_name);
    bind_int(*stmt, ":kind", rp.kind);
    bind_int(*stmt, ":consistency", rp.consistency);
    bind_int(*stmt, ":created_at", rp.created_at);
    stmt->bind(":collection_rp_id", rp.collection_rp_id);
    stmt->bind(":disk_ids", to_json_array(rp.disk_ids));
    stmt->bind(":rct_ids", to_json_array(rp.rct_ids));
    bind_int(*stmt, ":prepared_at", protocol::now_us());
    bind_int(*stmt, ":destroy", destroy);
    stmt->exec();
  }

  /// Throws (`what` first) when job `job_id` has pending members of a coordinator other than
  /// `coordinator`.
  void check_coordinator(const std::string& what, const std::string& coordinator,
                         const std::string& job_id) {
    const auto known = pending_coordinator(job_id);
    if (known && *known != coordinator)
      throw store_error(what + ": job '" + job_id + "' is coordinated by node '" + *known +
                        "', not '" + coordinator + "'");
  }

  /// Whether reference point `rp_id` is pending for job `job_id`.
  bool pending_for_job(const std::string& rp_id, const std::string& job_id) {
    use stmt(pending_exists_for_job);
    stmt->bind(":id", rp_id);
    stmt->bind(":job_id", job_id);
    return stmt->executeStep();
  }

  /// The member reference points of collection reference point `rpc_id` stored here, oldest
  /// first.
  std::vector<reference_point> member_reference_points(const std::string& rpc_id) {
    std::vector<reference_point> members;
    use stmt(select_rpc_member_rps);
    stmt->bind(":rpc_id", rpc_id);
    while (stmt->executeStep())
      members.push_back(read_reference_point(*stmt));
    return members;
  }

  /// The coordinator of job `job_id` as its pending members name it; none when it has none.
  std::optional<std::string> pending_coordinator(const std::string& job_id) {
    use stmt(select_pending_coordinator);
    stmt->bind(":job_id", job_id);
    if (!stmt->executeStep())
      return std::nullopt;
    return stmt->getColumn(0).getString();
  }

  /// The pending members of job `job_id`, in the order they were prepared.
  std::vector<pending_member> pending_members_of(const std::string& job_id) {
    std::vector<pending_member> members;
    use stmt(select_pending_of_job);
    stmt->bind(":job_id", job_id);
    while (stmt->executeStep())
      members.push_back(read_pending_member(*stmt));
    return members;
  }

  /// Deletes reference point `id` with its disks and fingerprint maps; answers it as it was
  /// (without its maps), none when there is none.
  std::optional<reference_point> delete_reference_point(const std::string& id) {
    auto rp = find_reference_point(id);
    if (rp) {
      use stmt(delete_rp);
      stmt->bind(":id", id);
      stmt->exec();
    }
    return rp;
  }

  /// Stores the pending member `member` of job `job_id`, with its event.
  void create_member(const reference_point& member, const std::string& job_id) {
    write_reference_point(member, member.collection_rp_id);
    emit(protocol::reference_point_event(protocol::event_types::rp_created, member, job_id));
  }

  /// Deletes member reference point `id` for job `job_id`, with its event; nothing when it is
  /// gone already.
  void delete_member(const std::string& id, const std::string& job_id) {
    if (const auto member = delete_reference_point(id))
      emit(protocol::reference_point_event(protocol::event_types::rp_deleted, *member, job_id));
  }

  /// Deletes the pending members of job `job_id`; answers how many.
  std::size_t delete_pending_members(const std::string& job_id) {
    use stmt(delete_pending_of_job);
    stmt->bind(":job_id", job_id);
    return static_cast<std::size_t>(stmt->exec());
  }

  void write_collection(const collection_info& collection) {
    std::int64_t coll_key = 0;
    {
      use stmt(upsert_collection);
      stmt->bind(":id", collection.id);
      stmt->bind(":element_name", collection.element_name);
      bind_int(*stmt, ":created_at", collection.created_at);
      stmt->executeStep();
      coll_key = stmt->getColumn(0).getInt64();
    }
    {
      use stmt(delete_collection_members);
      stmt->bind(":coll_key", coll_key);
      stmt->exec();
    }
    for (const std::string& member : collection.members) {
      use stmt(insert_collection_member);
      stmt->bind(":coll_key", coll_key);
      stmt->bind(":system_name", member);
      stmt->exec();
    }
  }

  // -- reads --

  /// The system in the current row of `stmt` (a `system_columns` query), with its disks.
  system_info read_system(const SQLite::Statement& stmt) {
    system_info system;
    system.name = stmt.getColumn("name").getString();
    system.element_name = stmt.getColumn("element_name").getString();
    system.state = from_column<protocol::enabled_state>(stmt.getColumn("enabled_state"));
    system.replication_enabled = from_column<bool>(stmt.getColumn("replication_enabled"));
    system.created_at = stmt.getColumn("created_at").getInt64();
    use disks(select_disks);
    disks->bind(":sys_key", stmt.getColumn("sys_key").getInt64());
    while (disks->executeStep()) {
      disk& d = system.disks.emplace_back();
      d.id = disks->getColumn("disk_id").getString();
      d.backend = disks->getColumn("backend").getString();
      d.path = disks->getColumn("path").getString();
      d.size_bytes = from_column<std::uint64_t>(disks->getColumn("size_bytes"));
      d.change_tracking = from_column<bool>(disks->getColumn("change_tracking"));
      if (!disks->isColumnNull("sim_fail_at")) {
        d.sim_fail_at = disks->getColumn("sim_fail_at").getDouble();
      }
    }
    return system;
  }

  /// The job in the current row of `stmt` (a `job_columns` query), with its affected
  /// elements.
  job_record read_job(const SQLite::Statement& stmt) {
    job_record job;
    job.seq = stmt.getColumn("seq").getInt64();
    job.id = stmt.getColumn("id").getString();
    job.type = from_column<protocol::job_type>(stmt.getColumn("type"));
    job.request.target = stmt.getColumn("target").getString();
    job.request.kind = from_column<protocol::rp_kind>(stmt.getColumn("rp_kind"));
    job.request.element_name = stmt.getColumn("rp_element_name").getString();
    job.request.subject = stmt.getColumn("subject").getString();
    job.request.consistency =
      from_column<protocol::consistency_level>(stmt.getColumn("rp_consistency"));
    job.state = from_column<protocol::job_state>(stmt.getColumn("state"));
    job.status = stmt.getColumn("status").getString();
    job.percent_complete = from_column<std::uint16_t>(stmt.getColumn("percent_complete"));
    job.error_code = from_column<std::uint16_t>(stmt.getColumn("error_code"));
    job.error_description = stmt.getColumn("error_description").getString();
    job.error_summary = stmt.getColumn("error_summary").getString();
    job.submitted_at = stmt.getColumn("submitted_at").getInt64();
    job.started_at = stmt.getColumn("started_at").getInt64();
    job.finished_at = stmt.getColumn("finished_at").getInt64();
    job.last_state_change = stmt.getColumn("last_state_change").getInt64();
    job.time_before_removal_s = from_column<std::uint32_t>(stmt.getColumn("time_before_removal_s"));
    job.delete_on_completion = from_column<bool>(stmt.getColumn("delete_on_completion"));
    job.cancellable = from_column<bool>(stmt.getColumn("cancellable"));
    job.idempotency_key = optional_text(stmt.getColumn("idempotency_key"));
    use affected(select_affected);
    affected->bind(":job_seq", job.seq);
    while (affected->executeStep()) {
      job.affected.push_back(
        {affected->getColumn("element_path").getString(),
         from_column<protocol::element_effects>(affected->getColumn("effects"))});
    }
    return job;
  }

  /// The columns a stored and a pending reference point share, from the current row of
  /// `stmt` (its id in `id_column`).
  static reference_point read_rp_columns(const SQLite::Statement& stmt, const char* id_column) {
    reference_point rp;
    rp.id = stmt.getColumn(id_column).getString();
    rp.system_name = stmt.getColumn("system_name").getString();
    rp.element_name = stmt.getColumn("element_name").getString();
    rp.kind = from_column<protocol::rp_kind>(stmt.getColumn("kind"));
    rp.consistency = from_column<protocol::consistency_level>(stmt.getColumn("consistency"));
    rp.created_at = stmt.getColumn("created_at").getInt64();
    rp.job_id = stmt.getColumn("job_id").getString();
    rp.collection_rp_id = optional_text(stmt.getColumn("collection_rp_id"));
    return rp;
  }

  /// The reference point in the current row of `stmt` (an `rp_columns` query), with its
  /// disk and RCT ids.
  reference_point read_reference_point(const SQLite::Statement& stmt) {
    auto rp = read_rp_columns(stmt, "id");
    use disks(select_rp_disks);
    disks->bind(":rp_key", stmt.getColumn("rp_key").getInt64());
    while (disks->executeStep()) {
      if (!disks->isColumnNull("disk_id")) {
        rp.disk_ids.push_back(disks->getColumn("disk_id").getString());
      }
      if (!disks->isColumnNull("rct_id")) {
        rp.rct_ids.push_back(disks->getColumn("rct_id").getString());
      }
    }
    return rp;
  }

  /// The pending member in the current row of `stmt` (a `pending_columns` query); its
  /// `job_id` is the pending job's.
  static pending_member read_pending_member(const SQLite::Statement& stmt) {
    auto rp = read_rp_columns(stmt, "rp_id");
    rp.disk_ids = from_json_array(stmt.getColumn("disk_ids").getString());
    rp.rct_ids = from_json_array(stmt.getColumn("rct_ids").getString());
    return {std::move(rp), from_column<bool>(stmt.getColumn("destroy"))};
  }

  /// The collection in the current row of `stmt` (a `collection_columns` query), with its
  /// members.
  collection_info read_collection(const SQLite::Statement& stmt) {
    collection_info collection;
    collection.id = stmt.getColumn("id").getString();
    collection.element_name = stmt.getColumn("element_name").getString();
    collection.created_at = stmt.getColumn("created_at").getInt64();
    use members(select_collection_members);
    members->bind(":coll_key", stmt.getColumn("coll_key").getInt64());
    while (members->executeStep()) {
      collection.members.push_back(members->getColumn("system_name").getString());
    }
    return collection;
  }

  /// The collection reference point in the current row of `stmt` (an `rpc_columns`
  /// query), with its member ids and, when some member is on another node, their nodes.
  collection_reference_point read_collection_rp(const SQLite::Statement& stmt) {
    collection_reference_point rpc;
    rpc.id = stmt.getColumn("id").getString();
    rpc.collection_id = stmt.getColumn("collection_id").getString();
    rpc.element_name = stmt.getColumn("element_name").getString();
    rpc.kind = from_column<protocol::rp_kind>(stmt.getColumn("kind"));
    rpc.consistency = from_column<protocol::consistency_level>(stmt.getColumn("consistency"));
    rpc.created_at = stmt.getColumn("created_at").getInt64();
    rpc.job_id = stmt.getColumn("job_id").getString();
    use members(select_rpc_members);
    members->bind(":rpc_key", stmt.getColumn("rpc_key").getInt64());
    while (members->executeStep()) {
      rpc.member_ids.push_back(members->getColumn("rp_id").getString());
      rpc.member_nodes.push_back(members->getColumn("node").getString());
    }
    if (std::ranges::all_of(rpc.member_nodes, &std::string::empty))
      rpc.member_nodes.clear(); // every member is here
    return rpc;
  }

  // -- members: constant after construction --

  SQLite::Database db;
  const std::string path; ///< for messages

  SQLite::Statement savepoint_begin;
  SQLite::Statement savepoint_release;
  SQLite::Statement savepoint_rollback;

  SQLite::Statement upsert_system;
  SQLite::Statement delete_disks;
  SQLite::Statement insert_disk;
  SQLite::Statement select_system;
  SQLite::Statement select_systems;
  SQLite::Statement select_disks;

  SQLite::Statement insert_job;
  SQLite::Statement update_job;
  SQLite::Statement delete_affected;
  SQLite::Statement insert_affected;
  SQLite::Statement select_job;
  SQLite::Statement select_job_by_key;
  SQLite::Statement select_unfinished_jobs;
  SQLite::Statement select_affected;
  SQLite::Statement select_job_page;
  SQLite::Statement select_job_page_by_state;
  SQLite::Statement select_job_page_by_target;
  SQLite::Statement select_job_page_by_state_and_target;
  SQLite::Statement count_jobs;
  SQLite::Statement purge_removed_jobs;

  SQLite::Statement insert_rp;
  SQLite::Statement insert_rp_disk;
  SQLite::Statement select_rp;
  SQLite::Statement select_rps_of_system;
  SQLite::Statement select_all_rps;
  SQLite::Statement select_rp_disks;
  SQLite::Statement delete_rp;
  SQLite::Statement insert_block_map;
  SQLite::Statement select_tracked_disk;

  SQLite::Statement upsert_collection;
  SQLite::Statement delete_collection_members;
  SQLite::Statement insert_collection_member;
  SQLite::Statement delete_collection;
  SQLite::Statement select_collection;
  SQLite::Statement select_collections;
  SQLite::Statement select_collection_members;
  SQLite::Statement select_collections_of_system;

  SQLite::Statement insert_rpc;
  SQLite::Statement insert_rpc_member;
  SQLite::Statement select_rpc;
  SQLite::Statement select_rpcs_of_collection;
  SQLite::Statement select_all_rpcs;
  SQLite::Statement select_rpc_members;
  SQLite::Statement delete_rpc;
  SQLite::Statement delete_rpc_member_rps;
  SQLite::Statement select_rpc_member_rps;

  SQLite::Statement insert_pending;
  SQLite::Statement select_pending_of_job;
  SQLite::Statement select_pending_coordinator;
  SQLite::Statement delete_pending_of_job;
  SQLite::Statement select_in_doubt_jobs;
  SQLite::Statement count_pending;
  SQLite::Statement pending_exists;
  SQLite::Statement pending_exists_for_job;
  SQLite::Statement rp_exists;

  SQLite::Statement system_exists;
  SQLite::Statement collection_exists;
  SQLite::Statement select_job_phase;

  event_log events;           ///< after `db`, which it uses
  const std::string identity; ///< `database::identity`
};

// -- database -----------------------------------------------------------------------

void database::limit_size(std::uint64_t bytes) {
  auto& db = impl_->db;
  const auto page = static_cast<std::uint64_t>(db.execAndGet("PRAGMA page_size").getInt64());
  db.exec("PRAGMA max_page_count = " + std::to_string(std::max<std::uint64_t>(1, bytes / page)));
}

database database::open(const std::string& path, bool read_only, sync_mode sync) {
  try {
    const int flags =
      read_only ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Database db(path, flags, busy_timeout_ms);
    // Reading the header first is what reveals a file that is not a database.
    const int version = user_version(db);
    if (!read_only) {
      db.exec("PRAGMA journal_mode = WAL");
      // The writer's batches hold up to `max_batch_writes` writes: keep them in memory.
      db.exec("PRAGMA cache_size = -32768"); // KiB
    }
    db.exec(sync == sync_mode::full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    if (read_only) {
      if (version != current_schema_version) {
        throw store_error("cannot open database '" + path + "' read-only: schema version " +
                          std::to_string(version) + ", this build needs " +
                          std::to_string(current_schema_version) +
                          " (a read-write open migrates it)");
      }
    } else {
      migrate(db, path);
    }
    return database(std::make_unique<impl>(std::move(db), path));
  } catch (const SQLite::Exception& e) {
    fail("cannot open database '" + path + "'", e);
  }
}

database::database(std::unique_ptr<impl> state) : impl_(std::move(state)) {}

database::database(database&&) noexcept = default;
database& database::operator=(database&&) noexcept = default;
database::~database() = default;

int database::schema_version() {
  try {
    return user_version(impl_->db);
  } catch (const SQLite::Exception& e) {
    fail("cannot read schema version of '" + impl_->path + "'", e);
  }
}

void database::put_system(const system_info& system) {
  try {
    impl::savepoint sp(*impl_);
    const bool existed = impl_->exists(impl_->system_exists, ":name", system.name);
    impl_->write_system(system);
    impl_->emit(protocol::system_event(existed ? protocol::event_types::system_updated
                                               : protocol::event_types::system_created,
                                       system));
    sp.release();
  } catch (const SQLite::Exception& e) {
    fail("cannot store system '" + system.name + "'", e);
  }
}

job_record database::insert_job(const job_record& job) {
  try {
    impl::savepoint sp(*impl_);
    job_record stored = impl_->write_new_job(job);
    if (stored.id == job.id)
      impl_->emit(protocol::job_event(protocol::event_types::job_created, stored));
    sp.release();
    return stored;
  } catch (const SQLite::Exception& e) {
    fail("cannot insert job '" + job.id + "'", e);
  }
}

bool database::update_job(const job_record& job) {
  try {
    impl::savepoint sp(*impl_);
    const auto type = impl_->job_update_type(job);
    if (!impl_->write_job_update(job)) {
      return false;
    }
    impl_->emit(protocol::job_event(type, job));
    sp.release();
    return true;
  } catch (const SQLite::Exception& e) {
    fail("cannot update job '" + job.id + "'", e);
  }
}

bool database::complete_job(const job_record& job, const reference_point& rp) {
  try {
    impl::savepoint sp(*impl_);
    impl_->write_reference_point(rp, rp.collection_rp_id);
    if (!impl_->write_job_update(job)) {
      return false; // the savepoint takes the reference point back
    }
    impl_->emit(protocol::reference_point_event(protocol::event_types::rp_created, rp, job.id));
    impl_->emit_completion(job);
    sp.release();
    return true;
  } catch (const SQLite::Exception& e) {
    fail("cannot complete job '" + job.id + "' with reference point '" + rp.id + "'", e);
  }
}

bool database::complete_collection_job(const job_record& job, const collection_reference_point& rpc,
                                       const std::vector<reference_point>& members) {
  try {
    impl::savepoint sp(*impl_);
    // As stored: the member list of `rpc`, else the given members in order.
    auto stored = rpc;
    if (stored.member_ids.empty())
      std::ranges::transform(members, std::back_inserter(stored.member_ids), &reference_point::id);
    impl_->write_collection_rp(stored);
    for (const auto& member : members)
      impl_->write_reference_point(member, rpc.id);
    if (!impl_->write_job_update(job)) {
      return false; // the savepoint takes the collection reference point back
    }
    for (auto member : members) {
      member.collection_rp_id = rpc.id;
      impl_->emit(
        protocol::reference_point_event(protocol::event_types::rp_created, member, job.id));
    }
    impl_->emit(protocol::collection_rp_event(protocol::event_types::rpc_created, stored, job.id));
    impl_->emit_completion(job);
    sp.release();
    return true;
  } catch (const SQLite::Exception& e) {
    fail("cannot complete job '" + job.id + "' with collection reference point '" + rpc.id + "'",
         e);
  }
}

bool database::destroy_reference_point_job(const job_record& job, const std::string& rp_id) {
  try {
    impl::savepoint sp(*impl_);
    const auto rp = impl_->delete_reference_point(rp_id);
    if (!rp)
      return false;
    if (!rp->collection_rp_id.empty())
      throw store_error("cannot destroy reference point '" + rp_id +
                        "': it belongs to collection reference point '" + rp->collection_rp_id +
                        "'");
    if (!impl_->write_job_update(job)) {
      return false; // the savepoint takes the reference point back
    }
    impl_->emit(protocol::reference_point_event(protocol::event_types::rp_deleted, *rp, job.id));
    impl_->emit(protocol::job_event(protocol::event_types::job_state, job));
    sp.release();
    return true;
  } catch (const SQLite::Exception& e) {
    fail("cannot destroy reference point '" + rp_id + "' for job '" + job.id + "'", e);
  }
}

bool database::destroy_collection_rp_job(const job_record& job, const std::string& rpc_id) {
  try {
    impl::savepoint sp(*impl_);
    const auto rpc = impl_->find_collection_rp(rpc_id);
    std::vector<reference_point> members;
    for (const auto& id : rpc ? rpc->member_ids : std::vector<std::string>{})
      if (auto member = impl_->find_reference_point(id))
        members.push_back(std::move(*member));
    {
      use stmt(impl_->delete_rpc);
      stmt->bind(":id", rpc_id);
      if (stmt->exec() == 0) {
        return false;
      }
    }
    {
      use stmt(impl_->delete_rpc_member_rps);
      stmt->bind(":rpc_id", rpc_id);
      stmt->exec();
    }
    if (!impl_->write_job_update(job)) {
      return false; // the savepoint takes the collection reference point back
    }
    for (const auto& member : members)
      impl_->emit(
        protocol::reference_point_event(protocol::event_types::rp_deleted, member, job.id));
    impl_->emit(protocol::collection_rp_event(protocol::event_types::rpc_deleted, *rpc, job.id));
    impl_->emit(protocol::job_event(protocol::event_types::job_state, job));
    sp.release();
    return true;
  } catch (const SQLite::Exception& e) {
    fail("cannot destroy collection reference point '" + rpc_id + "' for job '" + job.id + "'", e);
  }
}

void database::put_collection(const collection_info& collection) {
  try {
    impl::savepoint sp(*impl_);
    const bool existed = impl_->exists(impl_->collection_exists, ":id", collection.id);
    impl_->write_collection(collection);
    // As stored: members by ascending name.
    auto stored = collection;
    std::ranges::sort(stored.members);
    impl_->emit(protocol::collection_event(existed ? protocol::event_types::collection_updated
                                                   : protocol::event_types::collection_created,
                                           stored));
    sp.release();
  } catch (const SQLite::Exception& e) {
    fail("cannot store collection '" + collection.id + "'", e);
  }
}

bool database::delete_collection(const std::string& id) {
  try {
    impl::savepoint sp(*impl_);
    const auto collection = impl_->find_collection(id);
    if (!collection)
      return false;
    {
      use stmt(impl_->delete_collection);
      stmt->bind(":id", id);
      stmt->exec();
    }
    impl_->emit(protocol::collection_event(protocol::event_types::collection_deleted, *collection));
    sp.release();
    return true;
  } catch (const SQLite::Exception& e) {
    fail("cannot delete collection '" + id + "'", e);
  }
}

void database::prepare_member(const std::string& coordinator, const reference_point& rp) {
  const std::string what = "cannot prepare member reference point '" + rp.id + "'";
  if (!rp.block_maps.empty())
    throw store_error(what + ": a pending member has no fingerprint map");
  if (rp.collection_rp_id.empty())
    throw store_error(what + ": it names no collection reference point");
  try {
    impl::savepoint sp(*impl_);
    if (impl_->exists(impl_->pending_exists, ":id", rp.id) ||
        impl_->exists(impl_->rp_exists, ":id", rp.id)) {
      sp.release();
      return; // prepared before (and maybe committed since)
    }
    impl_->check_coordinator(what, coordinator, rp.job_id);
    impl_->write_pending_member(coordinator, rp.job_id, rp, false);
    sp.release();
  } catch (const SQLite::Exception& e) {
    fail(what, e);
  }
}

std::size_t database::prepare_member_destroy(const std::string& coordinator,
                                             const std::string& job_id, const std::string& rpc_id) {
  const std::string what =
    "cannot prepare destroying the members of collection reference point '" + rpc_id + "'";
  try {
    impl::savepoint sp(*impl_);
    impl_->check_coordinator(what, coordinator, job_id);
    const auto members = impl_->member_reference_points(rpc_id);
    for (const auto& member : members)
      if (!impl_->pending_for_job(member.id, job_id)) // else prepared before
        impl_->write_pending_member(coordinator, job_id, member, true);
    sp.release();
    return members.size();
  } catch (const SQLite::Exception& e) {
    fail(what, e);
  }
}

std::size_t database::commit_member(const std::string& job_id) {
  try {
    impl::savepoint sp(*impl_);
    const auto members = impl_->pending_members_of(job_id);
    for (const auto& [member, destroy] : members) {
      if (destroy)
        impl_->delete_member(member.id, job_id);
      else
        impl_->create_member(member, job_id);
    }
    impl_->delete_pending_members(job_id);
    sp.release();
    return members.size();
  } catch (const SQLite::Exception& e) {
    fail("cannot commit the pending members of job '" + job_id + "'", e);
  }
}

std::size_t database::abort_member(const std::string& job_id) {
  try {
    impl::savepoint sp(*impl_);
    const auto aborted = impl_->delete_pending_members(job_id);
    sp.release();
    return aborted;
  } catch (const SQLite::Exception& e) {
    fail("cannot abort the pending members of job '" + job_id + "'", e);
  }
}

std::size_t database::purge_jobs(protocol::timestamp_us cutoff) {
  try {
    impl::savepoint sp(*impl_);
    int purged = 0;
    {
      use stmt(impl_->purge_removed_jobs);
      bind_int(*stmt, ":removed_before", cutoff - protocol::gone_window_us);
      purged = stmt->exec();
    }
    sp.release();
    return static_cast<std::size_t>(purged);
  } catch (const SQLite::Exception& e) {
    fail("cannot purge removed jobs", e);
  }
}

void database::transact(const std::function<void()>& body) {
  std::optional<SQLite::Transaction> tx;
  try {
    tx.emplace(impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
  } catch (const SQLite::Exception& e) {
    fail("cannot begin a transaction on '" + impl_->path + "'", e);
  }
  const auto events_mark = impl_->events.mark();
  try {
    body();
    tx->commit();
  } catch (const SQLite::Exception& e) {
    impl_->events.rollback_to(events_mark);
    fail("cannot commit to '" + impl_->path + "'", e);
  } catch (...) {
    impl_->events.rollback_to(events_mark);
    throw;
  }
  impl_->events.commit();
}

std::vector<protocol::event_record> database::take_committed_events() {
  return impl_->events.take_committed();
}

event_bounds database::get_event_bounds() {
  try {
    return impl_->events.bounds();
  } catch (const SQLite::Exception& e) {
    fail("cannot read the event bounds", e);
  }
}

event_source database::copied_events_of(const std::string& origin) {
  try {
    return impl_->events.source(origin);
  } catch (const SQLite::Exception& e) {
    fail("cannot read what was copied of node '" + origin + "'", e);
  }
}

std::int64_t database::import_events(const std::string& origin, const std::string& source,
                                     std::vector<protocol::event_record> events) {
  try {
    impl::savepoint sp(*impl_);
    auto upto = impl_->events.import(origin, source, std::move(events));
    sp.release();
    return upto;
  } catch (const SQLite::Exception& e) {
    fail("cannot copy the events of node '" + origin + "'", e);
  }
}

const std::string& database::identity() const {
  return impl_->identity;
}

event_page database::list_events(const event_query& query) {
  try {
    auto page = impl_->events.page(query);
    page.source = impl_->identity;
    return page;
  } catch (const SQLite::Exception& e) {
    fail("cannot list events", e);
  }
}

std::size_t database::prune_events(std::uint64_t keep) {
  try {
    impl::savepoint sp(*impl_);
    const auto pruned = impl_->events.prune(keep);
    sp.release();
    return pruned;
  } catch (const SQLite::Exception& e) {
    fail("cannot prune events", e);
  }
}

bool database::in_transaction() const {
  return sqlite3_get_autocommit(impl_->db.getHandle()) == 0;
}

std::optional<system_info> database::get_system(const std::string& name) {
  try {
    use stmt(impl_->select_system);
    stmt->bind(":name", name);
    if (!stmt->executeStep()) {
      return std::nullopt;
    }
    return impl_->read_system(*stmt);
  } catch (const SQLite::Exception& e) {
    fail("cannot read system '" + name + "'", e);
  }
}

std::vector<system_info> database::load_systems() {
  try {
    std::vector<system_info> result;
    use stmt(impl_->select_systems);
    while (stmt->executeStep()) {
      result.push_back(impl_->read_system(*stmt));
    }
    return result;
  } catch (const SQLite::Exception& e) {
    fail("cannot list systems", e);
  }
}

std::optional<job_record> database::get_job(const std::string& id) {
  try {
    use stmt(impl_->select_job);
    stmt->bind(":id", id);
    if (!stmt->executeStep()) {
      return std::nullopt;
    }
    return impl_->read_job(*stmt);
  } catch (const SQLite::Exception& e) {
    fail("cannot read job '" + id + "'", e);
  }
}

std::vector<job_record> database::load_unfinished_jobs() {
  try {
    std::vector<job_record> result;
    use stmt(impl_->select_unfinished_jobs);
    bind_int(*stmt, ":running", protocol::job_state::running);
    bind_int(*stmt, ":shutting_down", protocol::job_state::shutting_down);
    while (stmt->executeStep()) {
      result.push_back(impl_->read_job(*stmt));
    }
    return result;
  } catch (const SQLite::Exception& e) {
    fail("cannot list unfinished jobs", e);
  }
}

std::optional<reference_point> database::get_reference_point(const std::string& id) {
  try {
    use stmt(impl_->select_rp);
    stmt->bind(":id", id);
    if (!stmt->executeStep()) {
      return std::nullopt;
    }
    return impl_->read_reference_point(*stmt);
  } catch (const SQLite::Exception& e) {
    fail("cannot read reference point '" + id + "'", e);
  }
}

std::optional<tracked_disk> database::find_tracked_disk(const std::string& rct_id) {
  try {
    use stmt(impl_->select_tracked_disk);
    stmt->bind(":rct_id", rct_id);
    if (!stmt->executeStep()) {
      return std::nullopt;
    }
    tracked_disk out;
    out.rp_id = stmt->getColumn("rp_id").getString();
    out.system_name = stmt->getColumn("system_name").getString();
    out.disk_id = optional_text(stmt->getColumn("disk_id"));
    out.rct_id = rct_id;
    if (!stmt->isColumnNull("map")) {
      out.file_backed = true;
      out.path = stmt->getColumn("path").getString();
      auto map = stmt->getColumn("map");
      out.map.assign(static_cast<const char*>(map.getBlob()),
                     static_cast<std::size_t>(map.getBytes()));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    fail("cannot read the disk of RCT ID '" + rct_id + "'", e);
  }
}

std::vector<reference_point> database::list_reference_points(const std::string& system_name) {
  try {
    std::vector<reference_point> result;
    const bool all = system_name.empty();
    use stmt(all ? impl_->select_all_rps : impl_->select_rps_of_system);
    if (!all) {
      stmt->bind(":system_name", system_name);
    }
    while (stmt->executeStep()) {
      result.push_back(impl_->read_reference_point(*stmt));
    }
    return result;
  } catch (const SQLite::Exception& e) {
    fail("cannot list reference points of '" + system_name + "'", e);
  }
}

job_page database::list_jobs(std::optional<protocol::job_state> state, const std::string& target,
                             std::size_t limit, std::int64_t after_seq,
                             protocol::timestamp_us removed_before) {
  try {
    // One statement per filter combination, so that each can use its index.
    SQLite::Statement& chosen =
      state ? (target.empty() ? impl_->select_job_page_by_state
                              : impl_->select_job_page_by_state_and_target)
            : (target.empty() ? impl_->select_job_page : impl_->select_job_page_by_target);
    // One row beyond the page tells whether more follow; the bound stays within int64.
    constexpr auto max_page_size =
      static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()) - 1;
    const std::size_t page_size = std::clamp<std::size_t>(limit, 1, max_page_size);
    job_page page;
    use stmt(chosen);
    if (state) {
      bind_int(*stmt, ":state", *state);
    }
    if (!target.empty()) {
      stmt->bind(":target", target);
    }
    stmt->bind(":after_seq", after_seq);
    bind_int(*stmt, ":removed_before", removed_before);
    bind_int(*stmt, ":limit", page_size + 1);
    while (stmt->executeStep()) {
      if (page.items.size() == page_size) {
        page.next_after = page.items.back().seq;
        break;
      }
      page.items.push_back(impl_->read_job(*stmt));
    }
    return page;
  } catch (const SQLite::Exception& e) {
    fail("cannot list jobs", e);
  }
}

std::vector<job_state_count> database::count_jobs_by_state() {
  try {
    std::vector<job_state_count> counts;
    use stmt(impl_->count_jobs);
    while (stmt->executeStep()) {
      counts.push_back({from_column<protocol::job_state>(stmt->getColumn(0)),
                        from_column<std::uint64_t>(stmt->getColumn(1)),
                        from_column<std::uint64_t>(stmt->getColumn(2))});
    }
    return counts;
  } catch (const SQLite::Exception& e) {
    fail("cannot count jobs", e);
  }
}

std::vector<in_doubt_job> database::in_doubt_jobs() {
  try {
    std::vector<in_doubt_job> jobs;
    use stmt(impl_->select_in_doubt_jobs);
    while (stmt->executeStep())
      jobs.push_back({stmt->getColumn(0).getString(), stmt->getColumn(1).getString()});
    return jobs;
  } catch (const SQLite::Exception& e) {
    fail("cannot list in-doubt jobs", e);
  }
}

std::uint64_t database::count_pending_members() {
  try {
    use stmt(impl_->count_pending);
    stmt->executeStep();
    return from_column<std::uint64_t>(stmt->getColumn(0));
  } catch (const SQLite::Exception& e) {
    fail("cannot count pending members", e);
  }
}

std::optional<collection_info> database::get_collection(const std::string& id) {
  try {
    use stmt(impl_->select_collection);
    stmt->bind(":id", id);
    if (!stmt->executeStep()) {
      return std::nullopt;
    }
    return impl_->read_collection(*stmt);
  } catch (const SQLite::Exception& e) {
    fail("cannot read collection '" + id + "'", e);
  }
}

std::vector<collection_info> database::load_collections() {
  try {
    std::vector<collection_info> result;
    use stmt(impl_->select_collections);
    while (stmt->executeStep()) {
      result.push_back(impl_->read_collection(*stmt));
    }
    return result;
  } catch (const SQLite::Exception& e) {
    fail("cannot list collections", e);
  }
}

std::vector<std::string> database::collections_of_system(const std::string& system_name) {
  try {
    std::vector<std::string> result;
    use stmt(impl_->select_collections_of_system);
    stmt->bind(":system_name", system_name);
    while (stmt->executeStep()) {
      result.push_back(stmt->getColumn(0).getString());
    }
    return result;
  } catch (const SQLite::Exception& e) {
    fail("cannot list collections of system '" + system_name + "'", e);
  }
}

std::optional<collection_reference_point> database::get_collection_rp(const std::string& id) {
  try {
    use stmt(impl_->select_rpc);
    stmt->bind(":id", id);
    if (!stmt->executeStep()) {
      return std::nullopt;
    }
    return impl_->read_collection_rp(*stmt);
  } catch (const SQLite::Exception& e) {
    fail("cannot read collection reference point '" + id + "'", e);
  }
}

std::vector<collection_reference_point>
database::list_collection_rps(const std::string& collection_id) {
  try {
    std::vector<collection_reference_point> result;
    const bool all = collection_id.empty();
    use stmt(all ? impl_->select_all_rpcs : impl_->select_rpcs_of_collection);
    if (!all) {
      stmt->bind(":collection_id", collection_id);
    }
    while (stmt->executeStep()) {
      result.push_back(impl_->read_collection_rp(*stmt));
    }
    return result;
  } catch (const SQLite::Exception& e) {
    fail("cannot list collection reference points of '" + collection_id + "'", e);
  }
}

} // namespace refpoint::persistence
