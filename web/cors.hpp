#pragma once
/// Cross-origin resource sharing for dashboards served from another origin
/// (`[server] cors_origins`).
///
/// A request whose `Origin` is listed (exactly, ignoring ASCII case), or any origin when the
/// list holds "*", is allowed: its response gets `Access-Control-Allow-Origin` (the origin, or
/// `*`), `Vary: Origin` and `Access-Control-Expose-Headers: Location`. Other requests get no
/// CORS headers. A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
/// is answered here, before authentication: 204 with the allowed methods and headers for an
/// allowed origin, 403 otherwise.

#include "web/http_server.hpp"
#include "web/responses.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refpoint::web {

/// The `Access-Control-Allow-Origin` value for a request from `origin` (the request's
/// `Origin` field, empty when absent), or nullopt when it is not allowed.
std::optional<std::string> allowed_origin(const std::vector<std::string>& origins,
                                          std::string_view origin);

/// True when `req` is a CORS preflight request.
bool is_preflight(const http_request& req);

/// The answer to a preflight: 204 with the Allow-Methods, Allow-Headers and Max-Age fields
/// when `allowed`, else a 403 problem. The headers of `add_cors_headers` are not included.
http_response preflight_response(const reply_meta& meta, bool allowed);

/// Adds the headers every response to an allowed origin carries; `allow_origin` comes from
/// `allowed_origin`.
void add_cors_headers(http_response& res, const std::string& allow_origin);

} // namespace refpoint::web
