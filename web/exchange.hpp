#pragma once
/// One request being answered: the request, its decoded path and query, and how to reply.
/// Shared (by `exchange_ptr`) between the I/O thread and the actor continuations that
/// finish it; `respond` is thread-safe and must be called exactly once.

#include "web/gateway.hpp"
#include "web/responses.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::web {

struct exchange {
  std::shared_ptr<const gateway_context> ctx;
  http_request req;
  reply_meta meta;
  responder respond;
  std::vector<std::string> path; ///< percent-decoded segments
  std::vector<std::pair<std::string, std::string>> query;
  /// Relayed by the peer that received it (`web/cluster_routing.hpp`): that peer checked the
  /// credentials and chose this node, so it is answered here without either step.
  bool relayed = false;

  /// The first query parameter named `name` (exact match).
  std::optional<std::string> param(std::string_view name) const;

  void reply(http_response res) const { respond(std::move(res)); }
  void json(http::status status, const boost::json::value& body) const {
    respond(json_response(meta, status, body));
  }
  void problem(http::status status, std::string_view detail, std::string_view field = {}) const {
    respond(problem_response(meta, status, detail, field));
  }
  /// Answers a failed REST operation with its problem response.
  void fail(const caf::error& err) const { respond(failure_response(meta, actors::describe(err))); }
};

using exchange_ptr = std::shared_ptr<exchange>;

/// The request's `Idempotency-Key` (empty when absent). Answers 400 and returns nullopt
/// when it is present but empty, longer than 255 bytes or not printable ASCII.
std::optional<std::string> idempotency_key(const exchange& ex);

/// Decodes `target` into `ex`'s path (percent-decoded segments, no trailing empty one) and
/// query; false when it is not a valid origin-form.
bool decode_target(std::string_view target, exchange& ex);

/// Parses a JSON request body; on failure answers 400 (and returns nullopt).
std::optional<boost::json::value> parse_json_body(const exchange& ex);

/// GUID ids are matched in their canonical upper-case form; other ids as given.
std::string canonical_id(const std::string& id);

/// True when `a` and `b` are equal ignoring ASCII case (WMI names are case-insensitive).
bool iequals(std::string_view a, std::string_view b);

/// Route tables of the two surfaces. Each answers the exchange and returns true, or
/// returns false when the path is not theirs.
bool route_cim(const exchange_ptr& ex);
bool route_rest(const exchange_ptr& ex);

} // namespace refpoint::web
