#include "bench/soak/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace soak {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// Runs one asynchronous step to completion on `io` and returns its error.
template <class Start>
beast::error_code run_step(asio::io_context& io, Start start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

} // namespace

http_client::http_client(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

bool http_client::connect(std::string& error) {
  stream_.emplace(io_);
  buffer_.clear();
  const tcp::endpoint endpoint{asio::ip::make_address(host_), port_};
  stream_->expires_after(timeout_);
  const auto ec = run_step(io_, [&](auto handler) { stream_->async_connect(endpoint, handler); });
  if (ec) {
    error = "connect: " + ec.message();
    stream_.reset();
    return false;
  }
  stream_->socket().set_option(tcp::no_delay(true));
  return true;
}

reply http_client::send(http::verb method, const std::string& target, const std::string& body) {
  reply out;
  if (!stream_ && !connect(out.error))
    return out;

  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  req.keep_alive(true);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();

  http::response<http::string_body> res;
  stream_->expires_after(timeout_);
  auto ec = run_step(io_, [&](auto handler) { http::async_write(*stream_, req, handler); });
  if (!ec)
    ec = run_step(io_, [&](auto handler) { http::async_read(*stream_, buffer_, res, handler); });
  if (ec) {
    out.error = ec.message();
    stream_.reset();
    return out;
  }
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  if (!res.keep_alive())
    stream_.reset();
  return out;
}

} // namespace soak
