#pragma once
/// The store actor: the only writer to refpoint's SQLite file (DESIGN §2, §5).
///
/// It runs detached (a thread of its own: SQLite blocks) and owns its `database`.
/// Group commit: each write message is staged with a response promise; the first write of
/// a batch sends the actor a flush message, which lands behind every message already in
/// its mailbox. The flush runs the staged writes (at most 1000, oldest first; the rest go
/// to a flush sent right away) in one transaction, commits, and only then answers them. Each write
/// runs in its own savepoint, so one write failing on its own (a taken id, an unknown job) is
/// answered with its error while the rest of the batch commits; a failed BEGIN/COMMIT, or an I/O
/// error that rolled back the whole transaction, answers every write of the batch with
/// `store_errc::write_failed`.
///
/// Events: each batch's transaction also prunes the events beyond the retention; after the
/// commit the batch's events go to the sink.
///
/// Shutdown: on an exit message it first commits and answers what is staged, then quits
/// (messages behind the exit message are not processed). The connection closes on the
/// actor's thread. Callers must send it an exit message before the actor system shuts
/// down, or `~actor_system` waits forever.

#include "persistence/database.hpp"
#include "persistence/store_messages.hpp"

#include <caf/fwd.hpp>

#include <cstdint>

namespace refpoint::persistence {

/// What the writer does with the events of its transactions.
struct store_events {
  /// Gets every committed transaction's events, in order; invalid: nobody does.
  event_sink_actor sink;
  /// How many events the file keeps (`[events] retention`); older ones are pruned.
  std::uint64_t retention = 100000;
};

/// Spawns the writer over `db` (a read-write connection), which it owns from now on.
store_actor spawn_store_actor(caf::actor_system& system, database db, store_events events = {});

} // namespace refpoint::persistence
