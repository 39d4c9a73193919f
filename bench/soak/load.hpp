#pragma once
/// The soak's mixed load: workers that create reference points (REST and CIM), take
/// collection reference points, cancel jobs, destroy reference points and read, each at a
/// bounded pace, whether or not the server is up at that moment.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace soak {

/// The machines and collections the load works on.
struct fleet {
  std::vector<std::string> systems;
  std::vector<bool> log_capable; ///< replication enabled: log-based reference points allowed
  std::vector<std::string> collections;
};

/// What the server answered, shared by every worker.
class ledger {
public:
  /// Counts an answer (`status` 0: none arrived) to an operation.
  void count(const std::string& op, int status);
  /// Remembers a job the server acknowledged (202 / 4096): it must never be lost.
  void acknowledged(const std::string& job_id);
  /// A recently acknowledged job (to cancel), or "" when there is none yet.
  std::string recent_job(std::mt19937& random) const;

  std::set<std::string> acknowledged_jobs() const;
  std::map<std::string, std::map<int, std::uint64_t>> answers() const;

private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<int, std::uint64_t>> answers_;
  std::set<std::string> acknowledged_;
  std::vector<std::string> recent_; ///< ring of the last acknowledged jobs
  std::size_t recent_next_ = 0;
};

/// Runs operations against 127.0.0.1:`port` until `stop`, sleeping a random 0–2×`mean_pause`
/// between them.
void run_worker(std::uint16_t port, const fleet& machines, ledger& book, unsigned seed,
                std::chrono::milliseconds mean_pause, const std::atomic<bool>& stop);

} // namespace soak
