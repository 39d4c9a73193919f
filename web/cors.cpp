#include "web/cors.hpp"

#include <algorithm>
#include <cctype>

namespace refpoint::web {

namespace {

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

} // namespace

std::optional<std::string> allowed_origin(const std::vector<std::string>& origins,
                                          std::string_view origin) {
  if (origin.empty())
    return std::nullopt;
  for (const auto& allowed : origins) {
    if (allowed == "*")
      return "*";
    if (same_ignoring_case(allowed, origin))
      return std::string{origin};
  }
  return std::nullopt;
}

bool is_preflight(const http_request& req) {
  return req.method() == http::verb::options && req.find(http::field::origin) != req.end() &&
         req.find(http::field::access_control_request_method) != req.end();
}

http_response preflight_response(const reply_meta& meta, bool allowed) {
  if (!allowed)
    return problem_response(meta, http::status::forbidden,
                            "cross-origin requests from this origin are not allowed", "Origin");
  http_response res{http::status::no_content, meta.version};
  res.keep_alive(meta.keep_alive);
  res.set(http::field::access_control_allow_methods, "GET, POST, PUT, DELETE, OPTIONS");
  res.set(http::field::access_control_allow_headers,
          "Authorization, Content-Type, Idempotency-Key");
  res.set(http::field::access_control_max_age, "600");
  return res;
}

void add_cors_headers(http_response& res, const std::string& allow_origin) {
  res.set(http::field::access_control_allow_origin, allow_origin);
  res.set(http::field::vary, "Origin");
  res.set(http::field::access_control_expose_headers, "Location");
}

} // namespace refpoint::web
