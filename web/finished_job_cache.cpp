#include "web/finished_job_cache.hpp"

#include "protocol/codes.hpp"
#include "protocol/job_retention.hpp"

namespace refpoint::web {

std::optional<protocol::job_record> finished_job_cache::find(const std::string& id,
                                                             protocol::timestamp_us now) {
  std::lock_guard lock{mutex_};
  auto it = jobs_.find(id);
  if (it == jobs_.end())
    return std::nullopt;
  if (protocol::is_removed(it->second, now)) {
    jobs_.erase(it); // its id stays in `order_` until it comes up for eviction
    return std::nullopt;
  }
  return it->second;
}

void finished_job_cache::remember(const protocol::job_record& job) {
  if (!protocol::is_terminal(job.state) || capacity_ == 0)
    return;
  std::lock_guard lock{mutex_};
  if (!jobs_.emplace(job.id, job).second)
    return;
  order_.push_back(job.id);
  while (jobs_.size() > capacity_ || order_.size() > 2 * capacity_) {
    jobs_.erase(order_.front());
    order_.pop_front();
  }
}

std::size_t finished_job_cache::size() const {
  std::lock_guard lock{mutex_};
  return jobs_.size();
}

} // namespace refpoint::web
