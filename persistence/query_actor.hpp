#pragma once
/// The query actor: answers reads over its own connection (DESIGN §2).
///
/// It runs detached (a thread of its own: SQLite blocks) and owns its `database`, which
/// should be a second connection to the store's file, read-only or not: WAL lets it read
/// while the store actor commits. Every answer reflects committed data only. Unknown ids
/// answer `store_errc::not_found` ("job 'X' not found"); a failing read answers
/// `store_errc::read_failed`. Messages are served one at a time, in arrival order.
///
/// Callers must send it an exit message before the actor system shuts down.

#include "persistence/database.hpp"
#include "persistence/store_messages.hpp"

#include <caf/fwd.hpp>

namespace refpoint::persistence {

/// Spawns the reader over `db`, which it owns from now on.
query_actor spawn_query_actor(caf::actor_system& system, database db);

} // namespace refpoint::persistence
