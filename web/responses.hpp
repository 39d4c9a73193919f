#pragma once
/// Building HTTP responses for both API surfaces: JSON bodies, RFC 9457 problems, and the
/// mapping from operation errors to HTTP statuses. Bodies are always valid UTF-8: bytes of a
/// string that are not become U+FFFD.

#include "actors/op_error.hpp"
#include "web/http_server.hpp"

#include <boost/json/value.hpp>

#include <string_view>

namespace refpoint::web {

/// What every response must echo from its request.
struct reply_meta {
  unsigned version = 11;
  bool keep_alive = true;
};

reply_meta meta_of(const http_request& req);

http_response json_response(const reply_meta& meta, http::status status,
                            const boost::json::value& body);

/// `application/problem+json` with type, title, status, detail and (when set) field.
http_response problem_response(const reply_meta& meta, http::status status, std::string_view detail,
                               std::string_view field = {});

/// HTTP status for a REST answer to a failed operation (404, 400, 409, 422, 429, 500, 503,
/// 507).
http::status http_status_of(actors::op_errc code);

/// The `Retry-After` (seconds) of a 429: work over a resource limit waits for running jobs,
/// which usually finish or move on within a second.
inline constexpr int busy_retry_after_s = 1;

/// A problem response for a failed operation (with `Retry-After` for a 429).
http_response failure_response(const reply_meta& meta, const actors::op_failure& failure);

} // namespace refpoint::web
