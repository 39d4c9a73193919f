#pragma once
/// Versioned schema migrations driven by `PRAGMA user_version`.
///
/// The schema is a list of steps; step N brings version N-1 to N inside one transaction
/// that also sets `user_version = N`, so a crash mid-migration leaves the file at N-1.
/// A file at version 0 (new or empty) gets every step; a file newer than this build is
/// refused rather than guessed at.
///
/// Tables (version 1): `systems` (+ `disks`, ordered), `jobs` (`seq` is the INTEGER
/// PRIMARY KEY and submission order, `id` GUID in a UNIQUE column; + `affected_elements`,
/// ordered), `reference_points` (`rp_key` rowid, `id` GUID UNIQUE; + `rp_disks`, ordered).
/// Version 2 adds `reference_points.collection_rp_id` and `jobs.idempotency_key` (both
/// NULL when empty; the key is UNIQUE), `collections` (`coll_key` rowid, `id` UNIQUE;
/// + `collection_members` by system name) and `rp_collections` (`rpc_key` rowid, `id`
/// UNIQUE; + `rp_collection_members`, ordered). Version 3 adds `events` (`seq` is the
/// event cursor, AUTOINCREMENT so that it is never reused). Version 6 adds
/// `pending_members` (member reference points prepared for another node's collection job,
/// to create or to destroy) and the node of each `rp_collection_members` row.
///
/// Thread safety: these functions use the given connection only; call them from the
/// thread that owns it.

#include <string>

namespace SQLite {
class Database;
} // namespace SQLite

namespace refpoint::persistence {

/// The schema version this build reads and writes.
inline constexpr int current_schema_version = 6;

/// The file's `PRAGMA user_version`. Throws `SQLite::Exception` (e.g. "file is not a
/// database").
int user_version(SQLite::Database& db);

/// Runs the missing steps up to version `target` (tests stop early to build an old file).
/// `label` names the file in messages. Throws `store_error` when the file's version is
/// newer than `current_schema_version` or a step fails (that step is rolled back; earlier
/// steps stay applied).
/// REQUIRES: a read-write connection with no open transaction;
/// 0 <= target <= current_schema_version.
void migrate(SQLite::Database& db, const std::string& label, int target = current_schema_version);

} // namespace refpoint::persistence
