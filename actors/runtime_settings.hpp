#pragma once
/// Settings the actors need from the configuration (DESIGN §6), fixed at start-up.

#include "actors/file_backend.hpp"
#include "actors/job_budget.hpp"
#include "persistence/store_messages.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace refpoint::actors {

struct runtime_settings {
  std::uint64_t sim_bytes_per_second = 4294967296ULL;
  std::chrono::milliseconds sim_progress_interval{100};
  std::uint32_t time_before_removal_s = 300;
  /// The `file` backend; null when no storage root is configured (file-backed disks are
  /// then refused).
  std::shared_ptr<file_backend> files;
  /// This node's name in a cluster (empty outside one), and how long a member on another
  /// node may take to answer a collection job's prepare or decision (`method_timeout_ms`).
  std::string node_name;
  std::chrono::milliseconds member_timeout{5000};
  /// The store's read side: a job destroying a collection reference point reads which nodes
  /// hold its members.
  persistence::query_actor query;
  /// Resource limits: operations that may wait in one machine's queue (its running one not
  /// counted), and the jobs held in memory (null: no limit).
  std::uint32_t max_queued_per_system = 100;
  std::shared_ptr<job_budget> budget;
  /// A slot for one more job: empty without a budget; nullopt when the budget is spent.
  std::optional<job_slot> take_job_slot() const {
    if (!budget)
      return job_slot{};
    return budget->acquire();
  }
  /// A slot for a job recovered at start-up, over the limit if need be.
  job_slot force_job_slot() const { return budget ? budget->force() : job_slot{}; }
};

} // namespace refpoint::actors
