#include "web/listener.hpp"

#include "web/http_session.hpp"
#include "web/problem.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace refpoint::web {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

/// How long to wait before accepting again after a failed accept (e.g. out of descriptors).
constexpr std::chrono::milliseconds accept_retry_delay{100};

std::string describe_address(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

} // namespace

listener::listener(net::io_context& io, server_limits limits, request_handler handler,
                   upgrade_handler upgrade, std::shared_ptr<net::ssl::context> tls)
    : io_(io), limits_(limits), handler_(std::move(handler)), upgrade_(std::move(upgrade)),
      tls_(std::move(tls)), acceptor_(net::make_strand(io)),
      retry_timer_(acceptor_.get_executor()) {}

std::optional<std::string> listener::listen(const std::string& host, std::uint16_t port) {
  const std::string where = describe_address(host, port);
  boost::system::error_code ec;

  tcp::endpoint endpoint;
  const auto address = net::ip::make_address(host, ec);
  if (!ec) {
    endpoint = tcp::endpoint{address, port};
  } else {
    tcp::resolver resolver{io_};
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty())
      return "cannot resolve host \"" + host + "\": " + ec.message();
    endpoint = results.begin()->endpoint();
  }

  const auto fail = [&](boost::system::error_code error) -> std::optional<std::string> {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    if (error == net::error::address_in_use)
      return "address " + where + " is already in use";
    return "cannot listen on " + where + ": " + error.message();
  };

  acceptor_.open(endpoint.protocol(), ec);
  if (ec)
    return fail(ec);
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec)
    return fail(ec);
  acceptor_.bind(endpoint, ec);
  if (ec)
    return fail(ec);
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return fail(ec);
  const auto local = acceptor_.local_endpoint(ec);
  if (ec)
    return fail(ec);
  port_ = local.port();

  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&listener::do_accept, shared_from_this()));
  return std::nullopt;
}

void listener::stop(std::function<void()> on_drained) {
  std::vector<std::shared_ptr<http_session_base>> open;
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
    if (on_drained)
      drained_callbacks_.push_back(std::move(on_drained));
    for (const auto& [key, weak] : sessions_)
      if (auto session = weak.lock())
        open.push_back(std::move(session));
    if (sessions_.empty())
      ready.swap(drained_callbacks_);
  }
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
  for (const auto& session : open)
    session->shutdown();
  run_drained(std::move(ready));
}

std::size_t listener::active_connections() const {
  std::lock_guard lock{mutex_};
  return sessions_.size();
}

void listener::on_session_end(const http_session_base* session) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock{mutex_};
    if (sessions_.erase(session) == 0)
      return;
    if (stopping_ && sessions_.empty())
      ready.swap(drained_callbacks_);
  }
  run_drained(std::move(ready));
}

void listener::do_accept() {
  if (stopping())
    return;
  acceptor_.async_accept(net::make_strand(io_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || stopping())
    return;
  if (ec)
    return do_retry_accept();
  if (tls_)
    admit(std::make_shared<http_session<tls_stream>>(std::move(socket), shared_from_this()));
  else
    admit(std::make_shared<http_session<plain_stream>>(std::move(socket), shared_from_this()));
}

void listener::admit(std::shared_ptr<http_session_base> session) {
  bool admitted = false;
  {
    std::lock_guard lock{mutex_};
    if (stopping_)
      return;
    admitted = sessions_.size() < limits_.max_connections;
    if (admitted)
      sessions_.emplace(session.get(), session);
  }
  if (admitted)
    session->run();
  else
    session->refuse(make_problem(http::status::service_unavailable,
                                 "the server has reached its limit of " +
                                   std::to_string(limits_.max_connections) + " connections"));
  do_accept();
}

void listener::do_retry_accept() {
  retry_timer_.expires_after(accept_retry_delay);
  retry_timer_.async_wait(
    beast::bind_front_handler(&listener::on_retry_accept, shared_from_this()));
}

void listener::on_retry_accept(boost::system::error_code ec) {
  if (ec)
    return;
  do_accept();
}

void listener::run_drained(std::vector<std::function<void()>> callbacks) {
  for (auto& callback : callbacks)
    net::post(io_, std::move(callback));
}

} // namespace refpoint::web
