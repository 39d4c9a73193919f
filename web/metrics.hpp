#pragma once
/// refpointd's metrics (`GET /metrics`, DESIGN §4): request counts and latencies recorded by
/// the gateway, plus the store's counters and the job counts read when the page is asked for.
///
/// Families written by `render_metrics`:
/// - `refpoint_http_requests_total{route,method,status}` counter
/// - `refpoint_http_request_duration_seconds{route}` histogram (`http_latency_buckets`)
/// - `refpoint_jobs{state}` gauge (every job state, 0 included) and `refpoint_jobs_queued`
///   gauge (running jobs not started yet)
/// - `refpoint_store_transactions_total`, `refpoint_store_writes_total`,
///   `refpoint_store_failed_writes_total` counters
/// - `refpoint_store_commit_duration_seconds` summary (`_sum` and `_count` only) and
///   `refpoint_store_batch_size_max` gauge
/// - `refpoint_events_published_total` counter, `refpoint_event_subscribers` gauge and
///   `refpoint_event_subscribers_dropped_total` counter (closed with 4408)
/// - `refpoint_cluster_peers{state}` gauge (peers alive and dead, this node not counted) and
///   `refpoint_cluster_peer_up{node,address}` gauge (1 while the link to that peer is up)
/// - `refpoint_cluster_relays_total{node,outcome}` counter (requests relayed to a peer:
///   `answered` or `failed`) and `refpoint_cluster_relay_duration_seconds{node}` histogram
/// - `refpoint_cluster_pending_members` gauge (member reference points prepared here for a
///   collection spanning nodes, waiting for the coordinator's decision)

#include "actors/cluster_messages.hpp"
#include "actors/event_hub.hpp"
#include "persistence/store_messages.hpp"
#include "web/exposition.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace refpoint::web {

/// Upper bounds, in seconds, of the request latency histogram's buckets.
inline constexpr std::array<double, 13> http_latency_buckets = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0};

/// Request counts and latencies by route. Thread-safe: `record` may run on any thread.
class http_metrics {
public:
  /// Counts one answered request; `route` is a `route_template`, `seconds` the time from the
  /// handler's call to the response.
  void record(const std::string& route, std::string_view method, unsigned status, double seconds);

  /// Counts one request relayed to cluster peer `node`, answered or not, and its time.
  void record_relay(const std::string& node, bool answered, double seconds);

  /// Writes the HTTP and relay families (with their HELP and TYPE lines) to `out`.
  void write(exposition& out) const;

private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
  std::map<std::string, histogram> durations_;
  std::map<std::pair<std::string, bool>, std::uint64_t> relays_;
  std::map<std::string, histogram> relay_durations_;
};

/// The whole metrics page.
std::string render_metrics(const http_metrics& http, const persistence::store_stats& store,
                           const std::vector<persistence::job_state_count>& jobs,
                           const actors::event_hub_stats& events,
                           const std::vector<actors::member_view>& cluster,
                           std::uint64_t pending_members);

} // namespace refpoint::web
