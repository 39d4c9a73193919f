#include "web/event_stream_session.hpp"

#include "web/actor_call.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>

namespace refpoint::web {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

/// Stored events read per replay page.
constexpr std::uint32_t replay_page_size = 256;
/// Largest message accepted from a client (it has nothing to say but control frames).
constexpr std::size_t max_client_message = 4096;

/// Kernel send buffer of a subscriber's socket.
constexpr int socket_send_buffer = 64 * 1024;

/// Close codes of DESIGN §4 beyond RFC 6455's.
constexpr std::uint16_t close_too_slow = 4408;
constexpr std::uint16_t close_gone = 4410;

} // namespace

template <class NextLayer>
event_stream_session<NextLayer>::event_stream_session(NextLayer&& stream,
                                                      event_stream_options options,
                                                      event_stream_deps deps)
    : options_(std::move(options)), deps_(std::move(deps)), ws_(std::move(stream)),
      executor_(ws_.get_executor()) {}

template <class NextLayer>
void event_stream_session<NextLayer>::run(http_request req) {
  net::post(executor_, [self = this->shared_from_this(), req = std::move(req)]() mutable {
    auto& ws = self->ws_;
    auto& tcp = beast::get_lowest_layer(ws);
    tcp.expires_never(); // the WebSocket timeouts take over
    // A fixed kernel buffer (no autotuning to megabytes): a client that stops reading shows
    // up as waiting events soon, and memory per subscriber stays bounded.
    beast::error_code ignored;
    tcp.socket().set_option(net::socket_base::send_buffer_size(socket_send_buffer), ignored);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds{30};
    timeouts.idle_timeout = self->options_.ping_interval * 2;
    timeouts.keep_alive_pings = true; // a ping at half the idle timeout
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "refpoint"); }));
    ws.read_message_max(max_client_message);
    ws.text(true);
    self->upgrade_request_ = std::move(req);
    ws.async_accept(*self->upgrade_request_,
                    beast::bind_front_handler(&event_stream_session::on_accept, self));
  });
}

template <class NextLayer>
void event_stream_session<NextLayer>::shut_down() {
  net::post(executor_, [self = this->shared_from_this()] {
    self->close_with(static_cast<std::uint16_t>(websocket::close_code::going_away),
                     "the server is stopping", false);
  });
}

template <class NextLayer>
bool event_stream_session<NextLayer>::offer(const actors::event_batch& batch) {
  if (dropped_.load())
    return false;
  const auto matching = static_cast<std::size_t>(
    std::ranges::count_if(*batch, [&](const auto& e) { return options_.filter.matches(e); }));
  if (matching == 0)
    return true;
  if (live_pending_.fetch_add(matching) + matching > options_.queue_limit) {
    dropped_ = true;
    net::post(executor_, [self = this->shared_from_this(), matching] {
      self->release_live(matching);
      self->close_with(close_too_slow, "subscriber too slow", false);
    });
    return false;
  }
  net::post(executor_, [self = this->shared_from_this(), batch] { self->on_live(batch); });
  return true;
}

template <class NextLayer>
void event_stream_session<NextLayer>::on_accept(beast::error_code ec) {
  upgrade_request_.reset();
  if (ec)
    return end();
  caught_up_at_ = deps_.hub->subscribe(this->shared_from_this());
  subscribed_ = true;
  do_read();
  if (!options_.since)
    return go_live();
  call_actor(
    deps_.system, deps_.query, options_.store_timeout,
    [self = this->shared_from_this()](persistence::event_bounds& bounds) {
      net::post(self->executor_, [self, bounds] { self->on_bounds(bounds); });
    },
    [self = this->shared_from_this()](caf::error&) {
      net::post(self->executor_, [self] {
        self->close_with(static_cast<std::uint16_t>(websocket::close_code::internal_error),
                         "event store unavailable", false);
      });
    },
    persistence::event_bounds_atom::value);
}

template <class NextLayer>
void event_stream_session<NextLayer>::do_read() {
  ws_.async_read(read_buffer_, beast::bind_front_handler(&event_stream_session::on_read,
                                                         this->shared_from_this()));
}

template <class NextLayer>
void event_stream_session<NextLayer>::on_read(beast::error_code ec, std::size_t) {
  if (ec)
    return end();                            // the client closed, left or timed out
  read_buffer_.consume(read_buffer_.size()); // clients have nothing to say
  do_read();
}

template <class NextLayer>
void event_stream_session<NextLayer>::on_bounds(persistence::event_bounds bounds) {
  if (closing_ || ended_)
    return;
  const auto since = *options_.since;
  // A cursor newer than anything published was not issued here (or the store was reset);
  // one before the oldest retained event has lost events in between.
  if (since > caught_up_at_ || (since > 0 && since + 1 < bounds.oldest)) {
    queue_.push_back(outgoing::of_text(protocol::gone_message(bounds.oldest)));
    return close_with(close_gone, "cursor no longer retained", true);
  }
  replayed_to_ = since;
  fetch_page();
}

