#include "web/http_session.hpp"

#include "web/listener.hpp"
#include "web/problem.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <limits>
#include <string_view>

namespace refpoint::web {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

/// Bytes asked for while waiting for the start of a request (and while draining on close).
constexpr std::size_t read_chunk_bytes = 4096;
/// Upper bound for draining unread input after the final response (also capped by read_timeout).
constexpr std::chrono::milliseconds max_linger{2000};
/// Interim response sent when a client waits for permission to send its body.
constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";

bool is_parse_error(beast::error_code ec) {
  return ec.category() == beast::error_code{http::error::bad_target}.category();
}

bool forbids_body(http::status status) {
  return http::to_status_class(status) == http::status_class::informational ||
         status == http::status::no_content || status == http::status::not_modified;
}

template <class Stream>
Stream make_stream(tcp::socket&& socket, listener& owner) {
  if constexpr (std::is_same_v<Stream, tls_stream>)
    return Stream{std::move(socket), *owner.tls()};
  else
    return Stream{std::move(socket)};
}

} // namespace

template <class Stream>
http_session<Stream>::http_session(tcp::socket&& socket, std::shared_ptr<listener> owner)
    : owner_(std::move(owner)), stream_(make_stream<Stream>(std::move(socket), *owner_)) {}

template <class Stream>
http_session<Stream>::~http_session() {
  owner_->on_session_end(this);
}

template <class Stream>
void http_session<Stream>::run() {
  if constexpr (is_tls)
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_handshake, this->shared_from_this()));
  else
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_wait_request,
                                                                    this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::refuse(http_response res) {
  net::dispatch(stream_.get_executor(),
                [self = this->shared_from_this(), res = std::move(res)]() mutable {
                  if constexpr (is_tls) {
                    self->refusal_ = std::move(res);
                    self->do_handshake();
                  } else {
                    self->do_write(std::move(res), false);
                  }
                });
}

template <class Stream>
void http_session<Stream>::shutdown() {
  net::post(stream_.get_executor(), [self = this->shared_from_this()] {
    if (self->phase_ == phase::waiting || self->phase_ == phase::handshaking)
      self->close();
  });
}

template <class Stream>
void http_session<Stream>::do_handshake() {
  if constexpr (is_tls) {
    phase_ = phase::handshaking;
    // TLS sends small records back to back (a response, then close_notify): without this,
    // Nagle holds the second until the client's delayed ACK, some 40 ms later.
    beast::error_code ignored;
    tcp_layer().socket().set_option(tcp::no_delay(true), ignored);
    tcp_layer().expires_after(owner_->limits().read_timeout);
    stream_.async_handshake(
      boost::asio::ssl::stream_base::server,
      beast::bind_front_handler(&http_session::on_handshake, this->shared_from_this()));
  }
}

template <class Stream>
void http_session<Stream>::on_handshake(beast::error_code ec) {
  if (phase_ != phase::handshaking)
    return; // closed by `shutdown` meanwhile
  if (ec)
    return close(); // not TLS at all, a certificate the client refused, or a timeout
  if (refusal_) {
    auto res = std::move(*refusal_);
    refusal_.reset();
    return do_write(std::move(res), false);
  }
  do_wait_request();
}

