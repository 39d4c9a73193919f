#pragma once
/// Finished jobs as last read from the store, so that reading one again (clients poll a
/// job until it ends, then read it once more) needs no hop to the query actor.
///
/// Sound because a job in a terminal state never changes again: the only thing still to
/// happen to it is its removal after TimeBeforeRemoval, and a removed job is never answered
/// from here (it is dropped, and the store's answer, 410 or 404, takes over).
///
/// Bounded: past `capacity` entries the oldest remembered one goes. Thread-safe.

#include "protocol/model.hpp"

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace refpoint::web {

class finished_job_cache {
public:
  explicit finished_job_cache(std::size_t capacity = 16384) : capacity_(capacity) {}

  /// The job `id` if it is remembered and not removed at `now`.
  std::optional<protocol::job_record> find(const std::string& id, protocol::timestamp_us now);

  /// Remembers `job` if it is finished (anything else is ignored).
  void remember(const protocol::job_record& job);

  std::size_t size() const;

private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, protocol::job_record> jobs_;
  std::deque<std::string> order_; ///< ids, oldest remembered first
};

} // namespace refpoint::web
