// The event hub: exact hand-over points for subscribers, order, and dropping the slow.

#include "actors/event_hub.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace {

using namespace refpoint::actors;
using refpoint::protocol::event_record;

/// Records what it is offered; refuses once it holds `capacity` events.
class recorder : public event_subscriber {
public:
  explicit recorder(std::size_t capacity = 1000) : capacity_(capacity) {}
  bool offer(const event_batch& batch) override {
    if (seqs.size() + batch->size() > capacity_)
      return false;
    for (const auto& e : *batch)
      seqs.push_back(e.seq);
    return true;
  }
  void shut_down() override { shut = true; }

  std::vector<std::int64_t> seqs;
  bool shut = false;

private:
  std::size_t capacity_;
};

std::vector<event_record> events(std::int64_t first, std::int64_t last) {
  std::vector<event_record> out;
  for (auto seq = first; seq <= last; ++seq)
    out.push_back(event_record{.seq = seq,
                               .time = 1,
                               .type = "job.created",
                               .job_id = {},
                               .target = {},
                               .payload = "{}",
                               .message = {}});
  return out;
}

TEST(EventHub, SubscribeAnswersTheLastPublishedAndOffersOnlyLaterEvents) {
  event_hub hub{10};
  auto early = std::make_shared<recorder>();
  EXPECT_EQ(hub.subscribe(early), 10);
  hub.publish(events(8, 12)); // 8..10 were stored before the hub started
  auto late = std::make_shared<recorder>();
  EXPECT_EQ(hub.subscribe(late), 12);
  hub.publish(events(13, 14));
  EXPECT_EQ(early->seqs, (std::vector<std::int64_t>{11, 12, 13, 14}));
  EXPECT_EQ(late->seqs, (std::vector<std::int64_t>{13, 14}));
  EXPECT_EQ(hub.last_published(), 14);
  EXPECT_EQ(hub.stats().published, 4u);
}

TEST(EventHub, ARefusingSubscriberIsDroppedAndCountedOthersCarryOn) {
  event_hub hub{0};
  auto slow = std::make_shared<recorder>(3);
  auto fast = std::make_shared<recorder>();
  hub.subscribe(slow);
  hub.subscribe(fast);
  hub.publish(events(1, 2));
  hub.publish(events(3, 4));
  hub.publish(events(5, 5));
  EXPECT_EQ(slow->seqs, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(fast->seqs, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(hub.stats().subscribers, 1u);
  EXPECT_EQ(hub.stats().dropped_slow, 1u);
}

TEST(EventHub, UnsubscribeAndShutDown) {
  event_hub hub{0};
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  hub.subscribe(a);
  hub.subscribe(b);
  hub.unsubscribe(a.get());
  hub.unsubscribe(a.get()); // harmless
  hub.publish(events(1, 1));
  EXPECT_TRUE(a->seqs.empty());
  hub.shut_down_all();
  EXPECT_TRUE(b->shut);
  EXPECT_FALSE(a->shut);
  EXPECT_EQ(hub.stats().subscribers, 0u);
  EXPECT_EQ(hub.stats().dropped_slow, 0u);
}

} // namespace
