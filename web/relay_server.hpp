#pragma once
/// The relay server: answers the requests peers relay to this node (DESIGN §8) with the
/// gateway, as if a client had sent them here, and sends each answer back to the peer.

#include "actors/cluster_messages.hpp"
#include "web/http_server.hpp"

#include <caf/actor_system.hpp>

namespace refpoint::web {

/// Spawns the relay server; give it to the node actor with `serve_atom`. `handler` is
/// `make_relayed_gateway`'s.
actors::relay_handler spawn_relay_server(caf::actor_system& sys, request_handler handler);

} // namespace refpoint::web
