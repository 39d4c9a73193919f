#pragma once
/// Where in a cluster a request is answered (DESIGN §8). Every system and collection has a
/// home node; a request about one is answered there. Reference points and jobs live with
/// their system or collection, but their ids do not say which node that is, so a request
/// naming one is looked for. Listings are gathered from every node. Pure: decides from the
/// request alone, never asks anyone.

#include "actors/cluster_messages.hpp"
#include "web/http_server.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::web {

struct placement {
  enum class kind {
    local,  ///< this node answers (node-local resources, or a request it will refuse)
    owner,  ///< the node owning `owned` `key` answers
    node,   ///< the node named `key` answers (a POST whose body names its home node)
    search, ///< a read: this node answers unless its target is missing here (404, or
            ///< `missing_header`); then the first peer that has it
    probe,  ///< a write naming a job or reference point: the node whose GET `key` does not
            ///< answer 404 answers it (this node when none does)
    gather, ///< a listing: every node's answer, merged (`merge_key` orders REST items)
    pages,  ///< the paged job listing: every node's next page, merged under one cursor
  };
  kind how = kind::local;
  actors::owned_kind owned = actors::owned_kind::system;
  std::string key{};
  std::string merge_key{}; ///< gather: the REST item field to sort by; empty for CIM arrays
  friend bool operator==(const placement&, const placement&) = default;
};

/// Decides the placement of a request to `/api/v1/...` or `/cim/v2/...`. `path` holds the
/// decoded segments (the surface's two included), `query` the decoded parameters, `body`
/// the raw body. A request this node must refuse anyway (bad body, unknown route) is local,
/// so that its error is the one a single node gives.
placement place_request(http::verb method, const std::vector<std::string>& path,
                        const std::vector<std::pair<std::string, std::string>>& query,
                        std::string_view body);

} // namespace refpoint::web
