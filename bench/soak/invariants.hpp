#pragma once
/// What must hold after the soak, read from the server itself: every job terminal, every
/// acknowledged job still there, and the stored reference points exactly those the
/// completed jobs created and did not destroy (no half-made collection among them), each
/// deletion the work of a completed destroy job.

#include "bench/soak/load.hpp"
#include "bench/soak/stream_subscriber.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace soak {

struct job_summary {
  std::string type;
  std::string state;
  std::vector<std::string> affected; ///< object paths of `affectedElements`
};

struct server_state {
  std::map<std::string, job_summary> jobs;
  std::map<std::string, std::string> reference_points; ///< id → the job that made it
  std::map<std::string, std::vector<std::string>> collection_points; ///< id → member ids
};

/// Lists every job, every machine's reference points and every collection's.
std::optional<server_state> read_server_state(std::uint16_t port, const fleet& machines,
                                              std::string& error);

/// Jobs not yet terminal.
std::size_t unfinished_jobs(const server_state& state);

/// Each invariant that does not hold, in words (empty: all hold). Destroy jobs name no
/// element, so what they deleted is read from the stream's `*.deleted` events.
std::vector<std::string> check_invariants(const server_state& state,
                                          const std::set<std::string>& acknowledged,
                                          const full_stream& stream);

} // namespace soak
