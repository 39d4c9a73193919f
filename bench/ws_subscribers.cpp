/// bench_ws_subscribers: opens N WebSocket connections to one URL and, for a fixed time,
/// counts the event messages they receive and how old each one is. The receiving side of
/// the WebSocket fan-out figure in docs/PERFORMANCE.md.
///
/// All connections share one io_context on one thread. Latency = wall-clock time of
/// receipt - the message's `"time":"..."` (ISO-8601 UTC), found by a string search;
/// messages without a `time` (such as `stream.caughtUp`) are not counted.
///
/// Usage: bench_ws_subscribers ws://HOST:PORT/PATH[?QUERY] [N [SECONDS [WARMUP]]]
///        (defaults: N=1000, SECONDS=10, WARMUP=1)
/// Connects all N (at most 64 handshakes at a time), prints "connected N" on stdout, waits
/// WARMUP seconds, then measures for SECONDS and prints, as its last line,
/// `connections=N seconds=S deliveries=D deliveries_per_s=R p50_ms=X p99_ms=Y max_ms=Z
/// closed=C`. Exits with 1, printing the reason, when not every connection could be made.

#include "bench/iso_time.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using bench_clock = std::chrono::steady_clock;

constexpr std::size_t max_handshakes_in_flight = 64;

struct target_url {
  std::string host;
  std::string port;
  std::string target; ///< path and query
};

/// Splits "ws://HOST:PORT/PATH?QUERY"; nothing for anything else.
std::optional<target_url> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "ws://";
  if (!url.starts_with(scheme))
    return std::nullopt;
  url.remove_prefix(scheme.size());
  const auto slash = url.find('/');
  const auto authority = url.substr(0, slash);
  const auto colon = authority.rfind(':');
  if (authority.empty() || colon == std::string_view::npos || colon + 1 == authority.size())
    return std::nullopt;
  return target_url{std::string{authority.substr(0, colon)},
                    std::string{authority.substr(colon + 1)},
                    slash == std::string_view::npos ? "/" : std::string{url.substr(slash)}};
}

/// Lets this process hold `needed` descriptors if the hard limit allows it.
void raise_fd_limit(rlim_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed)
    return;
  limit.rlim_cur = std::min(needed, limit.rlim_max);
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < needed)
    std::cerr << "bench_ws_subscribers: only " << limit.rlim_cur << " file descriptors\n";
}

/// What every connection reports into.
struct tally {
  bool measuring = false;
  std::uint64_t deliveries = 0;
  std::uint64_t closed = 0;
  std::vector<std::int64_t> latencies_us;

  void on_message(std::string_view text) {
    if (!measuring)
      return;
    constexpr std::string_view key = R"("time":")";
    const auto at = text.find(key);
    if (at == std::string_view::npos)
      return; // stream.caughtUp and the like
    const auto start = at + key.size();
    const auto end = text.find('"', start);
    if (end == std::string_view::npos)
      return;
    const auto sent = bench::parse_iso_utc(text.substr(start, end - start));
    if (!sent)
      return;
    ++deliveries;
    latencies_us.push_back(bench::wall_clock_us() - *sent);
  }
};

/// One WebSocket connection that reads until it is closed.
class subscriber : public std::enable_shared_from_this<subscriber> {
public:
  subscriber(asio::io_context& io, tally& t) : ws_(io), tally_(t) {}

  /// Connects and upgrades; calls `done(error)` once, then reads for ever.
  template <class Done>
  void start(const tcp::resolver::results_type& endpoints, const target_url& url, Done done) {
    beast::get_lowest_layer(ws_).async_connect(
      endpoints, [self = shared_from_this(), url, done](beast::error_code ec,
                                                        const tcp::endpoint& peer) mutable {
        if (ec) {
          done(ec);
          return;
        }
        beast::get_lowest_layer(self->ws_).socket().set_option(tcp::no_delay(true));
        self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        const auto host = url.host + ":" + std::to_string(peer.port());
        self->ws_.async_handshake(host, url.target, [self, done](beast::error_code hec) mutable {
          done(hec);
          if (!hec)
            self->read();
        });
      });
  }

private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        ++self->tally_.closed;
        return;
      }
      const auto data = self->buffer_.cdata();
      self->tally_.on_message({static_cast<const char*>(data.data()), data.size()});
      self->buffer_.clear();
      self->read();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  tally& tally_;
  beast::flat_buffer buffer_;
};

