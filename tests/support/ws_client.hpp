#pragma once

// A small WebSocket client for event-stream tests: connects and upgrades synchronously, then
// a reader thread queues every text message; `next` waits for one with a timeout, so a silent
// server fails the test instead of hanging it. Pings from the server are counted.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <utility>
#include <vector>

namespace refpoint::test {

struct ws_options {
  std::vector<std::pair<std::string, std::string>> headers; ///< added to the upgrade request
  int receive_buffer = 0; ///< SO_RCVBUF before connecting; 0: the system's
  bool read_now = true;   ///< false: messages stay unread until `start_reading`
};

class ws_client {
public:
  /// Upgrades `target` on 127.0.0.1:`port`. A refused upgrade leaves `status()` at the HTTP
  /// status the server answered and `connected()` false.
  ws_client(std::uint16_t port, const std::string& target, ws_options options = {}) : ws_(io_) {
    namespace ws = boost::beast::websocket;
    auto& socket = ws_.next_layer();
    const boost::asio::ip::tcp::endpoint server{boost::asio::ip::make_address("127.0.0.1"), port};
    socket.open(server.protocol());
    if (options.receive_buffer > 0)
      socket.set_option(boost::asio::socket_base::receive_buffer_size(options.receive_buffer));
    socket.connect(server);
    ws_.set_option(ws::stream_base::decorator([headers = options.headers](ws::request_type& req) {
      for (const auto& [name, value] : headers)
        req.set(name, value);
    }));
    ws_.control_callback([this](ws::frame_type kind, boost::beast::string_view) {
      if (kind == ws::frame_type::ping)
        ++pings_;
    });
    ws::response_type res;
    boost::beast::error_code ec;
    ws_.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
    status_ = res.result_int();
    if (ec)
      return;
    connected_ = true;
    if (options.read_now)
      start_reading();
  }

  ~ws_client() {
    if (connected_)
      ::shutdown(ws_.next_layer().native_handle(), SHUT_RDWR); // unblocks the reader
    if (reader_.joinable())
      reader_.join();
  }

  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  bool connected() const { return connected_; }
  unsigned status() const { return status_; }

  void start_reading() {
    reader_ = std::thread{[this] { read_loop(); }};
  }

  /// The next message, or nullopt when none comes within `timeout` (or the stream closed).
  std::optional<std::string> next(std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    std::unique_lock lock{mutex_};
    cv_.wait_for(lock, timeout, [&] { return !messages_.empty() || closed_; });
    if (messages_.empty())
      return std::nullopt;
    auto text = std::move(messages_.front());
    messages_.pop_front();
    return text;
  }

  /// Waits until the server ended the stream; true when it did within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout) {
    std::unique_lock lock{mutex_};
    return cv_.wait_for(lock, timeout, [&] { return closed_; });
  }

  /// The close code the server sent (0: none, e.g. the connection just dropped).
  std::uint16_t close_code() {
    std::lock_guard lock{mutex_};
    return close_code_;
  }

  std::size_t pings() const { return pings_.load(); }

private:
  void read_loop() {
    namespace ws = boost::beast::websocket;
    while (true) {
      boost::beast::flat_buffer buffer;
      boost::beast::error_code ec;
      ws_.read(buffer, ec);
      std::lock_guard lock{mutex_};
      if (ec) {
        if (ec == ws::error::closed)
          close_code_ = ws_.reason().code;
        closed_ = true;
        cv_.notify_all();
        return;
      }
      messages_.push_back(boost::beast::buffers_to_string(buffer.data()));
      cv_.notify_all();
    }
  }

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  unsigned status_ = 0;
  bool connected_ = false;
  std::thread reader_;
  std::atomic<std::size_t> pings_{0};

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> messages_;
  bool closed_ = false;
  std::uint16_t close_code_ = 0;
};

} // namespace refpoint::test
