#pragma once

#include "web/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace refpoint::web {

class http_session_base;

/// Accepts connections and keeps the state every session shares: limits, handlers, the TLS
/// context, the registry of open sessions and the stopping flag. Owned by `http_server` and by
/// every session, so it outlives all of them.
///
/// Threading: the acceptor lives on its own strand. `listen` is called once by the owner;
/// `stop`, `port`, `active_connections`, `stopping` and `on_session_end` may be called from any
/// thread. `limits`, the handlers and the TLS context are constant after construction.
class listener : public std::enable_shared_from_this<listener> {
public:
  listener(boost::asio::io_context& io, server_limits limits, request_handler handler,
           upgrade_handler upgrade, std::shared_ptr<boost::asio::ssl::context> tls);

  /// See `http_server::listen`.
  std::optional<std::string> listen(const std::string& host, std::uint16_t port);
  /// See `http_server::stop`; later calls add their callback to the same drain.
  void stop(std::function<void()> on_drained);

  std::uint16_t port() const { return port_.load(); }
  std::size_t active_connections() const;
  bool stopping() const { return stopping_.load(); }
  const server_limits& limits() const { return limits_; }
  const request_handler& handler() const { return handler_; }
  const upgrade_handler& upgrade() const { return upgrade_; }
  /// The context of TLS connections; null when the server speaks plain HTTP.
  boost::asio::ssl::context* tls() const { return tls_.get(); }

  /// Called when a session's connection ends (again harmless): forgets it, and completes a drain
  /// when it was the last.
  void on_session_end(const http_session_base* session);

private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void admit(std::shared_ptr<http_session_base> session);
  void do_retry_accept();
  void on_retry_accept(boost::system::error_code ec);
  void run_drained(std::vector<std::function<void()>> callbacks);

  // Constant after construction.
  boost::asio::io_context& io_;
  const server_limits limits_;
  const request_handler handler_;
  const upgrade_handler upgrade_;
  const std::shared_ptr<boost::asio::ssl::context> tls_;

  // Touched only on the acceptor's strand (and by `listen` before accepting starts).
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;

  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> stopping_{false};

  // Protected by mutex_.
  mutable std::mutex mutex_;
  std::unordered_map<const http_session_base*, std::weak_ptr<http_session_base>> sessions_;
  std::vector<std::function<void()>> drained_callbacks_;
};

} // namespace refpoint::web
