#pragma once
/// The HTTP gateway: turns requests on `/cim/v2`, `/api/v1` and `/healthz` into actor
/// messages and their answers into responses (DESIGN §4). It holds no state of its own
/// and never touches SQLite: reads go to the query actor, work to the inventory actor.

#include "actors/messages.hpp"
#include "persistence/store_messages.hpp"
#include "web/http_server.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <memory>

namespace refpoint::web {

/// Everything the routes need. Constant after construction; shared by all sessions.
struct gateway_context {
  caf::actor_system& system;
  actors::inventory_actor inventory;
  persistence::query_actor query;
  std::chrono::milliseconds method_timeout{5000};
};

/// The request handler to give `http_server`. Called on the I/O thread; never blocks.
/// It holds `ctx` weakly: the owner releases it at shutdown, so that handlers still queued
/// in the io_context keep no actor alive. Once released, requests answer 503.
request_handler make_gateway(std::weak_ptr<const gateway_context> ctx);

} // namespace refpoint::web
