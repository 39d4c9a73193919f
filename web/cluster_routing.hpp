#pragma once
/// Answering a request on the node its placement names (DESIGN §8, `web/placement.hpp`).
/// A request for another node is relayed there through the node actor, over CAF's
/// middleman, and its answer handed back unchanged. A node that cannot be reached answers
/// CIM `ReturnValue` 3 (Timeout) or REST 503 once `method_timeout` has passed, never later.

#include "actors/cluster_messages.hpp"
#include "web/exchange.hpp"

namespace refpoint::web {

/// Marks an answer whose target does not exist on this node when its status cannot say so
/// (CIM methods answer 200 with a `ReturnValue`): a read looked for in the cluster goes on
/// to the peers. Between nodes only: the gateway removes it before a client sees it.
inline constexpr std::string_view missing_header = "Refpoint-Missing";

/// Answers this node's part of a request (its CIM or REST route).
using local_route = void (*)(const exchange_ptr&);

/// Answers `ex` where it belongs: with `local` here, or relayed to its owner, or gathered
/// from every node. A node that is not in a cluster answers everything itself, but refuses
/// a body naming another home node.
void route_in_cluster(const exchange_ptr& ex, local_route local);

/// The request as a peer receives it: method, target, body and end-to-end headers (not the
/// credentials, which this node checked, nor the hop-by-hop ones).
actors::relayed_request relay_of(const http_request& req);

/// The response to give the client for a peer's answer.
http_response response_of(const reply_meta& meta, actors::relayed_response&& relayed);

/// A response as it travels back to the node that relayed its request.
actors::relayed_response relayed_of(http_response&& res);

} // namespace refpoint::web
