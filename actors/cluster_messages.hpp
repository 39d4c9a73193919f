#pragma once
/// Messages between refpointd nodes (DESIGN §8), sent over CAF's middleman. Every type a
/// node sends to another is registered on every node (`register_cluster_types`).

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace refpoint::actors {

using hello_atom = caf::atom_constant<caf::atom("hello")>;
using node_status_atom = caf::atom_constant<caf::atom("nodestat")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using dial_atom = caf::atom_constant<caf::atom("dial")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
using start_atom = caf::atom_constant<caf::atom("start")>;

/// Who a node is: its name, where peers reach it (empty: it does not listen for peers) and
/// where clients reach it over HTTP.
struct node_info {
  std::string name;
  std::string cluster_address; ///< "HOST:PORT"
  std::string http_address;    ///< "HOST:PORT"
  friend bool operator==(const node_info&, const node_info&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_info& x) {
  return f(caf::meta::type_name("refpoint::node_info"), x.name, x.cluster_address, x.http_address);
}

/// One node as this node sees it (`GET /api/v1/cluster`).
struct member_view {
  node_info info;
  bool alive = false;
  bool self = false;         ///< the node answering
  std::uint64_t systems = 0; ///< systems it owns, as it last said
  friend bool operator==(const member_view&, const member_view&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_view& x) {
  return f(caf::meta::type_name("refpoint::member_view"), x.info, x.alive, x.self, x.systems);
}

/// The node actor: one per refpointd, published at `--cluster-listen`.
using node_actor = caf::typed_actor<
  /// From a peer that connected: who it is and the peer addresses it knows; answers the
  /// same about this node. Each side then monitors the other.
  caf::replies_to<hello_atom, node_info, std::vector<std::string>>::with<node_info,
                                                                         std::vector<std::string>>,
  /// From a peer, every heartbeat: who it is and how many systems it owns.
  caf::reacts_to<node_status_atom, node_info, std::uint64_t>,
  /// Local, once both listeners have their ports: this node's HTTP and cluster addresses
  /// (the latter empty when it does not listen for peers); then it dials the configured
  /// peers and starts the heartbeat.
  caf::reacts_to<start_atom, std::string, std::string>,
  /// Local: every known node, this one first, then by name.
  caf::replies_to<members_atom>::with<std::vector<member_view>>,
  /// Its own timers: (re)connect to a peer address; send the heartbeat.
  caf::reacts_to<dial_atom, std::string>, caf::reacts_to<heartbeat_atom>>;

/// Registers the types above that cross the wire. Call on every node's config.
inline void register_cluster_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<node_info>("refpoint::node_info");
}

} // namespace refpoint::actors
