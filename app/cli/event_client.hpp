#pragma once
/// One WebSocket connection to the event stream, `GET /api/v1/events` (docs/API.md).
///
/// `next` waits a bounded time for a message and may be called again after it answered
/// `idle`: the read stays pending in between, so a caller can poll for Ctrl-C without losing
/// a message. Opening is bounded by the timeout; once open, the stream may stay silent for any
/// time (the server pings, and Beast answers the pings while a read is pending).
/// Not thread-safe: one connection per thread.

#include "app/cli/http_client.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace boost::asio::ssl {
class context;
}

namespace refpoint::cli {

/// A text message from the server (one JSON event or stream.* message).
struct stream_message {
  std::string text;
};
/// No message arrived within the wait; the connection is still open.
struct stream_idle {};
/// The connection ended: closed by the server with `code`, or dropped (`code` 0).
struct stream_closed {
  std::uint16_t code = 0;
  std::string reason;
};

/// The upgrade succeeded.
struct stream_opened {};
/// The server answered the upgrade request with an HTTP error (e.g. 400, 401, 503).
struct stream_refused {
  http_reply reply;
};

class event_connection {
public:
  /// `token`, when not empty, is sent as `Authorization: Bearer <token>` on the upgrade.
  /// `tls` is required for an `https://` server (the stream is then WSS), ignored otherwise.
  event_connection(server_url server, std::string token, std::chrono::milliseconds timeout,
                   std::shared_ptr<boost::asio::ssl::context> tls = {});
  ~event_connection();
  event_connection(const event_connection&) = delete;
  event_connection& operator=(const event_connection&) = delete;

  /// Connects and upgrades `/api/v1/events<query>` (query: "" or "?since=0&job=..."). Closes
  /// any connection this object had open first.
  std::variant<stream_opened, stream_refused, transport_failure> open(std::string_view query);

  /// Waits at most `wait` for the next message. REQUIRES: `open` succeeded and no
  /// `stream_closed` was answered since.
  std::variant<stream_message, stream_idle, stream_closed> next(std::chrono::milliseconds wait);

  /// Closes the connection politely (bounded by a second); no-op when it is not open.
  void close();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace refpoint::cli
