#include "persistence/event_log.hpp"

#include "persistence/statement_use.hpp"

#include <algorithm>
#include <iterator>

namespace refpoint::persistence {

event_log::event_log(SQLite::Database& db)
    : db_(db), insert_(db, "INSERT INTO events (time, type, job_id, target, payload, origin)"
                           " VALUES (:time, :type, :job_id, :target, :payload, :origin)"),
      // Two subqueries: SQLite answers MIN or MAX alone from the key, both at once by a scan.
      bounds_(db, "SELECT COALESCE((SELECT MIN(seq) FROM events), 0),"
                  " COALESCE((SELECT MAX(seq) FROM events), 0)"),
      page_(db, "SELECT seq, time, type, job_id, target, payload, origin FROM events"
                " WHERE seq > :after AND seq <= :upto"
                " AND (:job = '' OR job_id = :job) AND (:target = '' OR target = :target)"
                " AND (:own_only = 0 OR origin = '')"
                " ORDER BY seq LIMIT :limit"),
      source_upto_(db, "SELECT upto, source FROM event_sources WHERE origin = :origin"),
      set_source_upto_(db, "INSERT INTO event_sources (origin, upto, source)"
                           " VALUES (:origin, :upto, :source) ON CONFLICT (origin)"
                           " DO UPDATE SET upto = excluded.upto, source = excluded.source"),
      prune_(db, "DELETE FROM events WHERE seq <= :last") {}

void event_log::append(protocol::event_record event, protocol::timestamp_us now) {
  {
    use stmt(insert_);
    stmt->bind(":time", static_cast<std::int64_t>(now));
    stmt->bind(":type", event.type);
    stmt->bind(":job_id", event.job_id);
    stmt->bind(":target", event.target);
    stmt->bind(":payload", event.payload);
    stmt->bind(":origin", event.origin);
    stmt->exec();
  }
  event.seq = db_.getLastInsertRowid();
  event.time = now;
  event.message = protocol::event_message(event);
  pending_.push_back(std::move(event));
}

void event_log::rollback_to(std::size_t mark) {
  if (mark < pending_.size())
    pending_.resize(mark);
}

void event_log::commit() {
  committed_.insert(committed_.end(), std::make_move_iterator(pending_.begin()),
                    std::make_move_iterator(pending_.end()));
  pending_.clear();
}

std::vector<protocol::event_record> event_log::take_committed() {
  std::vector<protocol::event_record> out;
  out.swap(committed_);
  return out;
}

event_bounds event_log::bounds() {
  use stmt(bounds_);
  stmt->executeStep();
  return {stmt->getColumn(0).getInt64(), stmt->getColumn(1).getInt64()};
}

event_page event_log::page(const event_query& query) {
  const std::uint32_t limit = std::max<std::uint32_t>(query.limit, 1);
  event_page result;
  use stmt(page_);
  stmt->bind(":after", query.after);
  stmt->bind(":upto", query.upto);
  stmt->bind(":job", query.job);
  stmt->bind(":target", query.target);
  stmt->bind(":limit", static_cast<std::int64_t>(limit));
  stmt->bind(":own_only", query.own_only ? 1 : 0);
  while (stmt->executeStep()) {
    protocol::event_record e;
    e.seq = stmt->getColumn(0).getInt64();
    e.time = stmt->getColumn(1).getInt64();
    e.type = stmt->getColumn(2).getString();
    e.job_id = stmt->getColumn(3).getString();
    e.target = stmt->getColumn(4).getString();
    e.payload = stmt->getColumn(5).getString();
    e.origin = stmt->getColumn(6).getString();
    e.message = protocol::event_message(e);
    result.items.push_back(std::move(e));
  }
  result.more = result.items.size() == limit;
  return result;
}

event_source event_log::source(const std::string& origin) {
  use stmt(source_upto_);
  stmt->bind(":origin", origin);
  if (!stmt->executeStep())
    return {};
  return {stmt->getColumn(0).getInt64(), stmt->getColumn(1).getString()};
}

std::int64_t event_log::import(const std::string& origin, const std::string& source_id,
                               std::vector<protocol::event_record> events) {
  const auto known = source(origin);
  // Another database numbers its events anew: everything it sent is new.
  auto upto = known.source == source_id ? known.upto : 0;
  const auto before = known.source == source_id ? upto : -1;
  for (auto& event : events) {
    if (event.seq <= upto)
      continue; // copied already: a pull repeated after a lost answer
    upto = event.seq;
    event.origin = origin;
    const auto time = event.time;
    append(std::move(event), time);
  }
  if (upto != before) {
    use stmt(set_source_upto_);
    stmt->bind(":origin", origin);
    stmt->bind(":upto", upto);
    stmt->bind(":source", source_id);
    stmt->exec();
  }
  return upto;
}

std::size_t event_log::prune(std::uint64_t keep) {
  const auto [oldest, newest] = bounds();
  if (newest == 0)
    return 0;
  const auto stored = static_cast<std::uint64_t>(newest - oldest + 1);
  if (stored <= keep + keep / 16)
    return 0;
  use stmt(prune_);
  stmt->bind(":last", newest - static_cast<std::int64_t>(keep));
  return static_cast<std::size_t>(stmt->exec());
}

} // namespace refpoint::persistence
