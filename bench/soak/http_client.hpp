#pragma once
/// A blocking HTTP/1.1 client for the soak driver: one keep-alive connection, every step
/// bounded by a timeout, reconnecting on the next call after any failure (the server is
/// restarted under it all the time).

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace soak {

/// A response, or `status` 0 when none arrived (`error` says why).
struct reply {
  int status = 0;
  std::string body;
  std::string error;
};

class http_client {
public:
  http_client(std::string host, std::uint16_t port,
              std::chrono::milliseconds timeout = std::chrono::seconds{15});

  /// Sends one request (a JSON body when `body` is not empty) and waits for its answer.
  reply send(boost::beast::http::verb method, const std::string& target,
             const std::string& body = {});

private:
  bool connect(std::string& error);

  boost::asio::io_context io_;
  const std::string host_;
  const std::uint16_t port_;
  const std::chrono::milliseconds timeout_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

} // namespace soak