template <class NextLayer>
void event_stream_session<NextLayer>::fetch_page() {
  page_pending_ = true;
  persistence::event_query query{.after = replayed_to_,
                                 .upto = caught_up_at_,
                                 .job = options_.filter.job,
                                 .target = options_.filter.target,
                                 .limit = replay_page_size};
  call_actor(
    deps_.system, deps_.query, options_.store_timeout,
    [self = this->shared_from_this()](persistence::event_page& page) {
      net::post(self->executor_,
                [self, page = std::move(page)]() mutable { self->on_page(std::move(page)); });
    },
    [self = this->shared_from_this()](caf::error&) {
      net::post(self->executor_, [self] {
        self->close_with(static_cast<std::uint16_t>(websocket::close_code::internal_error),
                         "event store unavailable", false);
      });
    },
    persistence::list_events_atom::value, std::move(query));
}

template <class NextLayer>
void event_stream_session<NextLayer>::on_page(persistence::event_page page) {
  page_pending_ = false;
  if (closing_ || ended_)
    return;
  replay_more_ = page.more;
  if (!page.items.empty())
    replayed_to_ = page.items.back().seq;
  auto batch = std::make_shared<const std::vector<protocol::event_record>>(std::move(page.items));
  for (std::size_t i = 0; i < batch->size(); ++i)
    if (options_.filter.matches((*batch)[i]))
      queue_.push_back(outgoing::of_event(batch, i, false));
  if (!replay_more_)
    return go_live();
  if (queue_.empty())
    return fetch_page(); // the whole page was filtered out
  do_write();
}

template <class NextLayer>
void event_stream_session<NextLayer>::go_live() {
  queue_.push_back(outgoing::of_text(protocol::caught_up_message(caught_up_at_)));
  live_ = true;
  std::ranges::move(held_, std::back_inserter(queue_));
  held_.clear();
  do_write();
}

template <class NextLayer>
void event_stream_session<NextLayer>::on_live(const actors::event_batch& batch) {
  for (std::size_t i = 0; i < batch->size(); ++i) {
    if (!options_.filter.matches((*batch)[i]))
      continue;
    if (closing_ || ended_) {
      release_live(1);
      continue;
    }
    (live_ ? queue_ : held_).push_back(outgoing::of_event(batch, i, true));
  }
  do_write();
}

template <class NextLayer>
void event_stream_session<NextLayer>::do_write() {
  if (writing_ || close_sent_ || ended_)
    return;
  if (queue_.empty()) {
    if (closing_)
      do_close();
    return;
  }
  writing_ = true;
  const auto& next = queue_.front();
  const std::string& text = next.batch ? (*next.batch)[next.index].message : next.text;
  ws_.async_write(net::buffer(text), beast::bind_front_handler(&event_stream_session::on_write,
                                                               this->shared_from_this()));
}

template <class NextLayer>
void event_stream_session<NextLayer>::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (!queue_.empty()) {
    if (queue_.front().live)
      release_live(1);
    queue_.pop_front();
  }
  if (ec)
    return end();
  if (!closing_ && queue_.empty() && !live_ && replay_more_ && !page_pending_)
    return fetch_page();
  do_write();
}

template <class NextLayer>
void event_stream_session<NextLayer>::close_with(std::uint16_t code, std::string reason,
                                                 bool flush_queue) {
  if (closing_ || ended_)
    return;
  closing_.emplace();
  closing_->code = code;
  closing_->reason = std::move(reason);
  leave_hub();
  if (!flush_queue)
    drop_waiting(); // the close goes right after the message being written
  else
    drop_held();
  do_write();
}

template <class NextLayer>
void event_stream_session<NextLayer>::do_close() {
  close_sent_ = true;
  // The read loop sees the client's answer (or the handshake timeout) and ends the session.
  ws_.async_close(*closing_, [self = this->shared_from_this()](beast::error_code) {});
}

template <class NextLayer>
void event_stream_session<NextLayer>::end() {
  if (ended_)
    return;
  ended_ = true;
  leave_hub();
  drop_waiting();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

template <class NextLayer>
void event_stream_session<NextLayer>::drop_waiting() {
  // A write in flight still reads its message until its handler runs.
  while (queue_.size() > (writing_ ? 1u : 0u)) {
    if (queue_.back().live)
      release_live(1);
    queue_.pop_back();
  }
  drop_held();
}

template <class NextLayer>
void event_stream_session<NextLayer>::drop_held() {
  release_live(held_.size());
  held_.clear();
}

template <class NextLayer>
void event_stream_session<NextLayer>::leave_hub() {
  dropped_ = true;
  if (subscribed_) {
    subscribed_ = false;
    deps_.hub->unsubscribe(this);
  }
}

template <class NextLayer>
void event_stream_session<NextLayer>::release_live(std::size_t count) {
  live_pending_.fetch_sub(count);
}

template class event_stream_session<plain_stream>;
template class event_stream_session<tls_stream>;

} // namespace refpoint::web
