#include "bench/soak/stream_subscriber.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <random>
#include <thread>
#include <unordered_map>

namespace soak {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto io_slice = 200ms;
constexpr auto reconnect_delay = 200ms;

/// What the soak reads of an event message (empty when absent).
struct message {
  std::string type;
  std::string cursor;
  std::string resource_id; ///< `id` of the resource it carries
  bool member = false;     ///< a reference point of a collection reference point
};

message parse_message(std::string_view text) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  message out;
  if (ec || !value.is_object())
    return out;
  const auto& object = value.get_object();
  if (const auto* type = object.if_contains("type"); type && type->is_string())
    out.type = type->get_string();
  if (const auto* cursor = object.if_contains("cursor"); cursor && cursor->is_string())
    out.cursor = cursor->get_string();
  for (const auto key : {"referencePoint", "collectionReferencePoint"})
    if (const auto* resource = object.if_contains(key); resource && resource->is_object()) {
      const auto& fields = resource->get_object();
      if (const auto* id = fields.if_contains("id"); id && id->is_string())
        out.resource_id = id->get_string();
      const auto* parent = fields.if_contains("collectionReferencePointId");
      out.member = parent && parent->is_string();
    }
  return out;
}

/// A WebSocket connection driven one bounded slice at a time, so that `stop` is seen.
class connection {
public:
  explicit connection(asio::io_context& io) : io_(io), ws_(io) {}

  beast::error_code open(std::uint16_t port, const std::string& target) {
    const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), port};
    beast::get_lowest_layer(ws_).expires_after(5s);
    auto ec =
      wait([&](auto handler) { beast::get_lowest_layer(ws_).async_connect(endpoint, handler); });
    if (!ec)
      ec = wait([&](auto handler) {
        ws_.async_handshake("127.0.0.1:" + std::to_string(port), target, handler);
      });
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    return ec;
  }

  /// The next message in `text`, an error, or `would_block` when `stop` was set first.
  beast::error_code read(std::string& text, const std::atomic<bool>& stop) {
    buffer_.clear();
    bool done = false;
    beast::error_code result;
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
      done = true;
      result = ec;
    });
    io_.restart();
    while (!done && !stop)
      if (io_.run_for(io_slice) == 0 && io_.stopped())
        io_.restart();
    if (!done) {
      close();
      return asio::error::would_block;
    }
    text = beast::buffers_to_string(buffer_.cdata());
    return result;
  }

  /// Closes the socket at once and lets cancelled operations finish.
  void close() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    io_.restart();
    io_.run();
  }

  websocket::close_reason reason() const { return ws_.reason(); }

private:
  template <class Start>
  beast::error_code wait(Start start) {
    beast::error_code result = asio::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  asio::io_context& io_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

} // namespace

std::string_view to_string(pace p) {
  switch (p) {
  case pace::steady:
    return "steady";
  case pace::lagging:
    return "lagging";
  case pace::flaky:
    return "flaky";
  }
  return "?";
}

stream_subscriber::stream_subscriber(std::uint16_t port, pace p, unsigned seed)
    : port_(port), pace_(p), seed_(seed) {}

void stream_subscriber::run(const std::atomic<bool>& stop) {
  std::mt19937 random{seed_};
  asio::io_context io;
  std::string last; // resume point: the last event (or caughtUp) cursor seen
  auto slow_until = std::chrono::steady_clock::now();
  auto fast_until = slow_until;

  while (!stop) {
    connection conn{io};
    const std::string target = "/api/v1/events" + (last.empty() ? "" : "?since=" + last);
    if (conn.open(port_, target)) {
      ++log_.refused;
      conn.close();
      std::this_thread::sleep_for(reconnect_delay);
      continue;
    }
    ++log_.connects;
    // A flaky subscriber drops its connection after this many messages.
    std::uint64_t drop_after = std::uniform_int_distribution<std::uint64_t>{20, 3000}(random);

    for (std::string text; !stop;) {
      const auto ec = conn.read(text, stop);
      if (ec == asio::error::would_block)
        break;
      if (ec) {
        const auto code = conn.reason().code;
        if (code == 4408)
          ++log_.closed_for_lag;
        else if (code == 4410)
          ++log_.gone;
        else
          ++log_.connection_lost;
        conn.close();
        std::this_thread::sleep_for(reconnect_delay);
        break;
      }
      const auto msg = parse_message(text);
      if (msg.type == "stream.caughtUp") {
        if (log_.anchor.empty() && last.empty())
          log_.anchor = msg.cursor;
        if (last.empty())
          last = msg.cursor;
        continue;
      }
      if (msg.type == "stream.gone")
        continue; // the server closes with 4410 next
      log_.cursors.push_back(msg.cursor);
      last = msg.cursor;

      const auto now = std::chrono::steady_clock::now();
      if (pace_ == pace::lagging) {
        if (now >= fast_until) { // pick the next slow and fast stretches
          slow_until = now + std::chrono::seconds{std::uniform_int_distribution{3, 15}(random)};
          fast_until =
            slow_until + std::chrono::seconds{std::uniform_int_distribution{3, 15}(random)};
        }
        if (now < slow_until)
          std::this_thread::sleep_for(100ms);
      } else if (pace_ == pace::flaky && --drop_after == 0) {
        ++log_.dropped_by_us;
        conn.close();
        std::this_thread::sleep_for(
          std::chrono::milliseconds{std::uniform_int_distribution{0, 2000}(random)});
        break;
      }
    }
  }
}

std::optional<full_stream> read_full_stream(std::uint16_t port, std::string& error) {
  asio::io_context io;
  connection conn{io};
  if (const auto ec = conn.open(port, "/api/v1/events?since=0")) {
    error = "cannot subscribe with since=0: " + ec.message();
    return std::nullopt;
  }
  const std::atomic<bool> never{false};
  full_stream out;
  for (std::string text;;) {
    if (const auto ec = conn.read(text, never)) {
      error = "the full replay ended early: " + ec.message();
      return std::nullopt;
    }
    const auto msg = parse_message(text);
    if (msg.type == "stream.caughtUp")
      break;
    out.cursors.push_back(msg.cursor);
    if (msg.type == "referencePoint.deleted")
      (msg.member ? out.deleted_members : out.deleted_points).push_back(msg.resource_id);
    else if (msg.type == "collectionReferencePoint.deleted")
      out.deleted_collections.push_back(msg.resource_id);
  }
  conn.close();
  return out;
}

std::string check_stream(const stream_log& log, const std::vector<std::string>& all) {
  if (log.anchor.empty())
    return log.cursors.empty() ? "" : "events arrived before any stream.caughtUp";
  std::unordered_map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < all.size(); ++i)
    index.emplace(all[i], i);
  // The anchor is the last event before the subscription (or "0" when there was none).
  std::size_t next = 0;
  if (const auto it = index.find(log.anchor); it != index.end())
    next = it->second + 1;
  else if (log.anchor != "0")
    return "anchor cursor " + log.anchor + " is not in the stream";
  for (std::size_t i = 0; i < log.cursors.size(); ++i, ++next) {
    if (next >= all.size())
      return "received " + log.cursors[i] + " past the end of the stream";
    if (log.cursors[i] != all[next])
      return "event " + std::to_string(i) + ": expected cursor " + all[next] + ", received " +
             log.cursors[i] + (index.contains(log.cursors[i]) ? " (out of order or twice)" : "");
  }
  return "";
}

} // namespace soak
