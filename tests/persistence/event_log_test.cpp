// The event log: every write stores its events in its own savepoint, a rolled-back write or
// transaction leaves none, committed events are handed over once, pages and pruning work.

#include "actor_fixture.hpp"
#include "persistence/store_actor.hpp"

#include <boost/json/parse.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

std::vector<std::string> types_of(const std::vector<protocol::event_record>& events) {
  std::vector<std::string> types(events.size());
  std::ranges::transform(events, types.begin(), &protocol::event_record::type);
  return types;
}

class EventLog : public with_temp_dir {
protected:
  database db_ = database::open(path_);
};

TEST_F(EventLog, EachWriteStoresItsEventsInOrder) {
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  db_.put_system(sample_system("SYS-1"));
  db_.put_system(sample_system("SYS-1"));
  db_.insert_job(sample_job("JOB-1"));
  auto running = sample_job("JOB-1");
  running.status = "Running";
  db_.update_job(running);
  running.percent_complete = 40;
  db_.update_job(running);
  db_.complete_job(completed(sample_job("JOB-1"), rp), rp);

  const auto events = db_.take_committed_events();
  EXPECT_EQ(types_of(events),
            (std::vector<std::string>{"system.created", "system.updated", "job.created",
                                      "job.state", "job.progress", "referencePoint.created",
                                      "job.affected", "job.state"}));
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_GT(events[i].time, 0);
  }
  EXPECT_TRUE(db_.take_committed_events().empty()) << "handed over once";
  EXPECT_EQ(events[2].job_id, "JOB-1");
  EXPECT_EQ(events[2].target, "SYS-1");
  EXPECT_EQ(events[0].job_id, "");

  // The wire text: cursor, time, type, then the resource in its REST form.
  auto message = boost::json::parse(events[5].message).as_object();
  EXPECT_EQ(message.at("cursor").as_string(), "6");
  EXPECT_EQ(message.at("type").as_string(), "referencePoint.created");
  EXPECT_EQ(message.at("referencePoint").at("id").as_string(), "RP-1");
  EXPECT_EQ(message.at("referencePoint").at("jobId").as_string(), "JOB-1");

  // Stored as handed over.
  const auto page =
    db_.list_events({.after = 0, .upto = 100, .job = "", .target = "", .limit = 50});
  EXPECT_EQ(page.items, events);
  EXPECT_FALSE(page.more);
}

TEST_F(EventLog, IdempotentReplayAndUnknownJobsStoreNoEvent) {
  auto keyed = sample_job("JOB-1");
  keyed.idempotency_key = "k";
  db_.insert_job(keyed);
  auto again = sample_job("JOB-2");
  again.idempotency_key = "k";
  EXPECT_EQ(db_.insert_job(again).id, "JOB-1");
  EXPECT_FALSE(db_.update_job(sample_job("nope")));
  EXPECT_EQ(types_of(db_.take_committed_events()), (std::vector<std::string>{"job.created"}));
}

TEST_F(EventLog, RolledBackWritesAndTransactionsLeaveNoEvent) {
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  db_.insert_job(sample_job("JOB-1"));
  db_.insert_job(sample_job("JOB-2"));
  db_.complete_job(completed(sample_job("JOB-1"), rp), rp);
  db_.take_committed_events();
  const auto before = db_.get_event_bounds();

  // A write that fails alone inside a transaction: its events go, the others' stay.
  db_.transact([&] {
    db_.put_system(sample_system("SYS-9"));
    EXPECT_THROW(db_.complete_job(completed(sample_job("JOB-2"), rp), rp), store_error);
  });
  EXPECT_EQ(types_of(db_.take_committed_events()), (std::vector<std::string>{"system.created"}));

  // A transaction that throws: nothing of it.
  EXPECT_THROW(db_.transact([&] {
    db_.put_system(sample_system("SYS-8"));
    throw store_error("boom");
  }),
               store_error);
  EXPECT_TRUE(db_.take_committed_events().empty());
  EXPECT_EQ(db_.get_event_bounds().newest, before.newest + 1);
}

