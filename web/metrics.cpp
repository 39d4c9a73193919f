#include "web/metrics.hpp"

#include "protocol/codes.hpp"

namespace refpoint::web {

void http_metrics::record(const std::string& route, std::string_view method, unsigned status,
                          double seconds) {
  std::lock_guard lock{mutex_};
  ++requests_[{route, std::string{method}, status}];
  durations_.try_emplace(route, http_latency_buckets).first->second.observe(seconds);
}

void http_metrics::record_relay(const std::string& node, bool answered, double seconds) {
  std::lock_guard lock{mutex_};
  ++relays_[{node, answered}];
  relay_durations_.try_emplace(node, http_latency_buckets).first->second.observe(seconds);
}

void http_metrics::write(exposition& out) const {
  std::lock_guard lock{mutex_};
  out.family("refpoint_http_requests_total", "counter",
             "HTTP requests answered, by route template, method and status.");
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out.sample("refpoint_http_requests_total",
               {{"route", route}, {"method", method}, {"status", std::to_string(status)}}, count);
  }
  out.family("refpoint_http_request_duration_seconds", "histogram",
             "Time from receiving a request to handing over its response, by route template.");
  for (const auto& [route, h] : durations_)
    out.samples("refpoint_http_request_duration_seconds", {{"route", route}}, h);
  out.family("refpoint_cluster_relays_total", "counter",
             "Requests relayed to a cluster peer, by peer and outcome (answered or failed).");
  for (const auto& [key, count] : relays_)
    out.sample("refpoint_cluster_relays_total",
               {{"node", key.first}, {"outcome", key.second ? "answered" : "failed"}}, count);
  out.family("refpoint_cluster_relay_duration_seconds", "histogram",
             "Time from relaying a request to a cluster peer to its answer (or failure).");
  for (const auto& [node, h] : relay_durations_)
    out.samples("refpoint_cluster_relay_duration_seconds", {{"node", node}}, h);
}

namespace {

void write_jobs(exposition& out, const std::vector<persistence::job_state_count>& jobs) {
  using protocol::job_state;
  out.family("refpoint_jobs", "gauge", "Stored jobs by state.");
  std::uint64_t queued = 0;
  for (auto state : {job_state::running, job_state::shutting_down, job_state::completed,
                     job_state::terminated, job_state::killed, job_state::exception}) {
    std::uint64_t count = 0;
    for (const auto& c : jobs) {
      if (c.state != state)
        continue;
      count = c.jobs;
      if (state == job_state::running)
        queued = c.not_started;
    }
    out.sample("refpoint_jobs", {{"state", std::string{protocol::to_string(state)}}}, count);
  }
  out.family("refpoint_jobs_queued", "gauge",
             "Running jobs that have not started yet (waiting for their system).");
  out.sample("refpoint_jobs_queued", {}, queued);
}

void write_store(exposition& out, const persistence::store_stats& s) {
  out.family("refpoint_store_transactions_total", "counter", "SQLite transactions committed.");
  out.sample("refpoint_store_transactions_total", {}, s.transactions);
  out.family("refpoint_store_writes_total", "counter", "Store writes answered with success.");
  out.sample("refpoint_store_writes_total", {}, s.writes);
  out.family("refpoint_store_failed_writes_total", "counter",
             "Store writes answered with an error.");
  out.sample("refpoint_store_failed_writes_total", {}, s.failed_writes);
  out.family("refpoint_store_commit_duration_seconds", "summary",
             "Seconds spent in batch transactions, from their first write to their commit.");
  out.sample("refpoint_store_commit_duration_seconds_sum", {}, s.commit_seconds_sum);
  out.sample("refpoint_store_commit_duration_seconds_count", {}, s.commit_seconds_count);
  out.family("refpoint_store_batch_size_max", "gauge",
             "Most writes committed in one transaction since start.");
  out.sample("refpoint_store_batch_size_max", {}, s.batch_size_max);
}

void write_events(exposition& out, const actors::event_hub_stats& s) {
  out.family("refpoint_events_published_total", "counter",
             "Events committed and published to the event stream.");
  out.sample("refpoint_events_published_total", {}, s.published);
  out.family("refpoint_event_subscribers", "gauge", "Event stream subscribers connected now.");
  out.sample("refpoint_event_subscribers", {}, s.subscribers);
  out.family("refpoint_event_subscribers_dropped_total", "counter",
             "Event stream subscribers closed with 4408 because they could not keep up.");
  out.sample("refpoint_event_subscribers_dropped_total", {}, s.dropped_slow);
}

void write_cluster(exposition& out, const std::vector<actors::member_view>& members,
                   std::uint64_t pending_members) {
  std::uint64_t alive = 0;
  std::uint64_t dead = 0;
  for (const auto& m : members)
    if (!m.self)
      ++(m.alive ? alive : dead);
  out.family("refpoint_cluster_peers", "gauge", "Cluster peers this node knows, by link state.");
  out.sample("refpoint_cluster_peers", {{"state", "alive"}}, alive);
  out.sample("refpoint_cluster_peers", {{"state", "dead"}}, dead);
  out.family("refpoint_cluster_peer_up", "gauge", "1 while the link to the peer is up.");
  for (const auto& m : members)
    if (!m.self)
      out.sample("refpoint_cluster_peer_up",
                 {{"node", m.info.name}, {"address", m.info.cluster_address}},
                 std::uint64_t{m.alive ? 1U : 0U});
  out.family("refpoint_cluster_pending_members", "gauge",
             "Member reference points of collections spanning nodes prepared here and waiting "
             "for their coordinator's decision.");
  out.sample("refpoint_cluster_pending_members", {}, pending_members);
}

} // namespace

std::string render_metrics(const http_metrics& http, const persistence::store_stats& store,
                           const std::vector<persistence::job_state_count>& jobs,
                           const actors::event_hub_stats& events,
                           const std::vector<actors::member_view>& cluster,
                           std::uint64_t pending_members) {
  exposition out;
  http.write(out);
  write_jobs(out, jobs);
  write_store(out, store);
  write_events(out, events);
  write_cluster(out, cluster, pending_members);
  return out.text();
}

} // namespace refpoint::web
