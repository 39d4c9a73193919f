#pragma once

// A small synchronous HTTP/1.1 client for tests, and a raw byte exchange for malformed-HTTP
// tests. Every network wait is bounded by a timeout, so a hung server fails the test instead of
// hanging it. Needs Boost.JSON linked (refpoint_boost).

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::test {

namespace http = boost::beast::http;

/// A response as the test sees it.
struct test_response {
  unsigned status = 0;
  http::fields headers;
  std::string body;

  /// The field's value, empty when absent.
  std::string header(std::string_view name) const { return std::string{headers[name]}; }
  /// The body parsed as JSON; throws std::runtime_error quoting the body when it is not JSON.
  boost::json::value json() const {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec)
      throw std::runtime_error("response body is not JSON (" + ec.message() + "): " + body);
    return value;
  }
};

/// A synchronous keep-alive client bound to one server.
///
/// Sends one request at a time on one connection, reconnecting when the server closed it (after
/// `Connection: close`, or a keep-alive connection that timed out: such a request is retried
/// once on a new connection). Throws std::runtime_error with a clear message when it cannot
/// connect or when the server does not answer within the timeout. Not thread-safe: use one
/// client per thread.
class http_client {
public:
  using header_list = std::vector<std::pair<std::string, std::string>>;

  http_client(std::string host, std::uint16_t port,
              std::chrono::milliseconds timeout = std::chrono::seconds{10})
      : host_(std::move(host)), port_(port), timeout_(timeout) {}

  /// Sends a request and returns the response. A non-empty body gets `Content-Type:
  /// application/json` unless `headers` names a Content-Type.
  test_response request(http::verb method, std::string target, std::string body = {},
                        header_list headers = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host_ + ":" + std::to_string(port_));
    req.set(http::field::user_agent, "refpoint-test");
    for (const auto& [name, value] : headers)
      req.set(name, value);
    if (!body.empty() && req[http::field::content_type].empty())
      req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();

    const bool reused = stream_.has_value();
    if (!reused)
      connect();
    auto outcome = exchange(req);
    if (!outcome.response && reused && !outcome.got_bytes && !outcome.timed_out) {
      connect(); // the server closed the idle connection: try once on a fresh one
      outcome = exchange(req);
    }
    if (!outcome.response) {
      disconnect();
      throw std::runtime_error("http_client: " + std::string{http::to_string(method)} + " " +
                               target + " on " + address() + " failed: " + outcome.error);
    }
    if (!outcome.response->keep_alive())
      disconnect();
    return test_response{outcome.response->result_int(), outcome.response->base(),
                         std::move(outcome.response->body())};
  }

  test_response get(std::string target, header_list headers = {}) {
    return request(http::verb::get, std::move(target), {}, std::move(headers));
  }
  test_response post(std::string target, std::string body, header_list headers = {}) {
    return request(http::verb::post, std::move(target), std::move(body), std::move(headers));
  }
  test_response put(std::string target, std::string body, header_list headers = {}) {
    return request(http::verb::put, std::move(target), std::move(body), std::move(headers));
  }
  test_response del(std::string target, header_list headers = {}) {
    return request(http::verb::delete_, std::move(target), {}, std::move(headers));
  }

  /// How many connections this client has opened so far (1 while keep-alive holds).
  std::size_t connection_count() const { return connections_; }

  /// Closes the connection; the next request opens a new one.
  void disconnect() {
    if (stream_) {
      boost::system::error_code ignored;
      stream_->socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      stream_->close();
    }
    stream_.reset();
    buffer_.clear();
  }

private:
  struct outcome_t {
    std::optional<http::response<http::string_body>> response;
    std::string error;
    bool got_bytes = false;
    bool timed_out = false;
  };

  std::string address() const { return host_ + ":" + std::to_string(port_); }

  /// Starts an asynchronous operation with `start(handler)`, runs it to completion within the
  /// timeout and returns its error.
  template <class Start>
  boost::system::error_code run_bounded(Start&& start) {
    boost::system::error_code result = boost::asio::error::would_block;
    stream_->expires_after(timeout_);
    start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  void connect() {
    disconnect();
    boost::asio::ip::tcp::resolver resolver{io_};
    boost::system::error_code ec;
    const auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec)
      throw std::runtime_error("http_client: cannot resolve " + address() + ": " + ec.message());
    stream_.emplace(io_);
    ec = run_bounded([&](auto handler) { stream_->async_connect(endpoints, std::move(handler)); });
    if (ec) {
      stream_.reset();
      throw std::runtime_error("http_client: cannot connect to " + address() + ": " + ec.message());
    }
    ++connections_;
  }

  outcome_t exchange(http::request<http::string_body>& req) {
    outcome_t outcome;
    auto ec =
      run_bounded([&](auto handler) { http::async_write(*stream_, req, std::move(handler)); });
    if (ec) {
      outcome.error = "write: " + ec.message();
      outcome.timed_out = ec == boost::beast::error::timeout;
      disconnect();
      return outcome;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(req.method() == http::verb::head);
    ec = run_bounded(
      [&](auto handler) { http::async_read(*stream_, buffer_, parser, std::move(handler)); });
    if (ec) {
      outcome.error = "read: " + ec.message();
      outcome.timed_out = ec == boost::beast::error::timeout;
      outcome.got_bytes = parser.got_some();
      disconnect();
      return outcome;
    }
    outcome.response = parser.release();
    return outcome;
  }

  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  std::size_t connections_ = 0;
};

/// Connects to 127.0.0.1:`port`, sends `bytes` as they are, and returns everything the server
/// sends back until it closes the connection or `timeout` passes (then what arrived so far).
/// Throws std::runtime_error when it cannot connect.
inline std::string raw_exchange(std::uint16_t port, std::string_view bytes,
                                std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
  namespace net = boost::asio;
  net::io_context io;
  boost::beast::tcp_stream stream{io};
  stream.expires_after(timeout); // one deadline for the whole exchange
  boost::system::error_code ec = net::error::would_block;
  const auto store = [&ec](boost::system::error_code result, auto&&...) { ec = result; };

  stream.async_connect(net::ip::tcp::endpoint{net::ip::make_address("127.0.0.1"), port}, store);
  io.run();
  if (ec)
    throw std::runtime_error("raw_exchange: cannot connect to 127.0.0.1:" + std::to_string(port) +
                             ": " + ec.message());

  net::async_write(stream, net::buffer(bytes), store);
  io.restart();
  io.run(); // a failed write still lets us read what the server answered

  std::string received;
  std::array<char, 4096> chunk{};
  for (;;) {
    std::size_t got = 0;
    stream.async_read_some(net::buffer(chunk),
                           [&](boost::system::error_code result, std::size_t n) {
                             ec = result;
                             got = n;
                           });
    io.restart();
    io.run();
    received.append(chunk.data(), got);
    if (ec)
      return received;
  }
}

} // namespace refpoint::test