TEST_F(EventLog, CollectionWritesTellEveryMember) {
  std::vector<protocol::reference_point> members;
  const auto rpc = sample_rpc("RPC-1", "COLL-1", "JOB-1", {"SYS-1", "SYS-2"}, members);
  db_.put_collection(sample_collection("COLL-1", {"SYS-2", "SYS-1"}));
  db_.insert_job(sample_job("JOB-1", "COLL-1"));
  db_.complete_collection_job(completed(sample_job("JOB-1", "COLL-1"), rpc), rpc, members);
  db_.insert_job(sample_job("JOB-2", "COLL-1"));
  db_.destroy_collection_rp_job(finished(sample_job("JOB-2", "COLL-1")), "RPC-1");
  db_.delete_collection("COLL-1");
  EXPECT_FALSE(db_.delete_collection("COLL-1"));

  const auto events = db_.take_committed_events();
  EXPECT_EQ(types_of(events),
            (std::vector<std::string>{
              "collection.created", "job.created", "referencePoint.created",
              "referencePoint.created", "collectionReferencePoint.created", "job.affected",
              "job.state", "job.created", "referencePoint.deleted", "referencePoint.deleted",
              "collectionReferencePoint.deleted", "job.state", "collection.deleted"}));
  auto created = boost::json::parse(events[0].message).as_object();
  EXPECT_EQ(created.at("collection").at("members"), (boost::json::array{"SYS-1", "SYS-2"}));
  auto member = boost::json::parse(events[2].message).as_object();
  EXPECT_EQ(member.at("referencePoint").at("collectionReferencePointId").as_string(), "RPC-1");
  EXPECT_EQ(events[8].target, "SYS-1");
  EXPECT_EQ(events[8].job_id, "JOB-2");
}

TEST_F(EventLog, PagesFilterByJobAndTargetWithinTheRange) {
  db_.insert_job(sample_job("JOB-1", "SYS-1"));
  db_.insert_job(sample_job("JOB-2", "SYS-2"));
  db_.insert_job(sample_job("JOB-3", "SYS-1"));
  db_.insert_job(sample_job("JOB-4", "SYS-1"));

  auto page = db_.list_events({.after = 0, .upto = 4, .job = "", .target = "SYS-1", .limit = 2});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].job_id, "JOB-1");
  EXPECT_EQ(page.items[1].job_id, "JOB-3");
  EXPECT_TRUE(page.more);
  page = db_.list_events({.after = 3, .upto = 4, .job = "", .target = "SYS-1", .limit = 2});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_FALSE(page.more);
  page = db_.list_events({.after = 0, .upto = 3, .job = "JOB-4", .target = "", .limit = 10});
  EXPECT_TRUE(page.items.empty()) << "beyond `upto`";
  page = db_.list_events({.after = 0, .upto = 9, .job = "JOB-2", .target = "", .limit = 10});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].seq, 2);
}

TEST_F(EventLog, PruningKeepsTheNewestAndNeverReusesASequence) {
  for (int i = 0; i < 40; ++i)
    db_.insert_job(sample_job("JOB-" + std::to_string(i)));
  EXPECT_EQ(db_.prune_events(100), 0u);
  EXPECT_EQ(db_.prune_events(10), 30u);
  EXPECT_EQ(db_.get_event_bounds(), (event_bounds{31, 40}));
  EXPECT_EQ(db_.prune_events(10), 0u);
  db_.insert_job(sample_job("JOB-new"));
  EXPECT_EQ(db_.get_event_bounds().newest, 41);
}

TEST_F(EventLog, SequencesSurviveReopening) {
  db_.insert_job(sample_job("JOB-1"));
  db_.insert_job(sample_job("JOB-2"));
  db_.prune_events(1);
  db_ = database::open(path_);
  db_.insert_job(sample_job("JOB-3"));
  EXPECT_EQ(db_.get_event_bounds(), (event_bounds{2, 3}));
}

