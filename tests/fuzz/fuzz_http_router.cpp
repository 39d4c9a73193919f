// Raw HTTP requests through the gateway (`web/gateway.hpp`): the bytes parsed as a connection's
// input, with Beast's request parser and the server's default limits (`server_limits`), and
// every request that parses (up to a few pipelined ones) handed to the real gateway, as the
// server's session hands it: WebSocket upgrades to the event stream's handler, the others to
// the request handler. That runs target decoding, authentication, CORS, placement, route
// matching, ids, query parameters, content types and bodies, up to the actor calls. Every actor
// behind it is one stub that refuses every request as not found, so every route answers.
//
// What must hold: every request is answered, once, with a status Beast knows (an upgrade is
// either refused with one or taken); a JSON answer is JSON and a problem states its own
// status; the route a request is counted under names no byte of the request.

#include "actors/op_error.hpp"
#include "web/actor_call.hpp"
#include "web/exchange.hpp"
#include "web/gateway.hpp"
#include "web/route_template.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json/parse.hpp>
#include <caf/all.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

namespace {

namespace web = refpoint::web;
namespace http = web::http;
using namespace std::chrono_literals;

/// Pipelined requests handled per input at most.
constexpr int max_requests = 4;
/// Time a request may take to be answered; the stub answers at once, so this means never.
constexpr auto answer_deadline = 10s;

/// The stub behind every actor handle: refuses whatever it is asked as not found. (Its unused
/// argument: see `web::no_argument`.)
caf::behavior refuse_everything(caf::event_based_actor* self, bool) {
  self->set_default_handler(
    [](caf::scheduled_actor*, caf::message_view&) -> caf::result<caf::message> {
      return refpoint::actors::make_error(refpoint::actors::op_errc::not_found, "stub");
    });
  return {[](caf::tick_atom) {}}; // a behaviour, so that the actor stays alive
}

struct small_config : caf::actor_system_config {
  small_config() { set("scheduler.max-threads", std::size_t{2}); }
};

/// The gateway and what it needs, made once and never destroyed (the actor system would wait
/// for the stub at exit).
struct gateway_under_test {
  small_config config;
  caf::actor_system system{config};
  caf::actor stub = system.spawn(refuse_everything, web::no_argument);
  boost::asio::io_context io;
  std::shared_ptr<const web::gateway_context> ctx = std::make_shared<const web::gateway_context>(
    web::gateway_context{.system = system,
                         .inventory = caf::actor_cast<refpoint::actors::inventory_actor>(stub),
                         .query = caf::actor_cast<refpoint::persistence::query_actor>(stub),
                         .changes = caf::actor_cast<refpoint::actors::changes_actor>(stub),
                         .cluster = caf::actor_cast<refpoint::actors::node_actor>(stub),
                         .store = caf::actor_cast<refpoint::persistence::store_actor>(stub),
                         .method_timeout = 2s,
                         .cors_origins = {"https://dashboard.example"}});
  web::request_handler handle = web::make_gateway(ctx);
  web::upgrade_handler upgrade = web::make_event_stream_gateway(ctx);
};

gateway_under_test& gateway() {
  static auto* g = new gateway_under_test;
  return *g;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_http_router: %s\n", what);
  std::abort();
}

/// The checks every answer passes.
void check(const web::http_response& res) {
  const unsigned code = res.result_int();
  if (code < 200 || code > 599 || http::int_to_status(code) == http::status::unknown)
    fail("answered a status that is not an HTTP status");
  const auto type = res[http::field::content_type];
  const bool problem = type == "application/problem+json";
  if (!problem && type != "application/json")
    return;
  boost::system::error_code ec;
  auto body = boost::json::parse(res.body(), ec);
  if (ec)
    fail("a JSON answer is not JSON");
  if (!problem)
    return;
  const auto* status = body.is_object() ? body.as_object().if_contains("status") : nullptr;
  if (!status || !status->is_int64() || status->as_int64() != code)
    fail("a problem states another status than its response's");
}

/// Route labels are made of these words and `{placeholders}` only.
bool is_route_word(std::string_view word) {
  static constexpr std::array<std::string_view, 22> words = {
    "api",          "v1",
    "cim",          "v2",
    "systems",      "collections",
    "members",      "reference-points",
    "changes",      "jobs",
    "cancel",       "events",
    "cluster",      "associators",
    "references",   "reference-point-collections",
    "healthz",      "metrics",
    "openapi.json", "dashboard",
    "other",        ""};
  return (word.starts_with('{') && word.ends_with('}')) ||
         std::find(words.begin(), words.end(), word) != words.end();
}

void check_route_label(const web::http_request& req) {
  web::exchange ex;
  if (!web::decode_target(req.target(), ex))
    return;
  const auto route = web::route_template(req.method(), ex.path);
  std::string_view label = route;
  while (!label.empty()) {
    auto slash = label.find('/');
    if (!is_route_word(label.substr(0, slash)))
      fail("a route label holds a word of the request");
    label = slash == std::string_view::npos ? std::string_view{} : label.substr(slash + 1);
  }
}

/// One request through the request handler; waits for its answer.
void handle(web::http_request req) {
  struct answer {
    std::mutex mutex;
    std::condition_variable arrived;
    std::optional<web::http_response> response;
  };
  auto box = std::make_shared<answer>();
  web::responder respond = [box](web::http_response res) {
    std::lock_guard lock{box->mutex};
    if (box->response)
      fail("a request was answered twice");
    box->response = std::move(res);
    box->arrived.notify_all();
  };
  gateway().handle(std::move(req), std::move(respond));
  std::unique_lock lock{box->mutex};
  if (!box->arrived.wait_for(lock, answer_deadline, [&] { return box->response.has_value(); }))
    fail("a request was never answered");
  check(*box->response);
}

/// An upgrade through the upgrade handler, on a stream that is not connected: a subscriber it
/// takes fails its handshake and ends at once.
void upgrade(web::http_request& req) {
  auto& g = gateway();
  web::plain_stream stream{g.io};
  auto refusal = g.upgrade(req, &stream);
  if (refusal)
    return check(*refusal);
  g.io.restart();
  g.io.poll();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const web::server_limits limits;
  boost::asio::const_buffer input{data, size};
  for (int n = 0; n < max_requests && input.size() > 0; ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(std::uint64_t{limits.max_body_bytes});
    parser.eager(true);
    boost::system::error_code ec;
    for (int stalled = 0; !parser.is_done();) {
      const auto used = parser.put(input, ec);
      input += used;
      if (ec && ec != http::error::need_more)
        return 0; // malformed: the server answers 400, no route runs
      stalled = used > 0 ? 0 : stalled + 1;
      if (stalled == 2)
        return 0; // incomplete: the server waits for the rest
    }
    auto req = parser.release();
    check_route_label(req);
    if (boost::beast::websocket::is_upgrade(req))
      upgrade(req);
    else
      handle(std::move(req));
  }
  return 0;
}
