#pragma once
/// One subscriber of `GET /api/v1/events` (DESIGN §4): a WebSocket connection that replays
/// stored events after a cursor, says `stream.caughtUp`, then forwards live events.
///
/// Exactness: the session registers with the hub *before* it reads the store. The hub
/// answers the last sequence L it published; events up to L come from the store, events
/// after L come live (held back while the replay runs). Nothing is missed or repeated, and
/// since sequences are durable this holds across a restart too.
///
/// Bounds: live events waiting to be written are counted; once more than `queue_limit`
/// wait, the session leaves the hub at once and closes with 4408 after the write in flight
/// (the client resumes from its last cursor). The replay reads one page at a time and only
/// when the previous one is written, so a slow client holds at most one page of it.
/// Keep-alive: a WebSocket ping after `ping_interval` of silence; no answer within another
/// interval closes the connection.
///
/// Threading: `offer` runs on the hub's thread; everything else on the connection's strand.
///
/// `NextLayer` is the connection the HTTP server handed over: `plain_stream` or `tls_stream`
/// (both instantiated in the .cpp).

#include "actors/event_hub.hpp"
#include "persistence/store_messages.hpp"
#include "protocol/event.hpp"
#include "web/http_server.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <caf/actor_system.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace refpoint::web {

/// What a subscriber asked for, and the server's limits for it.
struct event_stream_options {
  std::optional<std::int64_t> since; ///< none: live only
  protocol::event_filter filter;
  std::size_t queue_limit = 10000;
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds store_timeout{5000}; ///< for each replay page
};

/// What the session needs from the server; the hub and actors are held only by it.
struct event_stream_deps {
  caf::actor_system& system;
  std::shared_ptr<actors::event_hub> hub;
  persistence::query_actor query;
};

template <class NextLayer>
class event_stream_session final
    : public actors::event_subscriber,
      public std::enable_shared_from_this<event_stream_session<NextLayer>> {
public:
  event_stream_session(NextLayer&& stream, event_stream_options options, event_stream_deps deps);

  /// Answers the upgrade request and starts streaming.
  void run(http_request req);
  /// Closes with 1001 (going away): the server is stopping. Any thread.
  void shut_down() override;

  bool offer(const actors::event_batch& batch) override;

private:
  /// A message waiting to be written: a stored or live event (`batch[index]`) or a text.
  struct outgoing {
    actors::event_batch batch;
    std::size_t index = 0;
    std::string text;
    bool live = false;

    static outgoing of_event(actors::event_batch batch, std::size_t index, bool live) {
      return {std::move(batch), index, {}, live};
    }
    static outgoing of_text(std::string text) { return {{}, 0, std::move(text), false}; }
  };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_bounds(persistence::event_bounds bounds);
  void fetch_page();
  void on_page(persistence::event_page page);
  void go_live();
  void on_live(const actors::event_batch& batch);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  /// Closes with `code` once the message being written (and, when `flush_queue`, every
  /// queued one) is out. Leaves the hub at once.
  void close_with(std::uint16_t code, std::string reason, bool flush_queue);
  void do_close();
  /// The connection is over: forgets everything queued and closes the socket.
  void end();
  /// Forgets every message not being written yet (queued and held back).
  void drop_waiting();
  /// Forgets the live events held back during the replay.
  void drop_held();
  void leave_hub();
  void release_live(std::size_t count);

  // Constant after construction.
  const event_stream_options options_;
  const event_stream_deps deps_;

  // Strand only (the stream's own executor is the connection's strand).
  boost::beast::websocket::stream<NextLayer> ws_;

  // Constant after construction (declared after `ws_`, whose executor it copies).
  const typename NextLayer::executor_type executor_;

  // Strand only.
  std::optional<http_request> upgrade_request_; ///< alive while the handshake runs
  boost::beast::flat_buffer read_buffer_;
  std::deque<outgoing> queue_; ///< being written: the front, while `writing_`
  std::deque<outgoing> held_;  ///< live events that arrived during the replay
  bool writing_ = false;
  bool live_ = false;
  bool subscribed_ = false;
  std::int64_t caught_up_at_ = 0; ///< the hub's last sequence when we subscribed
  std::int64_t replayed_to_ = 0;  ///< the replay's next page starts after it
  bool replay_more_ = false;
  bool page_pending_ = false;
  std::optional<boost::beast::websocket::close_reason> closing_;
  bool close_sent_ = false;
  bool ended_ = false;

  // Any thread.
  std::atomic<std::size_t> live_pending_{0}; ///< live events offered and not yet written
  std::atomic<bool> dropped_{false};         ///< the hub forgot us (slow, or closing)
};

extern template class event_stream_session<plain_stream>;
extern template class event_stream_session<tls_stream>;

} // namespace refpoint::web
