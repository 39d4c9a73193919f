#pragma once
/// Messages between refpointd nodes (DESIGN §8), sent over CAF's middleman. Every type a
/// node sends to another is registered on every node (`register_cluster_types`).

#include "persistence/event_types.hpp"
#include "persistence/inspect.hpp"
#include "persistence/store_messages.hpp"
#include "protocol/model.hpp"

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
using relay_atom = caf::atom_constant<caf::atom("relay")>;
using serve_atom = caf::atom_constant<caf::atom("serve")>;
using owner_atom = caf::atom_constant<caf::atom("owner")>;
using ownership_atom = caf::atom_constant<caf::atom("ownership")>;
using locate_atom = caf::atom_constant<caf::atom("locate")>;
using events_atom = caf::atom_constant<caf::atom("events")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using member_atom = caf::atom_constant<caf::atom("member")>;
using check_atom = caf::atom_constant<caf::atom("check")>;
using find_atom = caf::atom_constant<caf::atom("find")>;
using peer_atom = caf::atom_constant<caf::atom("peer")>;
using prepare_atom = caf::atom_constant<caf::atom("prepare")>;
using decide_atom = caf::atom_constant<caf::atom("decide")>;
using decision_atom = caf::atom_constant<caf::atom("decision")>;
using reserve_member_atom = caf::atom_constant<caf::atom("mreserve")>;

/// A coordinator's answer about a job whose members prepared (DESIGN §8): the job
/// completed (commit), it ended otherwise or is unknown (abort: no decision recorded
/// means abort), or it is still running (undecided: ask again later).
namespace decision {
inline constexpr const char* commit = "commit";
inline constexpr const char* abort = "abort";
inline constexpr const char* undecided = "undecided";
} // namespace decision

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

