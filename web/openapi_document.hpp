#pragma once
/// The OpenAPI 3.1 document of the HTTP API (web/assets/openapi.json, compiled in), served
/// at `GET /openapi.json`. A test checks it against the routes the server really serves.

#include <string_view>

namespace refpoint::web {

std::string_view openapi_document();

} // namespace refpoint::web
