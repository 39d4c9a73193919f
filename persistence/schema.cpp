#include "persistence/schema.hpp"

#include "persistence/store_error.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>

#include <array>
#include <cstddef>

namespace refpoint::persistence {

namespace {

// Step N (index N-1) brings version N-1 to N. Append only: never edit a released step.
constexpr std::array<const char*, current_schema_version> steps = {
  // 1: initial schema.
  R"sql(
CREATE TABLE systems (
  sys_key INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  element_name TEXT NOT NULL,
  enabled_state INTEGER NOT NULL,
  replication_enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE disks (
  sys_key INTEGER NOT NULL REFERENCES systems(sys_key) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  disk_id TEXT NOT NULL,
  backend TEXT NOT NULL,
  path TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  change_tracking INTEGER NOT NULL,
  sim_fail_at REAL, -- NULL: the scan never fails
  PRIMARY KEY (sys_key, ordinal)
) WITHOUT ROWID;

-- AUTOINCREMENT: seq is the submission order and is never reused, even after the
-- newest job has been removed.
CREATE TABLE jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type INTEGER NOT NULL,
  target TEXT NOT NULL,
  rp_kind INTEGER NOT NULL,
  rp_element_name TEXT NOT NULL,
  rp_consistency INTEGER NOT NULL,
  state INTEGER NOT NULL,
  status TEXT NOT NULL,
  percent_complete INTEGER NOT NULL,
  error_code INTEGER NOT NULL,
  error_description TEXT NOT NULL,
  error_summary TEXT NOT NULL,
  submitted_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  last_state_change INTEGER NOT NULL,
  time_before_removal_s INTEGER NOT NULL,
  delete_on_completion INTEGER NOT NULL,
  cancellable INTEGER NOT NULL
);
CREATE INDEX jobs_by_state ON jobs (state, seq);
CREATE INDEX jobs_by_target ON jobs (target, seq);
CREATE TABLE affected_elements (
  job_seq INTEGER NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  element_path TEXT NOT NULL,
  effects INTEGER NOT NULL,
  PRIMARY KEY (job_seq, ordinal)
) WITHOUT ROWID;

CREATE TABLE reference_points (
  rp_key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  system_name TEXT NOT NULL,
  element_name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  consistency INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  job_id TEXT NOT NULL
);
CREATE INDEX reference_points_by_system ON reference_points (system_name, rp_key);
-- Row `ordinal` holds entry `ordinal` of disk_ids and of rct_ids; NULL where that array
-- is shorter (a log-based reference point has no RCT ids).
CREATE TABLE rp_disks (
  rp_key INTEGER NOT NULL REFERENCES reference_points(rp_key) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  disk_id TEXT,
  rct_id TEXT,
  PRIMARY KEY (rp_key, ordinal)
) WITHOUT ROWID;
)sql",
  // 2: collections, collection reference points, idempotency keys.
  R"sql(
-- NULL: a reference point taken alone.
ALTER TABLE reference_points ADD COLUMN collection_rp_id TEXT;
CREATE INDEX reference_points_by_collection_rp ON reference_points (collection_rp_id)
  WHERE collection_rp_id IS NOT NULL;

-- NULL: no key. ADD COLUMN cannot add a UNIQUE constraint: the index enforces it (NULLs
-- never collide).
ALTER TABLE jobs ADD COLUMN idempotency_key TEXT;
-- What a destroy job destroys (a reference point or collection reference point id).
ALTER TABLE jobs ADD COLUMN subject TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs (idempotency_key);
-- When a finished job's removal time passes (finished_at + time_before_removal_s).
CREATE INDEX jobs_by_removal_time ON jobs (finished_at + time_before_removal_s * 1000000)
  WHERE finished_at != 0;

CREATE TABLE collections (
  coll_key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  element_name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- The key orders members by ascending system name.
CREATE TABLE collection_members (
  coll_key INTEGER NOT NULL REFERENCES collections(coll_key) ON DELETE CASCADE,
  system_name TEXT NOT NULL,
  PRIMARY KEY (coll_key, system_name)
) WITHOUT ROWID;
CREATE INDEX collection_members_by_system ON collection_members (system_name);

-- collection_id is not a foreign key: a collection reference point outlives its
-- collection, as a reference point outlives its system.
CREATE TABLE rp_collections (
  rpc_key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  collection_id TEXT NOT NULL,
  element_name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  consistency INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  job_id TEXT NOT NULL
);
CREATE INDEX rp_collections_by_collection ON rp_collections (collection_id, rpc_key);
CREATE TABLE rp_collection_members (
  rpc_key INTEGER NOT NULL REFERENCES rp_collections(rpc_key) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  rp_id TEXT NOT NULL,
  PRIMARY KEY (rpc_key, ordinal)
) WITHOUT ROWID;
)sql",
  // 3: the event log behind /api/v1/events.
  R"sql(
-- AUTOINCREMENT: a sequence is a client's cursor and must never be handed out twice,
-- even after pruning emptied the table's end. job_id and target are '' when none.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  type TEXT NOT NULL,
  job_id TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL
);
)sql",
  // 4: fingerprint maps of file-backed disks, and finding a disk by its RCT ID.
  R"sql(
