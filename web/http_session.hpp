#pragma once

#include "web/http_server.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>
#include <optional>
#include <type_traits>

namespace refpoint::web {

class listener;

/// What the listener needs of a connection, whatever it speaks (one virtual call per
/// connection, none per request).
class http_session_base {
public:
  virtual ~http_session_base() = default;
  /// Starts serving requests.
  virtual void run() = 0;
  /// Writes `res` (with `Connection: close`) without reading anything, then closes.
  virtual void refuse(http_response res) = 0;
  /// Closes the connection now if it is waiting for a request; otherwise the request in flight
  /// is answered first (the listener is already stopping, so the connection closes after it).
  virtual void shutdown() = 0;
};

/// One HTTP/1.1 connection: reads a request, hands it to the handler, writes the response, then
/// waits for the next request (keep-alive), one request at a time. `Stream` is `plain_stream`
/// or `tls_stream` (both instantiated in the .cpp); a TLS connection first completes its
/// handshake within the read timeout, or closes without a word.
///
/// Promises: every read and write is bounded by a timeout; a request the server cannot read in
/// full is answered with a problem response (400, 413, 431) when HTTP allows one, and the
/// connection then closes gracefully (send side first, unread input drained for a short while so
/// the client sees the response; over TLS, close_notify sent and awaited as long at most). The
/// connection leaves the listener's registry when it closes (or, if it never closed, when the
/// last reference goes: pending operations and responders hold one each). Responders must not
/// outlive the io_context.
///
/// Threading: every member function except `run`, `refuse` and `shutdown` runs on the session's
/// strand; those three may be called from any thread and post to it.
template <class Stream>
class http_session final : public http_session_base,
                           public std::enable_shared_from_this<http_session<Stream>> {
public:
  /// A TLS session takes its context from `owner`.
  http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<listener> owner);
  ~http_session() override;

  http_session(const http_session&) = delete;
  http_session& operator=(const http_session&) = delete;

  void run() override;
  void refuse(http_response res) override;
  void shutdown() override;

private:
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

  enum class phase { handshaking, waiting, reading, handling, writing, closing };

  /// The TCP layer, which carries the timeouts.
  boost::beast::tcp_stream& tcp_layer() { return boost::beast::get_lowest_layer(stream_); }

  /// Starts the TLS handshake, then serves (or writes the refusal, when there is one).
  void do_handshake();
  void on_handshake(boost::beast::error_code ec);
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
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http_response response_;
  phase phase_ = phase::handshaking;
  std::optional<http_response> refusal_; ///< written once a TLS handshake is done
  bool first_request_ = true;
  bool keep_alive_ = false;
  /// Identifies the request in flight, so that a late or repeated answer cannot reach another.
  std::uint64_t request_id_ = 0;
  /// What the response needs from the request the handler consumed.
  unsigned request_version_ = 11;
  bool request_keep_alive_ = false;
  bool request_is_head_ = false;
};

extern template class http_session<plain_stream>;
extern template class http_session<tls_stream>;

} // namespace refpoint::web
