#include "web/gateway.hpp"

#include "protocol/guid.hpp"
#include "web/actor_call.hpp"
#include "web/auth.hpp"
#include "web/cluster_routing.hpp"
#include "web/cors.hpp"
#include "web/dashboard_assets.hpp"
#include "web/exchange.hpp"
#include "web/openapi_document.hpp"
#include "web/route_template.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>

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

/// `/metrics`: the request counters plus the store's counters, the job counts, the
/// cluster's links and the pending collection members, asked of the store, query and node
/// actors one after the other.
void serve_metrics(const exchange_ptr& ex) {
  if (ex->req.method() != http::verb::get)
    return ex->problem(http::status::method_not_allowed, "/metrics answers GET only");
  with_actor(ex->ctx->system, [ex](caf::event_based_actor* self) {
    auto fail = [ex](caf::error& err) { ex->fail(err); };
    const auto& ctx = *ex->ctx;
    self->request(ctx.store, ctx.method_timeout, persistence::stats_atom::value)
      .then(
        [self, ex, fail](persistence::store_stats& stats) {
          self
            ->request(ex->ctx->query, ex->ctx->method_timeout, persistence::count_jobs_atom::value)
            .then(
              [self, ex, stats, fail](std::vector<persistence::job_state_count>& jobs) {
                self
                  ->request(ex->ctx->cluster, ex->ctx->method_timeout, actors::members_atom::value)
                  .then(
                    [self, ex, stats, jobs, fail](std::vector<actors::member_view>& members) {
                      self
                        ->request(ex->ctx->query, ex->ctx->method_timeout,
                                  persistence::pending_count_atom::value)
                        .then(
                          [ex, stats, jobs, members](std::uint64_t pending) {
                            http_response res{http::status::ok, ex->meta.version};
                            res.set(http::field::content_type, exposition_content_type);
                            res.keep_alive(ex->meta.keep_alive);
                            res.body() = render_metrics(*ex->ctx->metrics, stats, jobs,
                                                        ex->ctx->events->stats(), members, pending);
                            res.prepare_payload();
                            ex->reply(std::move(res));
                          },
                          fail);
                    },
                    fail);
              },
              fail);
        },
        fail);
  });
}

/// The dashboard's files: public (the API calls the page makes carry the token), revalidated
/// on every load (`no-cache` + `ETag`), and the page confined to its own origin by its CSP.
void serve_dashboard_asset(const exchange_ptr& ex, const dashboard_asset& asset) {
  if (ex->req.method() != http::verb::get) {
    auto res = problem_response(ex->meta, http::status::method_not_allowed,
                                "the dashboard answers GET only");
    res.set(http::field::allow, "GET");
    return ex->reply(std::move(res));
  }
  const bool fresh = ex->req[http::field::if_none_match] == asset.etag;
  http_response res{fresh ? http::status::not_modified : http::status::ok, ex->meta.version};
  res.set(http::field::cache_control, "no-cache");
  res.set(http::field::etag, asset.etag);
  res.keep_alive(ex->meta.keep_alive);
  if (!fresh) {
    res.set(http::field::content_type, asset.content_type);
    res.set("X-Content-Type-Options", "nosniff");
    if (asset.content_type.starts_with("text/html")) {
      res.set("Content-Security-Policy",
              "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
              "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'none'");
      res.set("Referrer-Policy", "no-referrer");
    }
    res.body() = std::string{asset.body};
  }
  res.prepare_payload();
  ex->reply(std::move(res));
}

/// The CIM and REST routes: this node's answer.
void route_here(const exchange_ptr& ex) {
  const auto& p = ex->path;
  if (p.size() >= 2 && p[0] == "cim" && p[1] == "v2" && route_cim(ex))
    return;
  if (p.size() >= 2 && p[0] == "api" && p[1] == "v1" && route_rest(ex))
    return;
  ex->problem(http::status::not_found, "no resource at '" + std::string{ex->req.target()} + "'");
}

