#pragma once

#include "web/http_server.hpp"

#include <string_view>

namespace refpoint::web {

/// Builds an RFC 9457 problem response: the status, `Content-Type: application/problem+json`
/// and the body `{"type": "about:blank", "title": <reason phrase>, "status": <code>,
/// "detail": <detail>}` (built by `protocol::problem`). Pure function; callable from any thread.
http_response make_problem(http::status status, std::string_view detail);

} // namespace refpoint::web
