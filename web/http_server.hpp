#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

// Declared here so that only the files that build TLS connections include OpenSSL.
namespace boost::asio::ssl {
class context;
}
namespace boost::beast {
template <class NextLayer>
class ssl_stream;
}

namespace refpoint::web {

namespace http = boost::beast::http;

using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;

/// Completes one request with its response.
///
/// Thread safety: may be called from any thread (e.g. a CAF worker); it posts the response to
/// the session's strand. Call it exactly once per request: later calls are ignored, and so is a
/// call made after the connection ended. Copies share the same request. A responder keeps its
/// session object (not the connection) alive: it must not outlive the io_context.
///
/// The server fills in the version, `Connection` (keep-alive unless the client or the response
/// asks for close, or the server is stopping), `Server: refpoint` and `Content-Length`.
using responder = std::function<void(http_response)>;

/// Handles one complete request. Called on an I/O thread: it must not block; slow work answers
/// later through the responder. An exception escaping it answers 500.
using request_handler = std::function<void(http_request&&, responder)>;

/// A connection as the server speaks on it: plain TCP, or TLS over TCP (HTTPS, WSS).
using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
/// The connection an upgrade handler may take over: one of the two, its handshake done.
using upgrade_stream = std::variant<plain_stream*, tls_stream*>;

/// Takes over a connection whose request asks for a WebSocket upgrade. Either it answers a
/// response that refuses the upgrade (written like any other, the connection then carries on
/// or closes as usual), or it moves `*stream` away (the server forgets the connection: it is
/// the taker's from now on) and answers nothing. Called on the connection's strand, which
/// stays the stream's executor; it must not block. An exception escaping it answers 500.
using upgrade_handler =
  std::function<std::optional<http_response>(http_request& req, upgrade_stream stream)>;

/// Per-server limits; every field has a safe default.
struct server_limits {
  /// Largest request body accepted; a larger one is answered 413 and the connection closed.
  std::size_t max_body_bytes = 1 << 20;
  /// Largest request line plus header fields; a larger one is answered 431 and closed.
  std::size_t max_header_bytes = 16 * 1024;
  /// Time allowed for a whole request to arrive (also for a new connection's first request to
  /// start, and for a response to be written). On expiry the connection is closed.
  std::chrono::milliseconds read_timeout{30000};
  /// Time a keep-alive connection may wait for its next request before it is closed.
  std::chrono::milliseconds idle_timeout{60000};
  /// Open connections allowed; the next one is answered 503 and closed.
  std::size_t max_connections = 4096;
};

class listener;

/// A generic HTTP/1.1 server: accepts connections and passes each complete request to the
/// handler; knows nothing about routes.
///
/// Promises: keep-alive connections serve one request at a time (read → handler → write →
/// read); the server itself answers malformed HTTP (400), a body over the limit (413), headers
/// over the limit (431) and connections over the limit (503) with `application/problem+json`,
/// then closes; bad input or an abrupt disconnect never crashes it.
///
/// Threading: the server runs on the caller's io_context, which may be run by one or more
/// threads; each connection has its own strand. `listen` must be called once, before `stop`.
/// `stop`, `port` and `active_connections` may be called from any thread.
///
/// Lifetime: connections hold the shared state, so destroying the server never leaves a dangling
/// handler; destroying it without a completed `stop` stops accepting and closes idle
/// connections, but requests in flight still reach the handler.
class http_server {
public:
  /// Without an `upgrade` handler, upgrade requests go to `handler` like any other. With a
  /// `tls` context (`web/tls_context.hpp`) every connection speaks TLS: it starts with a
  /// handshake bounded by `read_timeout`, and a client that fails it (a plain HTTP client,
  /// one that refuses the certificate) is closed without an answer.
  http_server(boost::asio::io_context& io, server_limits limits, request_handler handler,
              upgrade_handler upgrade = {}, std::shared_ptr<boost::asio::ssl::context> tls = {});
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds and starts accepting. Returns an error message ("address 127.0.0.1:8080 is already
  /// in use") instead of throwing. Port 0 picks a free port: see `port()`.
  std::optional<std::string> listen(const std::string& host, std::uint16_t port);

  /// The port actually bound (0 before a successful `listen`).
  std::uint16_t port() const;

  /// Stops accepting and closes idle connections; requests in flight finish and get their
  /// response (with `Connection: close`), then their connections close. `on_drained` runs on
  /// an I/O thread, never inside this call, once every connection has ended.
  void stop(std::function<void()> on_drained);

  /// Connections currently open (refused ones not counted).
  std::size_t active_connections() const;

private:
  std::shared_ptr<listener> listener_;
};

} // namespace refpoint::web