-- One row per file-backed disk of an RCT reference point; `ordinal` is that disk's row in
-- rp_disks. `map` is self-checking (header and checksum, protocol/block_map.hpp).
CREATE TABLE block_maps (
  rp_key INTEGER NOT NULL REFERENCES reference_points(rp_key) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  path TEXT NOT NULL,
  map BLOB NOT NULL,
  PRIMARY KEY (rp_key, ordinal)
);
CREATE UNIQUE INDEX rp_disks_by_rct_id ON rp_disks (rct_id) WHERE rct_id IS NOT NULL;
)sql",
  // 5: the events of the other cluster nodes, copied into this node's stream.
  R"sql(
-- origin: the node whose change the event records; '' for this node's own.
ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT '';
-- upto: the newest of that node's sequences copied here (pruning must not forget it);
-- source: the identity of the database they came from (a node given a new database
-- numbers its events anew).
CREATE TABLE event_sources (
  origin TEXT PRIMARY KEY,
  upto INTEGER NOT NULL,
  source TEXT NOT NULL
) WITHOUT ROWID;
-- This database's identity, made once at random.
CREATE TABLE store_identity (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  id TEXT NOT NULL
);
INSERT INTO store_identity (singleton, id) VALUES (1, lower(hex(randomblob(16))));
)sql",
  // 6: collections spanning cluster nodes: where each member is, and pending members.
  R"sql(
-- The cluster node holding the member reference point; '' for this node.
ALTER TABLE rp_collection_members ADD COLUMN node TEXT NOT NULL DEFAULT '';

-- The prepare phase of a collection spanning cluster nodes (DESIGN §8): this node is a
-- participant and holds, durably but invisible to every read of reference points, the
-- member reference points it took for job `job_id` coordinated by node `coordinator`,
-- until that node's decision commits them (into reference_points) or aborts them. The
-- coordinator records only commits: no decision recorded there means abort.
-- disk_ids and rct_ids are JSON arrays of strings; a pending member has no fingerprint map.
-- destroy = 1: the row stands for member reference point `rp_id`, stored here and still
-- visible, that job `job_id` destroys on commit (the other columns are a copy of it; two
-- jobs may have the same one pending).
CREATE TABLE pending_members (
  rp_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  coordinator TEXT NOT NULL,
  system_name TEXT NOT NULL,
  element_name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  consistency INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  collection_rp_id TEXT NOT NULL,
  disk_ids TEXT NOT NULL,
  rct_ids TEXT NOT NULL,
  prepared_at INTEGER NOT NULL,
  destroy INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (rp_id, job_id)
);
CREATE INDEX pending_members_by_job ON pending_members (job_id);
)sql",
};

} // namespace

int user_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

void migrate(SQLite::Database& db, const std::string& label, int target) {
  const int found = user_version(db);
  if (found > current_schema_version) {
    throw store_error("database '" + label + "' has schema version " + std::to_string(found) +
                      ", newer than this build supports (" +
                      std::to_string(current_schema_version) + ")");
  }
  for (int next = found + 1; next <= target; ++next) {
    try {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      // Another process may have migrated between our read and our write lock.
      if (user_version(db) >= next) {
        continue;
      }
      db.exec(steps[static_cast<std::size_t>(next - 1)]);
      db.exec("PRAGMA user_version = " + std::to_string(next));
      tx.commit();
    } catch (const SQLite::Exception& e) {
      throw store_error("cannot migrate database '" + label + "' to schema version " +
                        std::to_string(next) + ": " + e.what());
    }
  }
}

} // namespace refpoint::persistence
