#pragma once

#include "web/http_server.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <optional>

namespace refpoint::web {

class listener;

/// One HTTP/1.1 connection: reads a request, hands it to the handler, writes the response, then
/// waits for the next request (keep-alive), one request at a time.
///
/// Promises: every read and write is bounded by a timeout; a request the server cannot read in
/// full is answered with a problem response (400, 413, 431) when HTTP allows one, and the
/// connection then closes gracefully (send side first, unread input drained for a short while so
/// the client sees the response). The connection leaves the listener's registry when it closes
/// (or, if it never closed, when the last reference goes: pending operations and responders hold
/// one each). Responders must not outlive the io_context.
///
/// Threading: every member function except `run`, `refuse` and `shutdown` runs on the session's
/// strand; those three may be called from any thread and post to it.
class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<listener> owner);
  ~http_session();

  http_session(const http_session&) = delete;
  http_session& operator=(const http_session&) = delete;

  /// Starts serving requests.
  void run();
  /// Writes `res` (with `Connection: close`) without reading anything, then closes.
  void refuse(http_response res);
  /// Closes the connection now if it is waiting for a request; otherwise the request in flight
  /// is answered first (the listener is already stopping, so the connection closes after it).
  void shutdown();

private:
  enum class phase { waiting, reading, handling, writing, closing };

  void do_wait_request();
  void on_wait_request(boost::beast::error_code ec, std::size_t bytes);
  void do_read_header();
  void on_read_header(boost::beast::error_code ec, std::size_t bytes);
  void do_continue();
  void on_continue(boost::beast::error_code ec, std::size_t bytes);
  void do_read_body();
  void on_read_body(boost::beast::error_code ec, std::size_t bytes);
  void fail_read(boost::beast::error_code ec);
  void call_handler();
  void call_upgrade_handler(std::uint64_t request_id, http_request& req);
  void on_response(std::uint64_t request_id, http_response res);
  void do_write(http_response res, bool keep_alive);
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_graceful_close();
  void do_linger();
  void on_linger(boost::beast::error_code ec, std::size_t bytes);
  void close();

  // Constant after construction.
  const std::shared_ptr<listener> owner_;

  // Strand only.
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http_response response_;
  phase phase_ = phase::waiting;
  bool first_request_ = true;
  bool keep_alive_ = false;
  /// Identifies the request in flight, so that a late or repeated answer cannot reach another.
  std::uint64_t request_id_ = 0;
  /// What the response needs from the request the handler consumed.
  unsigned request_version_ = 11;
  bool request_keep_alive_ = false;
  bool request_is_head_ = false;
};

} // namespace refpoint::web
