#pragma once
/// The event hub (DESIGN §2): fans committed events out to the subscribers of
/// `/api/v1/events` without ever waiting for one of them.
///
/// Sequencing is the store's (a sequence is assigned in the transaction of its change); the
/// hub only keeps order and remembers the last sequence it published, which is what makes
/// resuming exact: a subscriber registered now gets every event after `subscribe`'s answer
/// live, and replays the ones up to it from the store.
///
/// Thread safety: every member may be called from any thread. Subscribers are called with
/// the hub's lock held, so `offer` must be quick and must not call back into the hub.

#include "persistence/store_messages.hpp"
#include "protocol/event.hpp"

#include <caf/fwd.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace refpoint::actors {

/// Events committed together, shared by every subscriber they are offered to.
using event_batch = std::shared_ptr<const std::vector<protocol::event_record>>;

/// One subscriber (a WebSocket session).
class event_subscriber {
public:
  virtual ~event_subscriber() = default;
  /// Takes a batch (ascending sequences, all newer than any offered before); it filters
  /// them itself. Must not block. False when it cannot take more: the hub forgets it and
  /// counts it as dropped (telling the client is the subscriber's own business).
  virtual bool offer(const event_batch& batch) = 0;
  /// The server is stopping: say goodbye to the client. Must not block.
  virtual void shut_down() = 0;
};

struct event_hub_stats {
  std::uint64_t published = 0;    ///< events published since start
  std::uint64_t subscribers = 0;  ///< current
  std::uint64_t dropped_slow = 0; ///< subscribers that could not keep up
};

class event_hub {
public:
  /// `last_seq`: the newest event already stored when the hub starts.
  explicit event_hub(std::int64_t last_seq);

  /// Registers `subscriber`; answers the sequence of the last event published before it.
  std::int64_t subscribe(std::shared_ptr<event_subscriber> subscriber);
  /// Forgets `subscriber` (harmless when it is not registered).
  void unsubscribe(const event_subscriber* subscriber);
  /// Offers the events newer than the last published (older ones are skipped: the store may
  /// hand over events that were stored before the hub started) to every subscriber.
  void publish(std::vector<protocol::event_record> events);
  /// Tells every subscriber the server is stopping, and forgets them all.
  void shut_down_all();
  /// Calls `tap` with every batch published from now on (before the subscribers see it).
  /// Not a subscriber: never counted, never dropped. Same rules as `offer`: quick, no call
  /// back into the hub.
  void set_tap(std::function<void(const event_batch&)> tap);

  std::int64_t last_published() const;
  event_hub_stats stats() const;

private:
  mutable std::mutex mutex_;
  std::int64_t last_seq_;
  std::vector<std::shared_ptr<event_subscriber>> subscribers_;
  std::function<void(const event_batch&)> tap_;
  std::uint64_t published_ = 0;
  std::uint64_t dropped_slow_ = 0;
};

/// The hub's actor face: what the store actor publishes to. Fans out on a CAF worker, so the
/// store's thread never waits for subscribers.
persistence::event_sink_actor spawn_event_hub_actor(caf::actor_system& system,
                                                    std::shared_ptr<event_hub> hub);

} // namespace refpoint::actors
