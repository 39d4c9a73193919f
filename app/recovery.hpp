#pragma once
/// Restart recovery (DESIGN §5), run once at start-up before any actor exists: jobs that
/// were running when the server stopped end in Exception ("interrupted by restart"; the
/// sim backend leaves no partial work, since a reference point is only written together
/// with its job's completion); jobs that were still queued are handed back to run again
/// in their original order.

#include "persistence/database.hpp"
#include "protocol/model.hpp"

#include <cstddef>
#include <vector>

namespace refpoint::app {

struct recovered_jobs {
  std::vector<protocol::job_record> queued; ///< to queue again, in submission order
  std::size_t interrupted = 0;              ///< jobs ended in Exception
};

/// Throws `persistence::store_error` when the database cannot be read or written.
recovered_jobs recover_jobs(persistence::database& db, protocol::timestamp_us now);

} // namespace refpoint::app
