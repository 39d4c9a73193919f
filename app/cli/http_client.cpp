#include "app/cli/http_client.hpp"

#include "app/cli/tls.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <optional>
#include <variant>

namespace refpoint::cli {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

constexpr std::uint64_t body_limit = 256u * 1024u * 1024u;

http::verb verb_of(http_method method) {
  switch (method) {
  case http_method::get:
    return http::verb::get;
  case http_method::post:
    return http::verb::post;
  case http_method::put:
    return http::verb::put;
  case http_method::del:
    return http::verb::delete_;
  }
  return http::verb::get;
}

/// One attempt's result: a response, or what failed and whether the server had said anything.
struct attempt {
  std::optional<http::response<http::string_body>> response;
  std::string error;
  bool got_bytes = false;
  bool timed_out = false;
};

} // namespace

struct http_client::impl {
  server_url server;
  std::string token;
  std::chrono::milliseconds timeout;
  std::shared_ptr<net::ssl::context> tls;
  net::io_context io;
  /// Open while keep-alive holds: plain, or TLS for an https server.
  std::optional<std::variant<beast::tcp_stream, tls_stream>> stream;
  std::chrono::steady_clock::time_point last_used{}; ///< of `stream`, by the last answer
  beast::flat_buffer buffer;

  impl(server_url s, std::string t, std::chrono::milliseconds limit,
       std::shared_ptr<net::ssl::context> context)
      : server(std::move(s)), token(std::move(t)), timeout(limit), tls(std::move(context)) {}

  std::string address() const { return server.authority; }

  beast::tcp_stream& tcp() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); },
                      *stream);
  }

  /// Runs the operation `start(handler)` starts to completion, bounded by the timeout.
  template <class Start>
  beast::error_code run_bounded(Start&& start) {
    beast::error_code result = net::error::would_block;
    tcp().expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  void disconnect() {
    if (stream) {
      beast::error_code ignored;
      tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
      tcp().close();
    }
    stream.reset();
    buffer.clear();
  }

  /// Opens a connection; answers an error message, or an empty string on success.
  std::string connect() {
    disconnect();
    net::ip::tcp::resolver resolver{io};
    beast::error_code ec;
    const auto endpoints = resolver.resolve(server.host, server.port, ec);
    if (ec)
      return "cannot resolve " + server.host + ": " + ec.message();
    if (server.tls)
      stream.emplace(std::in_place_type<tls_stream>, io, *tls);
    else
      stream.emplace(std::in_place_type<beast::tcp_stream>, io);
    ec = run_bounded([&](auto handler) { tcp().async_connect(endpoints, std::move(handler)); });
    if (ec) {
      stream.reset();
      return "cannot connect to " + address() + ": " +
             (ec == beast::error::timeout ? std::string{"timed out"} : ec.message());
    }
    if (server.tls)
      if (auto error = client_handshake(io, std::get<tls_stream>(*stream), server, timeout);
          !error.empty()) {
        disconnect();
        return error;
      }
    return {};
  }

  attempt exchange(http::request<http::string_body>& req) {
    attempt out;
    auto ec = run_bounded([&](auto handler) {
      std::visit([&](auto& s) { http::async_write(s, req, std::move(handler)); }, *stream);
    });
    if (ec) {
      out.error = "sending the request to " + address() + " failed: " + ec.message();
      out.timed_out = ec == beast::error::timeout;
      disconnect();
      return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    ec = run_bounded([&](auto handler) {
      std::visit([&](auto& s) { http::async_read(s, buffer, parser, std::move(handler)); },
                 *stream);
    });
    if (ec) {
      out.error =
        ec == beast::error::timeout
          ? address() + " did not answer within " + std::to_string(timeout.count() / 1000) + " s"
          : "reading the answer from " + address() + " failed: " + ec.message();
      out.got_bytes = parser.got_some();
      out.timed_out = ec == beast::error::timeout;
      disconnect();
      return out;
    }
    out.response = parser.release();
    return out;
  }
};

http_client::http_client(server_url server, std::string token, std::chrono::milliseconds timeout,
                         std::shared_ptr<net::ssl::context> tls)
    : impl_(std::make_unique<impl>(std::move(server), std::move(token), timeout, std::move(tls))) {}

http_client::~http_client() {
  impl_->disconnect();
}

const server_url& http_client::server() const {
  return impl_->server;
}

const std::string& http_client::token() const {
  return impl_->token;
}

std::chrono::milliseconds http_client::timeout() const {
  return impl_->timeout;
}

const std::shared_ptr<net::ssl::context>& http_client::tls() const {
  return impl_->tls;
}

std::variant<http_reply, transport_failure>
http_client::send(http_method method, std::string_view target, std::string_view json_body) {
  auto& s = *impl_;
  http::request<http::string_body> req{verb_of(method), s.server.prefix + std::string{target}, 11};
  req.set(http::field::host, s.server.authority);
  req.set(http::field::user_agent, "refpoint-cli/" REFPOINT_VERSION);
  req.set(http::field::accept, "application/json");
  if (!s.token.empty())
    req.set(http::field::authorization, "Bearer " + s.token);
  if (!json_body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::string{json_body};
  }
  req.prepare_payload();

  // A POST or DELETE starts a job: sent twice, it could start two. It never goes out on a
  // connection that may have been closed while idle, so it never needs the retry below.
  const bool idempotent = method == http_method::get || method == http_method::put;
  if (!idempotent && s.stream &&
      std::chrono::steady_clock::now() - s.last_used > std::chrono::milliseconds{500})
    s.disconnect();
  const bool reused = s.stream.has_value();
  if (!reused)
    if (auto error = s.connect(); !error.empty())
      return transport_failure{std::move(error)};
  auto outcome = s.exchange(req);
  if (!outcome.response && idempotent && reused && !outcome.got_bytes && !outcome.timed_out) {
    // The server closed the idle keep-alive connection: try once on a fresh one.
    if (auto error = s.connect(); !error.empty())
      return transport_failure{std::move(error)};
    outcome = s.exchange(req);
  }
  if (!outcome.response)
    return transport_failure{std::move(outcome.error)};
  s.last_used = std::chrono::steady_clock::now();
  auto& res = *outcome.response;
  if (!res.keep_alive())
    s.disconnect();
  return http_reply{res.result_int(), std::string{res.reason()},
                    std::string{res[http::field::content_type]}, std::move(res.body())};
}

} // namespace refpoint::cli
