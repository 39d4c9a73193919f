#pragma once
/// Internal to persistence/: the `events` table of one connection (DESIGN §4 event
/// stream). `database` owns one and appends each write's events inside that write's
/// savepoint, so an event exists exactly when its change does.
///
/// Events appended in a transaction stay *pending* until the transaction commits; a
/// rolled-back savepoint or transaction drops its own. Committed events wait in order until
/// `take_committed` hands them to whoever publishes them (the store actor).
///
/// Thread safety: none; used by the thread that owns the connection.

#include "persistence/event_types.hpp"
#include "protocol/event.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <vector>

namespace refpoint::persistence {

class event_log {
public:
  explicit event_log(SQLite::Database& db);

  /// Stores `event` with the time `now`; its sequence and wire text are set from the row.
  /// Throws `SQLite::Exception`.
  void append(protocol::event_record event, protocol::timestamp_us now);

  /// Pending events so far: a savepoint's starting point.
  std::size_t mark() const { return pending_.size(); }
  /// Drops the pending events appended after `mark` (their rows were rolled back).
  void rollback_to(std::size_t mark);
  /// The pending events committed.
  void commit();
  /// Committed events not yet taken, oldest first.
  std::vector<protocol::event_record> take_committed();

  event_bounds bounds();
  event_page page(const event_query& query);

  /// What was copied of node `origin`'s events so far.
  event_source source(const std::string& origin);
  /// Appends the events of node `origin` from database `source` (its sequences, ascending)
  /// newer than the ones already copied from that database (all of them when they came
  /// from another one), each with its own time, and remembers the newest; answers it.
  std::int64_t import(const std::string& origin, const std::string& source,
                      std::vector<protocol::event_record> events);
  /// Deletes the oldest events so that `keep` remain, once more than `keep` plus a slack
  /// of `keep / 16` are stored (pruning in bulk keeps it rare); answers how many went.
  std::size_t prune(std::uint64_t keep);

private:
  SQLite::Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement bounds_;
  SQLite::Statement page_;
  SQLite::Statement source_upto_;
  SQLite::Statement set_source_upto_;
  SQLite::Statement prune_;
  std::vector<protocol::event_record> pending_;
  std::vector<protocol::event_record> committed_;
};

} // namespace refpoint::persistence
