#include "web/http_server.hpp"

#include "web/listener.hpp"

namespace refpoint::web {

http_server::http_server(boost::asio::io_context& io, server_limits limits, request_handler handler,
                         upgrade_handler upgrade, std::shared_ptr<boost::asio::ssl::context> tls)
    : listener_(std::make_shared<listener>(io, limits, std::move(handler), std::move(upgrade),
                                           std::move(tls))) {}

http_server::~http_server() {
  if (!listener_->stopping())
    listener_->stop({});
}

std::optional<std::string> http_server::listen(const std::string& host, std::uint16_t port) {
  return listener_->listen(host, port);
}

std::uint16_t http_server::port() const {
  return listener_->port();
}

void http_server::stop(std::function<void()> on_drained) {
  listener_->stop(std::move(on_drained));
}

std::size_t http_server::active_connections() const {
  return listener_->active_connections();
}

} // namespace refpoint::web
