#pragma once
/// Cluster membership (DESIGN §8): the node actor links this refpointd with its peers over
/// CAF's middleman. It dials the configured peers, learns further peers from each hello
/// (joining any one member is enough), monitors every peer so that a dead node is seen at
/// once, redials a lost one with backoff, and exchanges a heartbeat carrying how many
/// systems each node owns. It keeps the directory of who owns what, relays requests to their
/// owner, and copies every peer's events into this node's stream.

#include "actors/cluster_messages.hpp"
#include "actors/event_hub.hpp"
#include "actors/messages.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace refpoint::actors {

struct cluster_settings {
  node_info self;                 ///< its addresses come with `start_atom`
  std::vector<std::string> peers; ///< "HOST:PORT" addresses to dial at start
  std::chrono::milliseconds heartbeat{1000};
  std::chrono::milliseconds max_backoff{5000}; ///< between redials of a lost peer
  /// Dial peers over TLS (CAF's openssl module, which must then be loaded) instead of plain
  /// TCP.
  bool tls = false;
};

/// The node's own actors the node actor works with.
struct node_locals {
  inventory_actor inventory;      ///< what this node owns
  persistence::store_actor store; ///< takes the copies of peers' events
  persistence::query_actor query; ///< this node's events for peers; what it copied so far
  std::shared_ptr<event_hub> hub; ///< tells when this node committed events
};

/// Spawns the node actor; it waits for `start_atom` (its addresses) before it dials or
/// beats. Dialing needs the middleman loaded (`caf::io::middleman`); a node without peers
/// and without a cluster address never dials.
node_actor spawn_cluster_node(caf::actor_system& sys, cluster_settings settings,
                              node_locals locals);

} // namespace refpoint::actors
