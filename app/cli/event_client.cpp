#include "app/cli/event_client.hpp"

#include "app/cli/tls.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <optional>
#include <variant>

namespace refpoint::cli {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ws = beast::websocket;

constexpr std::size_t message_limit = 16u * 1024u * 1024u;

} // namespace

struct event_connection::impl {
  server_url server;
  std::string token;
  std::chrono::milliseconds timeout;
  std::shared_ptr<net::ssl::context> tls;
  net::io_context io;
  /// WS, or WSS for an https server.
  std::optional<std::variant<ws::stream<beast::tcp_stream>, ws::stream<tls_stream>>> stream;
  beast::flat_buffer buffer;
  bool reading = false;                      ///< a read is pending
  std::optional<beast::error_code> read_end; ///< set when the pending read completed

  impl(server_url s, std::string t, std::chrono::milliseconds limit,
       std::shared_ptr<net::ssl::context> context)
      : server(std::move(s)), token(std::move(t)), timeout(limit), tls(std::move(context)) {}

  beast::tcp_stream& tcp() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); },
                      *stream);
  }

  /// Calls `f` with the WebSocket stream, whichever it is.
  template <class F>
  decltype(auto) with_stream(F&& f) {
    return std::visit(std::forward<F>(f), *stream);
  }

  /// Runs `start(handler)` to completion, bounded by the timeout of the lowest layer.
  template <class Start>
  beast::error_code run_bounded(Start&& start) {
    beast::error_code result = net::error::would_block;
    tcp().expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  void drop() {
    if (stream) {
      beast::error_code ignored;
      auto& socket = tcp().socket();
      socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
      io.restart();
      io.poll(); // lets a pending read finish with operation_aborted
    }
    stream.reset();
    buffer.clear();
    reading = false;
    read_end.reset();
  }
};

event_connection::event_connection(server_url server, std::string token,
                                   std::chrono::milliseconds timeout,
                                   std::shared_ptr<net::ssl::context> tls)
    : impl_(std::make_unique<impl>(std::move(server), std::move(token), timeout, std::move(tls))) {}

event_connection::~event_connection() {
  impl_->drop();
}

std::variant<stream_opened, stream_refused, transport_failure>
event_connection::open(std::string_view query) {
  auto& s = *impl_;
  s.drop();
  net::ip::tcp::resolver resolver{s.io};
  beast::error_code ec;
  const auto endpoints = resolver.resolve(s.server.host, s.server.port, ec);
  if (ec)
    return transport_failure{"cannot resolve " + s.server.host + ": " + ec.message()};
  if (s.server.tls)
    s.stream.emplace(std::in_place_type<ws::stream<tls_stream>>, s.io, *s.tls);
  else
    s.stream.emplace(std::in_place_type<ws::stream<beast::tcp_stream>>, s.io);
  ec = s.run_bounded([&](auto handler) { s.tcp().async_connect(endpoints, std::move(handler)); });
  if (ec) {
    s.stream.reset();
    return transport_failure{
      "cannot connect to " + s.server.authority + ": " +
      (ec == beast::error::timeout ? std::string{"timed out"} : ec.message())};
  }
  if (s.server.tls)
    if (auto error = client_handshake(
          s.io, std::get<ws::stream<tls_stream>>(*s.stream).next_layer(), s.server, s.timeout);
        !error.empty()) {
      s.drop();
      return transport_failure{std::move(error)};
    }
  s.with_stream([&](auto& stream) {
    stream.set_option(ws::stream_base::decorator([token = s.token](ws::request_type& req) {
      req.set(http::field::user_agent, "refpoint-cli/" REFPOINT_VERSION);
      if (!token.empty())
        req.set(http::field::authorization, "Bearer " + token);
    }));
    stream.read_message_max(message_limit);
  });
  ws::response_type res;
  const std::string target = s.server.prefix + "/api/v1/events" + std::string{query};
  ec = s.run_bounded([&](auto handler) {
    s.with_stream([&](auto& stream) {
      stream.async_handshake(res, s.server.authority, target, std::move(handler));
    });
  });
  if (ec) {
    s.drop();
    if (res.result_int() != 0 && res.result_int() != 101)
      return stream_refused{http_reply{res.result_int(), std::string{res.reason()},
                                       std::string{res[http::field::content_type]},
                                       std::move(res.body())}};
    return transport_failure{
      "opening the event stream on " + s.server.authority +
      " failed: " + (ec == beast::error::timeout ? std::string{"timed out"} : ec.message())};
  }
  // Once open the stream may be silent for long: the server's pings keep it alive.
  s.tcp().expires_never();
  return stream_opened{};
}

std::variant<stream_message, stream_idle, stream_closed>
event_connection::next(std::chrono::milliseconds wait) {
  auto& s = *impl_;
  if (!s.stream)
    return stream_closed{};
  if (!s.reading) {
    s.reading = true;
    s.read_end.reset();
    s.with_stream([&s](auto& stream) {
      stream.async_read(s.buffer, [&s](beast::error_code ec, std::size_t) { s.read_end = ec; });
    });
  }
  s.io.restart();
  s.io.run_for(wait);
  if (!s.read_end)
    return stream_idle{};
  s.reading = false;
  const auto ec = *s.read_end;
  s.read_end.reset();
  if (ec) {
    stream_closed closed;
    if (ec == ws::error::closed) {
      const auto reason = s.with_stream([](auto& stream) { return stream.reason(); });
      closed.code = static_cast<std::uint16_t>(reason.code);
      closed.reason = std::string{reason.reason.c_str()};
    } else {
      closed.reason = ec.message();
    }
    s.drop();
    return closed;
  }
  stream_message message{beast::buffers_to_string(s.buffer.data())};
  s.buffer.consume(s.buffer.size());
  return message;
}

void event_connection::close() {
  auto& s = *impl_;
  if (!s.stream)
    return;
  if (!s.reading) {
    // A polite close; a read still pending would have to finish first, so then just drop.
    s.tcp().expires_after(std::chrono::seconds{1});
    s.with_stream(
      [](auto& stream) { stream.async_close(ws::close_code::normal, [](beast::error_code) {}); });
    s.io.restart();
    s.io.run_for(std::chrono::seconds{1});
  }
  s.drop();
}

} // namespace refpoint::cli
