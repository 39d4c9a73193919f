/// bench_beast_baseline: a bare Boost.Beast HTTP/1.1 keep-alive server on one I/O thread.
/// Answers every request (any method, any target) with a fixed small JSON body. It is the
/// denominator of the HTTP figures in docs/PERFORMANCE.md.
///
/// Usage: bench_beast_baseline [PORT]   (default 0: any free port)
/// Prints "listening on http://127.0.0.1:PORT" once ready; exits on SIGTERM or SIGINT.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr const char* fixed_body =
  R"({"id":"00000000-0000-0000-0000-000000000000","state":"completed"})";

/// One keep-alive connection: read a request, write the fixed answer, repeat.
class session : public std::enable_shared_from_this<session> {
public:
  explicit session(tcp::socket socket) : stream_(std::move(socket)) {}

  void start() { read(); }

private:
  void read() {
    request_ = {};
    http::async_read(
      stream_, buffer_, request_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    response_ = {};
    response_.result(http::status::ok);
    response_.version(request_.version());
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(request_.keep_alive());
    response_.body() = fixed_body;
    response_.prepare_payload();
    http::async_write(
      stream_, response_,
      [self = shared_from_this()](beast::error_code wec, std::size_t) { self->on_write(wec); });
  }

  void on_write(beast::error_code ec) {
    if (ec || !response_.keep_alive()) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    read();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

void accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) {
      return;
    }
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<session>(std::move(socket))->start();
    }
    accept(acceptor);
  });
}

} // namespace

int main(int argc, char** argv) {
  unsigned long port_arg = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 0UL;
  if (port_arg > 65535UL) {
    std::cerr << "bench_beast_baseline: bad port\n";
    return 2;
  }
  asio::io_context ioc{1};
  tcp::acceptor acceptor{
    ioc, {asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port_arg)}};
  asio::signal_set signals{ioc, SIGTERM, SIGINT};
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
  accept(acceptor);
  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  ioc.run();
  return 0;
}
