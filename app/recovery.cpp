#include "app/recovery.hpp"

namespace refpoint::app {

recovered_jobs recover_jobs(persistence::database& db, protocol::timestamp_us now) {
  recovered_jobs out;
  auto unfinished = db.load_unfinished_jobs();
  db.transact([&] {
    for (auto& job : unfinished) {
      if (job.started_at == 0) {
        out.queued.push_back(std::move(job));
        continue;
      }
      job.state = protocol::job_state::exception;
      job.status = "Failed";
      job.error_code = 32768;
      job.error_description = "interrupted by restart";
      job.error_summary = "The reference point could not be created.";
      job.finished_at = now;
      job.last_state_change = now;
      job.cancellable = false;
      job.affected.clear();
      db.update_job(job);
      ++out.interrupted;
    }
  });
  return out;
}

} // namespace refpoint::app