template <class Stream>
void http_session<Stream>::do_wait_request() {
  if (owner_->stopping())
    return close();
  phase_ = phase::waiting;
  if (buffer_.size() > 0)
    return do_read_header(); // the client already sent (part of) its next request
  const auto& limits = owner_->limits();
  tcp_layer().expires_after(first_request_ ? limits.read_timeout : limits.idle_timeout);
  stream_.async_read_some(
    buffer_.prepare(read_chunk_bytes),
    beast::bind_front_handler(&http_session::on_wait_request, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_wait_request(beast::error_code ec, std::size_t bytes) {
  buffer_.commit(bytes);
  if (ec)
    return close(); // idle timeout, client left, or shutdown
  do_read_header();
}

template <class Stream>
void http_session<Stream>::do_read_header() {
  phase_ = phase::reading;
  first_request_ = false;
  request_version_ = 11;
  request_keep_alive_ = false;
  request_is_head_ = false;

  const auto& limits = owner_->limits();
  parser_.emplace();
  parser_->body_limit(std::uint64_t{limits.max_body_bytes});
  parser_->header_limit(static_cast<std::uint32_t>(
    std::min<std::size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  tcp_layer().expires_after(limits.read_timeout); // covers the header and the body
  http::async_read_header(
    stream_, buffer_, *parser_,
    beast::bind_front_handler(&http_session::on_read_header, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read_header(beast::error_code ec, std::size_t) {
  if (ec)
    return fail_read(ec);
  if (parser_->is_done())
    return call_handler();
  const auto& req = parser_->get();
  if (req.version() >= 11 && beast::iequals(req[http::field::expect], "100-continue"))
    return do_continue();
  do_read_body();
}

template <class Stream>
void http_session<Stream>::do_continue() {
  net::async_write(stream_, net::buffer(continue_response),
                   beast::bind_front_handler(&http_session::on_continue, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_continue(beast::error_code ec, std::size_t) {
  if (ec)
    return close();
  do_read_body();
}

template <class Stream>
void http_session<Stream>::do_read_body() {
  http::async_read(
    stream_, buffer_, *parser_,
    beast::bind_front_handler(&http_session::on_read_body, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read_body(beast::error_code ec, std::size_t) {
  if (ec)
    return fail_read(ec);
  call_handler();
}

template <class Stream>
void http_session<Stream>::fail_read(beast::error_code ec) {
  const auto& limits = owner_->limits();
  if (ec == http::error::body_limit)
    return do_write(make_problem(http::status::payload_too_large,
                                 "the request body exceeds the limit of " +
                                   std::to_string(limits.max_body_bytes) + " bytes"),
                    false);
  if (ec == http::error::header_limit)
    return do_write(make_problem(http::status::request_header_fields_too_large,
                                 "the request header exceeds the limit of " +
                                   std::to_string(limits.max_header_bytes) + " bytes"),
                    false);
  if (ec == http::error::partial_message || ec == http::error::end_of_stream || !is_parse_error(ec))
    return close(); // timeout or the client left: nobody to answer
  do_write(make_problem(http::status::bad_request, "malformed HTTP request: " + ec.message()),
           false);
}

template <class Stream>
void http_session<Stream>::call_handler() {
  phase_ = phase::handling;
  http_request req = parser_->release();
  parser_.reset();
  request_version_ = req.version();
  request_keep_alive_ = req.keep_alive();
  request_is_head_ = req.method() == http::verb::head;

  const auto id = ++request_id_;
  if (owner_->upgrade() && beast::websocket::is_upgrade(req))
    return call_upgrade_handler(id, req);
  responder respond = [self = this->shared_from_this(), ex = stream_.get_executor(),
                       id](http_response res) {
    net::post(
      ex, [self, id, res = std::move(res)]() mutable { self->on_response(id, std::move(res)); });
  };
  try {
    owner_->handler()(std::move(req), std::move(respond));
  } catch (...) {
    on_response(id, make_problem(http::status::internal_server_error,
                                 "the server failed to handle the request"));
  }
}

template <class Stream>
void http_session<Stream>::call_upgrade_handler(std::uint64_t request_id, http_request& req) {
  std::optional<http_response> refusal;
  try {
    refusal = owner_->upgrade()(req, upgrade_stream{&stream_});
  } catch (...) {
    refusal =
      make_problem(http::status::internal_server_error, "the server failed to handle the request");
  }
  if (refusal)
    return on_response(request_id, std::move(*refusal));
  // The stream is someone else's now: leave it alone, just leave the registry.
  phase_ = phase::closing;
  owner_->on_session_end(this);
}

template <class Stream>
void http_session<Stream>::on_response(std::uint64_t request_id, http_response res) {
  if (request_id != request_id_ || phase_ != phase::handling)
    return; // a repeated answer
  const bool keep_alive = request_keep_alive_ && res.keep_alive() && !owner_->stopping();
  do_write(std::move(res), keep_alive);
}

template <class Stream>
void http_session<Stream>::do_write(http_response res, bool keep_alive) {
  phase_ = phase::writing;
  keep_alive_ = keep_alive;
  response_ = std::move(res);
  response_.version(request_version_);
  response_.keep_alive(keep_alive);
  response_.set(http::field::server, "refpoint");
  if (forbids_body(response_.result())) {
    response_.body().clear();
  } else if (request_is_head_) {
    if (!response_.body().empty()) {
      response_.content_length(response_.body().size());
      response_.body().clear();
    }
  } else {
    response_.prepare_payload();
  }
  tcp_layer().expires_after(owner_->limits().read_timeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&http_session::on_write, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_write(beast::error_code ec, std::size_t) {
  if (ec)
    return close();
  response_ = {};
  if (!keep_alive_)
    return do_graceful_close();
  do_wait_request();
}

template <class Stream>
void http_session<Stream>::do_graceful_close() {
  phase_ = phase::closing;
  tcp_layer().expires_after(
    std::min<std::chrono::milliseconds>(owner_->limits().read_timeout, max_linger));
  if constexpr (is_tls) {
    // Sends close_notify and waits for the client's, within the same bound as the linger.
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
  } else {
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
    do_linger();
  }
}

template <class Stream>
void http_session<Stream>::do_linger() {
  stream_.async_read_some(
    buffer_.prepare(read_chunk_bytes),
    beast::bind_front_handler(&http_session::on_linger, this->shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_linger(beast::error_code ec, std::size_t) {
  if (ec)
    return close(); // the client closed too, or the linger time is over
  do_linger();
}

template <class Stream>
void http_session<Stream>::close() {
  phase_ = phase::closing;
  tcp_layer().close();
  owner_->on_session_end(this); // a responder may keep this object alive a while longer
}

template class http_session<plain_stream>;
template class http_session<tls_stream>;

} // namespace refpoint::web