/// Opens the connections, at most `max_handshakes_in_flight` at a time.
class connector {
public:
  connector(asio::io_context& io, tcp::resolver::results_type endpoints, target_url url,
            std::size_t n, tally& t)
      : io_(io), endpoints_(std::move(endpoints)), url_(std::move(url)), n_(n), tally_(t) {}

  /// Calls `done(error)` once every connection is made or the first one failed.
  template <class Done>
  void run(Done done) {
    done_ = std::move(done);
    for (std::size_t i = 0; i < std::min(n_, max_handshakes_in_flight); ++i)
      next();
  }

  std::size_t connected() const { return connected_; }

private:
  void next() {
    if (started_ == n_ || failed_)
      return;
    ++started_;
    auto s = std::make_shared<subscriber>(io_, tally_);
    subscribers_.push_back(s);
    s->start(endpoints_, url_, [this](beast::error_code ec) {
      if (failed_)
        return;
      if (ec) {
        failed_ = true;
        done_(ec);
        return;
      }
      if (++connected_ == n_)
        done_(ec);
      next();
    });
  }

  asio::io_context& io_;
  tcp::resolver::results_type endpoints_;
  target_url url_;
  std::size_t n_;
  tally& tally_;
  std::vector<std::shared_ptr<subscriber>> subscribers_;
  std::function<void(beast::error_code)> done_;
  std::size_t started_ = 0;
  std::size_t connected_ = 0;
  bool failed_ = false;
};

double percentile_ms(std::vector<std::int64_t>& values, double fraction) {
  if (values.empty())
    return 0.0;
  const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank),
                   values.end());
  return static_cast<double>(values[rank]) / 1000.0;
}

void report(tally& t, std::size_t n, double seconds) {
  const auto count = t.latencies_us.size();
  const double max_ms =
    count == 0
      ? 0.0
      : static_cast<double>(*std::max_element(t.latencies_us.begin(), t.latencies_us.end())) /
          1000.0;
  const double p50 = percentile_ms(t.latencies_us, 0.50);
  const double p99 = percentile_ms(t.latencies_us, 0.99);
  std::printf("connections=%zu seconds=%.2f deliveries=%llu deliveries_per_s=%.0f p50_ms=%.2f "
              "p99_ms=%.2f max_ms=%.2f closed=%llu\n",
              n, seconds, static_cast<unsigned long long>(t.deliveries),
              static_cast<double>(t.deliveries) / seconds, p50, p99, max_ms,
              static_cast<unsigned long long>(t.closed));
}

} // namespace

int main(int argc, char** argv) {
  const auto url = argc > 1 ? parse_url(argv[1]) : std::nullopt;
  const unsigned long n = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  const double seconds = argc > 3 ? std::strtod(argv[3], nullptr) : 10.0;
  const double warmup = argc > 4 ? std::strtod(argv[4], nullptr) : 1.0;
  if (!url || n == 0 || !(seconds > 0.0) || warmup < 0.0) {
    std::cerr << "usage: bench_ws_subscribers ws://HOST:PORT/PATH [N [SECONDS [WARMUP]]]\n";
    return 2;
  }
  raise_fd_limit(static_cast<rlim_t>(n) + 64);

  asio::io_context io{1};
  beast::error_code ec;
  auto endpoints = tcp::resolver{io}.resolve(url->host, url->port, ec);
  if (ec) {
    std::cerr << "bench_ws_subscribers: cannot resolve " << url->host << ": " << ec.message()
              << "\n";
    return 1;
  }
  tally t;
  t.latencies_us.reserve(1u << 20);
  connector conn{io, endpoints, *url, n, t};
  asio::steady_timer timer{io};
  int status = 0;
  double measured = 0.0;
  conn.run([&](beast::error_code cec) {
    if (cec) {
      std::cerr << "bench_ws_subscribers: cannot connect to " << argv[1] << " (after "
                << conn.connected() << " connections): " << cec.message() << "\n";
      status = 1;
      io.stop();
      return;
    }
    std::cout << "connected " << n << std::endl;
    timer.expires_after(
      std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(warmup)));
    timer.async_wait([&](beast::error_code) {
      t.measuring = true;
      const auto start = bench_clock::now();
      timer.expires_after(
        std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(seconds)));
      timer.async_wait([&, start](beast::error_code) {
        t.measuring = false;
        measured = std::chrono::duration<double>(bench_clock::now() - start).count();
        io.stop();
      });
    });
  });
  io.run();
  if (status != 0)
    return status;
  report(t, n, measured);
  return 0;
}
