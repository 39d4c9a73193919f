// `GET /api/v1/events` upgrades (DESIGN §4): checks the request, then hands the connection to
// an `event_stream_session`.

#include "protocol/event.hpp"
#include "web/auth.hpp"
#include "web/event_stream_session.hpp"
#include "web/exchange.hpp"

#include <chrono>
#include <variant>

namespace refpoint::web {

namespace {

/// The subscription a request asks for, or the 400 problem saying what is wrong with it.
std::variant<event_stream_options, http_response> subscription_of(const exchange& ex) {
  event_stream_options options;
  const auto bad = [&](std::string_view detail, std::string_view field) {
    return problem_response(ex.meta, http::status::bad_request, detail, field);
  };
  for (const auto& [key, value] : ex.query) {
    if (key == "since") {
      options.since = protocol::parse_cursor(value);
      if (!options.since)
        return bad("since must be a cursor received from this stream (or 0), found \"" + value +
                     "\"",
                   "since");
    } else if (key == "job") {
      options.filter.job = canonical_id(value);
    } else if (key == "target") {
      options.filter.target = canonical_id(value);
    } else if (key == "types") {
      if (auto err = protocol::parse_event_types(value, options.filter.types))
        return bad("types: " + *err, "types");
    } else if (key != access_token_param) {
      return bad("unknown query parameter '" + key + "' (expected since, job, target, types)", key);
    }
  }
  const auto& ctx = *ex.ctx;
  options.queue_limit = ctx.event_queue_limit;
  options.ping_interval = ctx.event_ping_interval;
  options.store_timeout = ctx.method_timeout;
  return options;
}

} // namespace

upgrade_handler make_event_stream_gateway(std::weak_ptr<const gateway_context> weak_ctx) {
  return [weak_ctx](http_request& req, upgrade_stream stream) -> std::optional<http_response> {
    const auto started = std::chrono::steady_clock::now();
    exchange ex;
    ex.meta = meta_of(req);
    ex.ctx = weak_ctx.lock();
    if (!ex.ctx)
      return problem_response(ex.meta, http::status::service_unavailable,
                              "the server is shutting down");
    const auto& ctx = *ex.ctx;
    const auto answer = [&](http_response res) {
      const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started;
      ctx.metrics->record("GET /api/v1/events", "GET", res.result_int(), spent.count());
      return res;
    };
    if (!decode_target(req.target(), ex))
      return answer(problem_response(ex.meta, http::status::bad_request,
                                     "the request target is not a valid path", "target"));
    if (ex.path != std::vector<std::string>{"api", "v1", "events"})
      return answer(problem_response(ex.meta, http::status::not_found,
                                     "no WebSocket endpoint at '" + std::string{req.target()} +
                                       "' (the event stream is /api/v1/events)"));
    const auto outcome = authenticate(req, ex.query, ctx.auth_tokens);
    if (outcome != auth_outcome::granted)
      return answer(unauthorized_response(ex.meta, outcome));
    auto subscription = subscription_of(ex);
    if (auto* refusal = std::get_if<http_response>(&subscription))
      return answer(std::move(*refusal));
    if (ctx.events->stats().subscribers >= ctx.max_event_subscribers)
      return answer(problem_response(ex.meta, http::status::service_unavailable,
                                     "too many event stream subscribers (at most " +
                                       std::to_string(ctx.max_event_subscribers) + ")"));
    std::visit(
      [&]<class Stream>(Stream* connection) {
        auto session = std::make_shared<event_stream_session<Stream>>(
          std::move(*connection), std::move(std::get<event_stream_options>(subscription)),
          event_stream_deps{ctx.system, ctx.events, ctx.query});
        session->run(std::move(req));
      },
      stream);
    answer(http_response{http::status::switching_protocols, ex.meta.version});
    return std::nullopt;
  };
}

} // namespace refpoint::web
