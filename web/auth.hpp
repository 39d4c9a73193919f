#pragma once
/// Optional bearer-token authentication of the gateway (`[server] auth_tokens`).
///
/// A request proves itself with `Authorization: Bearer <token>` (scheme matched ignoring
/// case) or, on GET only, with an `access_token=<token>` query parameter: browsers cannot set
/// headers on a WebSocket. When both are present the header decides. Tokens are compared in
/// time that does not depend on where a presented token first differs.

#include "web/http_server.hpp"
#include "web/responses.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::web {

enum class auth_outcome {
  granted, ///< no tokens configured, or a configured token was presented
  missing, ///< no token presented (or not in a way this request may use)
  invalid, ///< a token was presented and matches none
};

/// The name of the query parameter that may carry the token on GET.
inline constexpr std::string_view access_token_param = "access_token";

/// Checks `req` (with its decoded query) against `tokens`; no tokens grants everything.
auth_outcome authenticate(const http_request& req,
                          const std::vector<std::pair<std::string, std::string>>& query,
                          const std::vector<std::string>& tokens);

/// True for the paths that need a token when tokens are configured: `/cim/...`, `/api/...`
/// and `/metrics`. `path` holds the decoded segments.
bool requires_auth(const std::vector<std::string>& path);

/// 401 problem with `WWW-Authenticate: Bearer realm="refpoint"`, plus
/// `error="invalid_token"` for `auth_outcome::invalid`.
http_response unauthorized_response(const reply_meta& meta, auth_outcome outcome);

/// Equality whose running time depends only on `expected`'s length, not on `presented`.
bool constant_time_equals(std::string_view presented, std::string_view expected);

} // namespace refpoint::web