/// One header of a relayed HTTP request or response.
struct header_field {
  std::string name;
  std::string value;
  friend bool operator==(const header_field&, const header_field&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, header_field& x) {
  return f(caf::meta::type_name("refpoint::header_field"), x.name, x.value);
}

/// A client's request, relayed by the node that received it to the node that owns its
/// target, which answers it as if it had received it itself (after the receiving node
/// authenticated it).
struct relayed_request {
  std::string method;
  std::string target;
  std::vector<header_field> headers;
  std::string body;
  friend bool operator==(const relayed_request&, const relayed_request&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relayed_request& x) {
  return f(caf::meta::type_name("refpoint::relayed_request"), x.method, x.target, x.headers,
           x.body);
}

/// The owner's answer to a relayed request.
struct relayed_response {
  std::uint32_t status = 0;
  std::vector<header_field> headers;
  std::string body;
  friend bool operator==(const relayed_response&, const relayed_response&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relayed_response& x) {
  return f(caf::meta::type_name("refpoint::relayed_response"), x.status, x.headers, x.body);
}

/// What a node owns: its systems' names and its collections' ids, each sorted.
struct ownership {
  std::vector<std::string> systems;
  std::vector<std::string> collections;
  friend bool operator==(const ownership&, const ownership&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ownership& x) {
  return f(caf::meta::type_name("refpoint::ownership"), x.systems, x.collections);
}

/// A collection's home node asks a member's node whether that member can take a reference
/// point of `kind` now. (A struct, not a bare enum: CAF's generated reader of a bare enum
/// trips a false -Wmaybe-uninitialized in g++ 12.)
struct member_check {
  std::string system;
  protocol::rp_kind kind = protocol::rp_kind::rct;
  friend bool operator==(const member_check&, const member_check&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_check& x) {
  return f(caf::meta::type_name("refpoint::member_check"), x.system, x.kind);
}

/// Which directory a lookup asks. Local only: between nodes a lookup is an `ownership`.
enum class owned_kind : std::uint8_t { system, collection };

/// Serves relayed requests on this node: the HTTP gateway, run without the cluster step.
using relay_handler =
  caf::typed_actor<caf::replies_to<relay_atom, relayed_request>::with<relayed_response>>;

/// The node actor: one per refpointd, published at `--cluster-listen`.
using node_actor = caf::typed_actor<
  /// From a peer that connected: who it is and the peer addresses it knows; answers the
  /// same about this node. Each side then monitors the other.
  caf::replies_to<hello_atom, node_info, std::vector<std::string>>::with<node_info,
                                                                         std::vector<std::string>>,
  /// From a peer, every heartbeat: who it is and the version of what it owns (a peer that
  /// holds another version asks for the new one with `ownership_atom`).
  caf::reacts_to<node_status_atom, node_info, std::uint64_t>,
  /// From a peer: what this node owns now, and its version.
  caf::replies_to<ownership_atom>::with<std::uint64_t, ownership>,
  /// From a peer: whether this node owns any of the systems and collections named (asked by
  /// a node whose directory does not know one yet; answered from the inventory, never
  /// stale).
  caf::replies_to<owner_atom, ownership>::with<bool>,
  /// From a peer: a client's request for something this node owns; answered by the local
  /// relay handler.
  caf::replies_to<relay_atom, relayed_request>::with<relayed_response>,
  /// Local: relays a request to the named peer (fails at once when it is down or unknown).
  caf::replies_to<relay_atom, std::string, relayed_request>::with<relayed_response>,
  /// Local: the node owning a system or collection: this node's name, a peer's, or empty
  /// when no node owns it. Fails when it is unknown and a peer could not be asked.
  caf::replies_to<locate_atom, owned_kind, std::string>::with<std::string>,
  /// Local: the names of every peer this node has met, alive or not, by name (a request
  /// that must ask every node counts the ones down as unreachable).
  caf::replies_to<peers_atom>::with<std::vector<std::string>>,
  /// From a peer: this node's own events (not the copies of others') after a sequence, at
  /// most so many (up to 1000).
  caf::replies_to<events_atom, std::int64_t, std::uint32_t>::with<persistence::event_page>,
  /// From a peer: it has committed events of its own; this node pulls them.
  caf::reacts_to<events_atom, std::string>,
  /// Local, from the event hub: this node committed events of its own; it tells its peers.
  caf::reacts_to<events_atom>,
  /// From a collection job on another node (the coordinator), for a member system this node
  /// owns: reserve it through its FIFO queue for job `id` (answers its state once granted;
  /// held until the job decides or goes down), then durably record its pending reference
  /// point (invisible to clients) for the coordinator node named; or, for a job destroying
  /// collection reference point `rpc`, durably record that its members here are to go
  /// (coordinator, job id, rpc id); then commit or roll back every pending change of the job
  /// (also ends its reservations). See `participant.hpp`.
  caf::replies_to<reserve_member_atom, std::string, std::string>::with<protocol::system_info>,
  caf::replies_to<prepare_atom, std::string,
                  protocol::reference_point>::with<persistence::ack_atom>,
  caf::replies_to<prepare_atom, std::string, std::string, std::string>::with<persistence::ack_atom>,
  caf::replies_to<decide_atom, std::string, bool>::with<persistence::ack_atom>,
  /// From a collection's home node: whether member system `name` can take a reference point
  /// of that kind now (as a local member is asked before its job is recorded).
  caf::replies_to<check_atom, member_check>::with<persistence::ack_atom>,
  /// From a member node with pending members of job `id`: this node's decision about it
  /// (`decision::commit`, `abort` or `undecided`), from its stored job.
  caf::replies_to<decision_atom, std::string>::with<std::string>,
  /// Local (the participant): asks the node named for its decision about job `id`; fails
  /// when that node is down or unknown.
  caf::replies_to<decision_atom, std::string, std::string>::with<std::string>,
  /// Local (a collection job): the node owning member system `name` and that node's actor
  /// (a `node_actor`).
  /// Fails when no node owns it (not_found) or its node is down (timeout).
  caf::replies_to<member_atom, std::string>::with<std::string, caf::strong_actor_ptr>,
  /// Local (a collection job): the actor (a `node_actor`) of the alive node named. Fails when
  /// it is down (timeout) or unknown (not_found).
  caf::replies_to<peer_atom, std::string>::with<caf::strong_actor_ptr>,
  /// From a peer: this node's own system, reference point or collection reference point by
  /// name or id. Error not_found.
  caf::replies_to<persistence::get_system_atom, std::string>::with<protocol::system_info>,
  caf::replies_to<persistence::get_rp_atom, std::string>::with<protocol::reference_point>,
  caf::replies_to<persistence::get_rpc_atom,
                  std::string>::with<protocol::collection_reference_point>,
  /// Local: the same, asked of every alive peer at once (the first that has it answers; for
  /// an object this node does not hold, such as a member of a collection spanning nodes).
  /// Errors: not_found (no peer has it), timeout (a peer that may have it did not answer).
  caf::replies_to<find_atom, persistence::get_system_atom,
                  std::string>::with<protocol::system_info>,
  caf::replies_to<find_atom, persistence::get_rp_atom,
                  std::string>::with<protocol::reference_point>,
  caf::replies_to<find_atom, persistence::get_rpc_atom,
                  std::string>::with<protocol::collection_reference_point>,
  /// Local, once: the actor that answers relayed requests here.
  caf::reacts_to<serve_atom, relay_handler>,
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
  cfg.add_message_type<ownership>("refpoint::ownership");
  cfg.add_message_type<header_field>("refpoint::header_field");
  cfg.add_message_type<relayed_request>("refpoint::relayed_request");
  cfg.add_message_type<relayed_response>("refpoint::relayed_response");
  cfg.add_message_type<persistence::event_page>("refpoint::event_page");
  cfg.add_message_type<protocol::disk>("refpoint::disk");
  cfg.add_message_type<protocol::system_info>("refpoint::system_info");
  cfg.add_message_type<protocol::disk_block_map>("refpoint::disk_block_map");
  cfg.add_message_type<protocol::reference_point>("refpoint::reference_point");
  cfg.add_message_type<member_check>("refpoint::member_check");
  cfg.add_message_type<protocol::collection_reference_point>(
    "refpoint::collection_reference_point");
}

} // namespace refpoint::actors
