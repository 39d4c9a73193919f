/// bench_ws_broadcaster: a bare Boost.Beast WebSocket server on one I/O thread that
/// broadcasts event-shaped JSON text messages (about 265 bytes, `time` = when the message
/// was made) to every connected client as fast as it can. It is the denominator of the
/// WebSocket fan-out figure in docs/PERFORMANCE.md.
///
/// Fairness: every client has an outgoing queue of at most QUEUE messages. A message is
/// made once, shared by every queue, and made only while no queue is full, so the
/// broadcaster runs at the pace of the slowest client and never drops a message.
/// With RATE > 0 it makes at most RATE messages per second instead (a steady pace, to
/// measure latency below saturation); RATE 0 means as fast as it can.
///
/// Usage: bench_ws_broadcaster [PORT [CLIENTS [QUEUE [RATE]]]]   (defaults: 0, 1000, 64, 0)
/// Accepts WebSocket upgrades on any path; starts broadcasting once CLIENTS clients have
/// connected, and goes on while at least one is connected. Prints
/// "listening on http://127.0.0.1:PORT" once ready; exits on SIGTERM or SIGINT.

#include "bench/event_text.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using message_ptr = std::shared_ptr<const std::string>;

class hub;

/// One client: a WebSocket stream, its bounded queue of shared messages and a read loop
/// that only notices the close.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, hub& owner) : ws_(std::move(socket)), hub_(owner) {}

  void start();
  bool full() const;
  /// Queues `message`; answers true when that filled the queue.
  bool push(const message_ptr& message);

private:
  void read();
  void write();
  void on_write(beast::error_code ec);
  void close();

  websocket::stream<beast::tcp_stream> ws_;
  hub& hub_;
  beast::flat_buffer buffer_;
  std::deque<message_ptr> queue_;
  bool writing_ = false;
  bool open_ = false;
};

/// The set of connected clients and the producer that feeds them.
class hub {
public:
  hub(asio::io_context& io, std::size_t clients, std::size_t queue, double rate)
      : io_(io), start_after_(clients), queue_limit_(queue), timer_(io),
        interval_(rate > 0 ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(1.0 / rate))
                           : std::chrono::steady_clock::duration::zero()) {}

  std::size_t queue_limit() const { return queue_limit_; }

  void add(const std::shared_ptr<session>& s) {
    sessions_.push_back(s);
    if (sessions_.size() >= start_after_ && !started_) {
      started_ = true;
      std::cerr << "bench_ws_broadcaster: " << sessions_.size() << " clients, broadcasting"
                << std::endl;
      if (paced()) {
        next_tick_ = std::chrono::steady_clock::now();
        tick();
      }
    }
    schedule();
  }

  void remove(const session* s) {
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
      if (sessions_[i].get() != s)
        continue;
      if (s->full())
        --full_;
      sessions_[i] = sessions_.back();
      sessions_.pop_back();
      break;
    }
    schedule();
  }

  /// A queue went from full to not full.
  void drained() {
    --full_;
    schedule();
  }

private:
  bool paced() const { return interval_ != std::chrono::steady_clock::duration::zero(); }

  bool can_produce() const {
    return started_ && full_ == 0 && !sessions_.empty() && (!paced() || due_);
  }

  /// Paced mode: a message is due every interval. Missed ticks are not made up for (no
  /// catch-up bursts), so the pace never exceeds RATE.
  void tick() {
    due_ = true;
    next_tick_ = std::max(next_tick_ + interval_, std::chrono::steady_clock::now());
    timer_.expires_at(next_tick_);
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec)
        tick();
    });
    schedule();
  }

  /// Makes the next message soon, unless a queue is full, nobody listens or (paced) none
  /// is due.
  void schedule() {
    if (pending_ || !can_produce())
      return;
    pending_ = true;
    asio::post(io_, [this] {
      pending_ = false;
      produce();
    });
  }

  void produce() {
    if (!can_produce())
      return;
    due_ = false;
    auto message = std::make_shared<const std::string>(bench::event_text(++cursor_));
    for (const auto& s : sessions_)
      if (s->push(message))
        ++full_;
    schedule();
  }

  asio::io_context& io_;
  std::size_t start_after_;
  std::size_t queue_limit_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::duration interval_; // zero: as fast as possible
  std::chrono::steady_clock::time_point next_tick_;
  std::vector<std::shared_ptr<session>> sessions_;
  std::size_t full_ = 0; // sessions whose queue is full
  bool due_ = false;     // paced mode: a message is due but not made yet
  std::uint64_t cursor_ = 0;
  bool started_ = false;
  bool pending_ = false;
};

void session::start() {
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
    if (ec)
      return;
    self->open_ = true;
    self->ws_.text(true);
    self->hub_.add(self);
    self->read();
  });
}

bool session::full() const {
  return queue_.size() >= hub_.queue_limit();
}

bool session::push(const message_ptr& message) {
  queue_.push_back(message);
  if (!writing_)
    write();
  return full();
}

void session::read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      self->close();
      return;
    }
    self->buffer_.clear();
    self->read();
  });
}

void session::write() {
  writing_ = true;
  ws_.async_write(
    asio::buffer(*queue_.front()),
    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
}

void session::on_write(beast::error_code ec) {
  writing_ = false;
  if (ec || !open_) {
    close();
    return;
  }
  const bool was_full = full();
  queue_.pop_front();
  if (!queue_.empty())
    write();
  if (was_full && open_)
    hub_.drained();
}

void session::close() {
  if (!open_)
    return;
  open_ = false;
  hub_.remove(this); // the queue stays until the write in flight, if any, completes
}

void accept(tcp::acceptor& acceptor, hub& clients) {
  acceptor.async_accept([&acceptor, &clients](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted)
      return;
    if (!ec) // default socket options (Nagle on), as refpointd's event sessions have
      std::make_shared<session>(std::move(socket), clients)->start();
    accept(acceptor, clients);
  });
}

unsigned long arg(int argc, char** argv, int i, unsigned long fallback) {
  return argc > i ? std::strtoul(argv[i], nullptr, 10) : fallback;
}

} // namespace

int main(int argc, char** argv) {
  const unsigned long port = arg(argc, argv, 1, 0);
  const unsigned long clients = arg(argc, argv, 2, 1000);
  const unsigned long queue = arg(argc, argv, 3, 64);
  const double rate = argc > 4 ? std::strtod(argv[4], nullptr) : 0.0;
  if (port > 65535UL || clients == 0 || queue == 0 || !(rate >= 0.0)) {
    std::cerr << "usage: bench_ws_broadcaster [PORT [CLIENTS [QUEUE [RATE]]]]\n";
    return 2;
  }
  asio::io_context io{1};
  tcp::acceptor acceptor{io,
                         {asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)}};
  asio::signal_set signals{io, SIGTERM, SIGINT};
  signals.async_wait([&](beast::error_code, int) { io.stop(); });
  hub clients_hub{io, clients, queue, rate};
  accept(acceptor, clients_hub);
  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  io.run();
  return 0;
}
