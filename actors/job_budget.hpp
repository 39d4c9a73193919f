#pragma once
/// Resource limits on jobs (docs/OPERATIONS.md): how many jobs may be held in memory at once
/// (queued or running job actors, `[jobs] max_jobs_in_memory`). A new job takes a slot
/// before it is recorded and gives it back when its actor exits; over the limit it is
/// refused as busy (CIM 32774, REST 429) and nothing is recorded.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace refpoint::actors {

/// One job's place in the budget, given back when the last copy goes. Empty: no budget.
using job_slot = std::shared_ptr<void>;

class job_budget : public std::enable_shared_from_this<job_budget> {
public:
  explicit job_budget(std::uint64_t limit) : limit_(limit) {}

  /// A slot, or nullopt when `limit` jobs are held already.
  std::optional<job_slot> acquire() {
    if (held_.fetch_add(1) >= limit_) {
      held_.fetch_sub(1);
      return std::nullopt;
    }
    return make_slot();
  }

  /// A slot even over the limit: jobs recovered at start-up were accepted before.
  job_slot force() {
    held_.fetch_add(1);
    return make_slot();
  }

  std::uint64_t held() const { return held_.load(); }
  std::uint64_t limit() const { return limit_; }

private:
  job_slot make_slot() {
    return job_slot(this, [self = shared_from_this()](void*) { self->held_.fetch_sub(1); });
  }

  const std::uint64_t limit_;
  std::atomic<std::uint64_t> held_{0};
};

} // namespace refpoint::actors
