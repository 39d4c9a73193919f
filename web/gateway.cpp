#include "web/gateway.hpp"

#include "protocol/guid.hpp"
#include "web/exchange.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace refpoint::web {

std::optional<std::string> exchange::param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name)
      return v;
  return std::nullopt;
}

std::optional<std::string> idempotency_key(const exchange& ex) {
  auto field = ex.req.find("Idempotency-Key");
  if (field == ex.req.end())
    return std::string{};
  auto key = field->value();
  bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  if (key.empty() || key.size() > 255 || !printable) {
    ex.problem(http::status::bad_request,
               "Idempotency-Key must be 1 to 255 printable ASCII characters", "Idempotency-Key");
    return std::nullopt;
  }
  return std::string{key};
}

std::string canonical_id(const std::string& id) {
  return protocol::is_guid(id) ? protocol::canonical_guid(id) : id;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<boost::json::value> parse_json_body(const exchange& ex) {
  boost::system::error_code ec;
  auto value = boost::json::parse(ex.req.body(), ec);
  if (ec) {
    ex.problem(http::status::bad_request, "the request body is not valid JSON: " + ec.message(),
               "body");
    return std::nullopt;
  }
  return value;
}

namespace {

/// Percent-encodes the bytes RFC 3986 never allows in a target (`"`, `\`, space, `{`...).
/// WMI object paths are full of quotes and backslashes, and people paste them into query
/// strings unencoded: accept them the way a lenient browser would.
std::string encode_unsafe_bytes(std::string_view target) {
  static constexpr std::string_view unsafe = "\"\\ {}|^`<>";
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(target.size());
  for (char c : target) {
    auto byte = static_cast<unsigned char>(c);
    if (unsafe.find(c) == std::string_view::npos && byte > 0x20 && byte < 0x7F) {
      out.push_back(c);
      continue;
    }
    out.push_back('%');
    out.push_back(hex[byte >> 4]);
    out.push_back(hex[byte & 0xF]);
  }
  return out;
}

void dispatch(const exchange_ptr& ex) {
  const auto& p = ex->path;
  if (p.size() == 1 && p[0] == "healthz") {
    if (ex->req.method() != http::verb::get)
      return ex->problem(http::status::method_not_allowed, "/healthz answers GET only");
    return ex->json(http::status::ok, {{"status", "ok"}});
  }
  if (p.size() >= 2 && p[0] == "cim" && p[1] == "v2" && route_cim(ex))
    return;
  if (p.size() >= 2 && p[0] == "api" && p[1] == "v1" && route_rest(ex))
    return;
  ex->problem(http::status::not_found, "no resource at '" + std::string{ex->req.target()} + "'");
}

} // namespace

request_handler make_gateway(std::weak_ptr<const gateway_context> weak_ctx) {
  return [weak_ctx](http_request&& req, responder respond) {
    auto ex = std::make_shared<exchange>();
    ex->meta = meta_of(req);
    ex->respond = std::move(respond);
    ex->ctx = weak_ctx.lock();
    if (!ex->ctx) {
      ex->problem(http::status::service_unavailable, "the server is shutting down");
      return;
    }
    auto encoded = encode_unsafe_bytes(req.target());
    auto target = boost::urls::parse_origin_form(encoded);
    ex->req = std::move(req);
    if (!target) {
      ex->problem(http::status::bad_request, "the request target is not a valid path", "target");
      return;
    }
    for (auto seg : target->segments())
      ex->path.push_back(seg);
    if (ex->path.size() > 1 && ex->path.back().empty())
      ex->path.pop_back(); // a trailing slash names the same resource
    for (auto param : target->params())
      ex->query.emplace_back(param.key, param.value);
    dispatch(ex);
  };
}

} // namespace refpoint::web