TEST_F(EventLog, AnotherNodesEventsAreCopiedOnceWithTheirOwnTimeAndNode) {
  database peer = database::open(dir_.file("peer.db"));
  peer.insert_job(sample_job("JOB-P1", "SYS-P"));
  peer.insert_job(sample_job("JOB-P2", "SYS-P"));
  const auto page = peer.list_events({.after = 0, .upto = 100, .limit = 10});
  const auto& theirs = page.items;
  ASSERT_EQ(theirs.size(), 2u);
  EXPECT_EQ(page.source, peer.identity());
  EXPECT_NE(peer.identity(), db_.identity()) << "every database has its own identity";
  EXPECT_EQ(peer.identity().size(), 32u);
  db_.insert_job(sample_job("JOB-1", "SYS-1"));

  EXPECT_EQ(db_.copied_events_of("peer"), (event_source{0, ""}));
  EXPECT_EQ(db_.import_events("peer", page.source, theirs), 2);
  // A repeated pull (its answer was lost) copies nothing twice.
  EXPECT_EQ(db_.import_events("peer", page.source, theirs), 2);
  EXPECT_EQ(db_.copied_events_of("peer"), (event_source{2, peer.identity()}));
  auto copied = db_.take_committed_events();
  ASSERT_EQ(copied.size(), 3u); // this node's own event, then the two copies
  EXPECT_EQ(copied[1].seq, 2);
  EXPECT_EQ(copied[1].origin, "peer");
  EXPECT_EQ(copied[1].time, theirs[0].time);
  EXPECT_EQ(copied[1].job_id, "JOB-P1");
  EXPECT_EQ(boost::json::parse(copied[1].message).at("node"), "peer");
  EXPECT_EQ(boost::json::parse(copied[0].message).as_object().count("node"), 0u);

  // What peers copy from this node is its own changes only, never copies.
  auto own = db_.list_events({.after = 0, .upto = 100, .limit = 10, .own_only = true});
  ASSERT_EQ(own.items.size(), 1u);
  EXPECT_EQ(own.items[0].job_id, "JOB-1");
  EXPECT_EQ(db_.list_events({.after = 0, .upto = 100, .limit = 10}).items.size(), 3u);

  // What was copied is remembered across pruning and reopening, and so is the identity.
  const auto identity = db_.identity();
  db_.prune_events(0);
  db_ = database::open(path_);
  EXPECT_EQ(db_.copied_events_of("peer"), (event_source{2, peer.identity()}));
  EXPECT_EQ(db_.identity(), identity);
}

TEST_F(EventLog, ANodeWithANewDatabaseIsCopiedFromItsStart) {
  database old_peer = database::open(dir_.file("old.db"));
  old_peer.insert_job(sample_job("JOB-OLD-1"));
  old_peer.insert_job(sample_job("JOB-OLD-2"));
  auto old_page = old_peer.list_events({.after = 0, .upto = 100, .limit = 10});
  ASSERT_EQ(db_.import_events("peer", old_page.source, old_page.items), 2);

  // The same node name, a new database: its sequence 1 is new, not copied already.
  database new_peer = database::open(dir_.file("new.db"));
  new_peer.insert_job(sample_job("JOB-NEW-1"));
  auto new_page = new_peer.list_events({.after = 0, .upto = 100, .limit = 10});
  EXPECT_EQ(db_.import_events("peer", new_page.source, new_page.items), 1);
  EXPECT_EQ(db_.copied_events_of("peer"), (event_source{1, new_peer.identity()}));
  auto copied = db_.take_committed_events();
  ASSERT_EQ(copied.size(), 3u);
  EXPECT_EQ(copied[2].job_id, "JOB-NEW-1");
}

/// The store hands each committed batch's events to its sink, in order, and prunes.
class StoreEvents : public with_actors {};

TEST_F(StoreEvents, CommittedEventsReachTheSinkInOrderAndOldOnesArePruned) {
  // The collector travels as the actor's argument: CAF 0.17 dereferences a null argument
  // tuple when a function-based actor takes none.
  auto sink = keep(sys_.spawn(
    [](event_sink_actor::pointer, caf::actor collector) -> event_sink_actor::behavior_type {
      return {[collector](publish_atom, std::vector<protocol::event_record>& events) {
        caf::anon_send(collector, publish_atom::value, std::move(events));
      }};
    },
    caf::actor_cast<caf::actor>(self_)));
  auto store = keep(
    spawn_store_actor(sys_, database::open(path_), store_events{.sink = sink, .retention = 8}));
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(ask<protocol::job_record>(store, insert_job_atom::value,
                                          sample_job("JOB-" + std::to_string(i))));

  std::vector<protocol::event_record> received;
  bool waiting = true;
  while (waiting && received.size() < 30) {
    self_->receive(
      [&](publish_atom, std::vector<protocol::event_record>& events) {
        received.insert(received.end(), events.begin(), events.end());
      },
      caf::after(timeout) >> [&] { waiting = false; });
  }
  ASSERT_EQ(received.size(), 30u);
  for (std::size_t i = 0; i < received.size(); ++i)
    EXPECT_EQ(received[i].seq, static_cast<std::int64_t>(i + 1));
  const auto bounds = database::open(path_).get_event_bounds();
  EXPECT_EQ(bounds.newest, 30);
  EXPECT_LE(bounds.newest - bounds.oldest + 1, 8 + 1) << "pruned to the retention (+1/16)";
}

} // namespace