void dispatch(const exchange_ptr& ex) {
  const auto& ctx = *ex->ctx;
  if (is_preflight(ex->req)) {
    auto allowed = allowed_origin(ctx.cors_origins, ex->req[http::field::origin]);
    return ex->reply(preflight_response(ex->meta, allowed.has_value()));
  }
  const auto& p = ex->path;
  if (!ex->relayed && requires_auth(p)) {
    auto outcome = authenticate(ex->req, ex->query, ctx.auth_tokens);
    if (outcome != auth_outcome::granted)
      return ex->reply(unauthorized_response(ex->meta, outcome));
  }
  // A credential, never a route parameter (routes refuse parameters they do not know).
  std::erase_if(ex->query, [](const auto& kv) { return kv.first == access_token_param; });
  if (p.size() == 1 && p[0] == "healthz") {
    if (ex->req.method() != http::verb::get)
      return ex->problem(http::status::method_not_allowed, "/healthz answers GET only");
    return ex->json(http::status::ok, {{"status", "ok"}});
  }
  if (p.size() == 1 && p[0] == "openapi.json") {
    if (ex->req.method() != http::verb::get)
      return ex->problem(http::status::method_not_allowed, "/openapi.json answers GET only");
    http_response res{http::status::ok, ex->meta.version};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(ex->meta.keep_alive);
    res.body() = std::string{openapi_document()};
    return ex->reply(std::move(res));
  }
  if (p.size() == 1 && p[0] == "metrics")
    return serve_metrics(ex);
  if (const auto* asset = find_dashboard_asset(p))
    return serve_dashboard_asset(ex, *asset);
  if (ex->relayed)
    return route_here(ex);
  route_in_cluster(ex, route_here);
}

} // namespace

bool decode_target(std::string_view target, exchange& ex) {
  auto encoded = encode_unsafe_bytes(target);
  auto parsed = boost::urls::parse_origin_form(encoded);
  if (!parsed)
    return false;
  for (auto seg : parsed->segments())
    ex.path.push_back(seg);
  if (ex.path.size() > 1 && ex.path.back().empty())
    ex.path.pop_back(); // a trailing slash names the same resource
  for (auto param : parsed->params())
    ex.query.emplace_back(param.key, param.value);
  return true;
}

namespace {

/// `respond`, adding the CORS headers for `origin` (when allowed) to the response and
/// counting it under `route` with the time since `started`; for a client (not a relaying
/// peer), without the headers only nodes exchange. This is the one place every response of
/// the gateway's routes passes through.
responder instrumented(responder respond, const gateway_context& ctx, const http_request& req,
                       std::string route, std::chrono::steady_clock::time_point started,
                       bool relayed) {
  return [respond = std::move(respond), metrics = ctx.metrics, route = std::move(route),
          method = method_label(req.method()),
          origin = allowed_origin(ctx.cors_origins, req[http::field::origin]), started,
          relayed](http_response res) {
    if (!relayed)
      res.erase(missing_header);
    if (origin)
      add_cors_headers(res, *origin);
    const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started;
    metrics->record(route, method, res.result_int(), spent.count());
    respond(std::move(res));
  };
}

request_handler make_handler(std::weak_ptr<const gateway_context> weak_ctx, bool relayed) {
  return [weak_ctx, relayed](http_request&& req, responder respond) {
    const auto started = std::chrono::steady_clock::now();
    auto ex = std::make_shared<exchange>();
    ex->meta = meta_of(req);
    ex->ctx = weak_ctx.lock();
    if (!ex->ctx) {
      respond(problem_response(ex->meta, http::status::service_unavailable,
                               "the server is shutting down"));
      return;
    }
    const bool valid = decode_target(req.target(), *ex);
    ex->respond = instrumented(std::move(respond), *ex->ctx, req,
                               route_template(req.method(), ex->path), started, relayed);
    ex->req = std::move(req);
    ex->relayed = relayed;
    if (!valid)
      return ex->problem(http::status::bad_request, "the request target is not a valid path",
                         "target");
    dispatch(ex);
  };
}

} // namespace

request_handler make_gateway(std::weak_ptr<const gateway_context> ctx) {
  return make_handler(std::move(ctx), false);
}

request_handler make_relayed_gateway(std::weak_ptr<const gateway_context> ctx) {
  return make_handler(std::move(ctx), true);
}

} // namespace refpoint::web
