#pragma once
/// Low-cardinality names of request routes, for metric labels: the route's template
/// (`/api/v1/jobs/{id}`, `/cim/v2/{class}/{key}`), never the raw path, so that ids and
/// unknown paths cannot grow the number of series. Anything unrecognised is `other`.

#include "web/http_server.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace refpoint::web {

/// The template of `path` (decoded segments) requested with `method`.
///
/// `/api/v1/...` paths match the REST routes of DESIGN §4 with ids as `{id}` (and
/// `{systemId}` for a collection member). `/cim/v2/...` paths: `associators` and `references`
/// as they are; otherwise by depth, `{class}`, `{class}/{method}` for POST or
/// `{class}/{key}` for other methods, and `{class}/{key}/{method}`. Then `/healthz`,
/// `/metrics`, `/openapi.json`, `/` and `/dashboard/{file}`; everything else `other`.
std::string route_template(http::verb method, const std::vector<std::string>& path);

/// The method as a label: its name for the methods Beast knows, `other` for unknown ones.
std::string_view method_label(http::verb method);

} // namespace refpoint::web
