#include "protocol/job_retention.hpp"

namespace refpoint::protocol {

timestamp_us removal_time(const job_record& job) {
  if (job.finished_at == 0)
    return 0;
  return job.finished_at + static_cast<timestamp_us>(job.time_before_removal_s) * 1'000'000;
}

bool is_removed(const job_record& job, timestamp_us now) {
  auto at = removal_time(job);
  return at != 0 && now >= at;
}

} // namespace refpoint::protocol
