#include "actors/event_hub.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <utility>

namespace refpoint::actors {

event_hub::event_hub(std::int64_t last_seq) : last_seq_(last_seq) {}

std::int64_t event_hub::subscribe(std::shared_ptr<event_subscriber> subscriber) {
  std::lock_guard lock{mutex_};
  subscribers_.push_back(std::move(subscriber));
  return last_seq_;
}

void event_hub::unsubscribe(const event_subscriber* subscriber) {
  std::lock_guard lock{mutex_};
  std::erase_if(subscribers_, [&](const auto& s) { return s.get() == subscriber; });
}

void event_hub::publish(std::vector<protocol::event_record> events) {
  std::lock_guard lock{mutex_};
  std::erase_if(events, [&](const auto& e) { return e.seq <= last_seq_; });
  if (events.empty())
    return;
  last_seq_ = events.back().seq;
  published_ += events.size();
  auto batch = std::make_shared<const std::vector<protocol::event_record>>(std::move(events));
  if (tap_)
    tap_(batch);
  const auto before = subscribers_.size();
  std::erase_if(subscribers_, [&](const auto& s) { return !s->offer(batch); });
  dropped_slow_ += before - subscribers_.size();
}

void event_hub::set_tap(std::function<void(const event_batch&)> tap) {
  std::lock_guard lock{mutex_};
  tap_ = std::move(tap);
}

void event_hub::shut_down_all() {
  std::vector<std::shared_ptr<event_subscriber>> leaving;
  {
    std::lock_guard lock{mutex_};
    leaving.swap(subscribers_);
  }
  for (const auto& s : leaving)
    s->shut_down();
}

std::int64_t event_hub::last_published() const {
  std::lock_guard lock{mutex_};
  return last_seq_;
}

event_hub_stats event_hub::stats() const {
  std::lock_guard lock{mutex_};
  return {published_, subscribers_.size(), dropped_slow_};
}

namespace {

persistence::event_sink_actor::behavior_type hub_actor(std::shared_ptr<event_hub> hub) {
  return {
    [hub](persistence::publish_atom, std::vector<protocol::event_record>& events) {
      hub->publish(std::move(events));
    },
  };
}

} // namespace

persistence::event_sink_actor spawn_event_hub_actor(caf::actor_system& system,
                                                    std::shared_ptr<event_hub> hub) {
  return system.spawn(hub_actor, std::move(hub));
}

} // namespace refpoint::actors
