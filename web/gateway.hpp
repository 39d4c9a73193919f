#pragma once
/// The HTTP gateway: turns requests on `/cim/v2`, `/api/v1`, `/healthz` and `/metrics` into
/// actor messages and their answers into responses (DESIGN §4). It holds no state of its own
/// besides request metrics and never touches SQLite: reads go to the query actor, work to
/// the inventory actor.
///
/// Every request passes, in order: CORS preflight (answered at once, no token needed), then
/// authentication of the protected paths, then its route. Every response, whoever builds
/// it, gets the CORS headers of an allowed origin and is counted in the metrics.

#include "actors/changes_actor.hpp"
#include "actors/cluster_messages.hpp"
#include "actors/event_hub.hpp"
#include "actors/messages.hpp"
#include "persistence/store_messages.hpp"
#include "web/finished_job_cache.hpp"
#include "web/http_server.hpp"
#include "web/metrics.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace refpoint::web {

/// Everything the routes need. Constant after construction; shared by all sessions (the
/// metrics it points to are thread-safe and count every session's requests).
struct gateway_context {
  caf::actor_system& system;
  actors::inventory_actor inventory;
  persistence::query_actor query;
  actors::changes_actor changes;  ///< changed-range queries of file-backed disks
  actors::node_actor cluster;     ///< this node's view of the cluster
  persistence::store_actor store; ///< asked only for its counters (`/metrics`)
  /// This node's name (`--node`); empty for a node that was given none.
  std::string node_name{};
  /// True when this node is in a cluster: requests about another node's systems,
  /// collections, reference points and jobs are relayed there (`web/cluster_routing.hpp`).
  bool clustered = false;
  std::chrono::milliseconds method_timeout{5000};
  /// Bearer tokens accepted on `/cim`, `/api` and `/metrics` (`web/auth.hpp`); empty: none
  /// needed.
  std::vector<std::string> auth_tokens{};
  /// Origins allowed cross-origin access (`web/cors.hpp`); empty: no CORS headers.
  std::vector<std::string> cors_origins{};
  /// Fans committed events out to `/api/v1/events` subscribers.
  std::shared_ptr<actors::event_hub> events = std::make_shared<actors::event_hub>(0);
  /// Live events a subscriber may have waiting before it is closed with 4408.
  std::size_t event_queue_limit = 10000;
  /// Subscribers at most (they outlive the HTTP connection limit); the next one gets 503.
  std::size_t max_event_subscribers = 4096;
  /// Silence after which a subscriber is pinged (and, as long again, closed).
  std::chrono::milliseconds event_ping_interval{20000};
  std::shared_ptr<http_metrics> metrics = std::make_shared<http_metrics>();
  /// Finished jobs already read, answered without asking the query actor.
  std::shared_ptr<finished_job_cache> finished_jobs = std::make_shared<finished_job_cache>();
};

/// The request handler to give `http_server`. Called on the I/O thread; never blocks.
/// It holds `ctx` weakly: the owner releases it at shutdown, so that handlers still queued
/// in the io_context keep no actor alive. Once released, requests answer 503.
request_handler make_gateway(std::weak_ptr<const gateway_context> ctx);

/// The handler for requests a peer relayed here (`web/relay_server.hpp`): as `make_gateway`,
/// without authentication (the peer checked it) and without relaying further.
request_handler make_relayed_gateway(std::weak_ptr<const gateway_context> ctx);

/// The upgrade handler to give `http_server`: takes `/api/v1/events` WebSocket subscribers
/// (after the same authentication as other requests; bad parameters answer 400) and refuses
/// upgrades anywhere else with 404. Holds `ctx` weakly, as `make_gateway` does.
upgrade_handler make_event_stream_gateway(std::weak_ptr<const gateway_context> ctx);

} // namespace refpoint::web
