#pragma once
/// A synchronous HTTP/1.1 client for one refpoint server.
///
/// Sends one request at a time on one keep-alive connection; a GET or PUT on a connection
/// the server closed meanwhile is retried once on a new one. A POST or DELETE (which may
/// start a job) is never retried: it takes a new connection when the kept one has been
/// idle for more than half a second. Every step (resolve, connect, write,
/// read) is bounded by the timeout, so a silent server ends in a failure, never a hang.
/// An `https://` server is spoken to over TLS: the handshake, also bounded, checks its
/// certificate against the context's trusted CAs and the URL's host.
/// Not thread-safe: one client per thread.

#include "app/cli/server_url.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace boost::asio::ssl {
class context;
}

namespace refpoint::cli {

enum class http_method { get, post, put, del };

/// What the server answered, whatever the status.
struct http_reply {
  unsigned status = 0;
  std::string reason;       ///< the status line's reason ("Not Found")
  std::string content_type; ///< empty when absent
  std::string body;
};

/// Why no answer came (cannot resolve, connect, write or read; timeout).
struct transport_failure {
  std::string message;
};

class http_client {
public:
  /// `token`, when not empty, goes out as `Authorization: Bearer <token>` on every request.
  /// `tls` (`app/cli/tls.hpp`) is required for an `https://` server, ignored otherwise.
  http_client(server_url server, std::string token, std::chrono::milliseconds timeout,
              std::shared_ptr<boost::asio::ssl::context> tls = {});
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Sends `method target` (target: the path and query under the server's prefix, starting with
  /// '/'); a non-empty `json_body` is sent as `application/json`.
  std::variant<http_reply, transport_failure> send(http_method method, std::string_view target,
                                                   std::string_view json_body = {});

  const server_url& server() const;
  const std::string& token() const;
  std::chrono::milliseconds timeout() const;
  const std::shared_ptr<boost::asio::ssl::context>& tls() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace refpoint::cli
