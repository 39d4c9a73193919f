// Pending member reference points (DESIGN §8, participant side of a collection spanning
// cluster nodes): prepared durably and invisibly, then committed as ordinary reference
// points with their events, or aborted; pending destroys of stored members, which stay
// visible until the commit deletes them; and the store and query actor messages over them.

#include "actor_fixture.hpp"
#include "persistence/query_actor.hpp"
#include "persistence/store_actor.hpp"

#include <SQLiteCpp/Database.h>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

using rp_list = std::vector<protocol::reference_point>;
using in_doubt_list = std::vector<in_doubt_job>;

/// The member of `system` in collection reference point `rpc_id`, taken for job `job_id` of
/// another node (ids "<rpc_id>-<system>").
protocol::reference_point sample_member(const std::string& rpc_id, const std::string& system,
                                        const std::string& job_id) {
  auto member = sample_rp(rpc_id + "-" + system, system, job_id);
  member.collection_rp_id = rpc_id;
  return member;
}

std::vector<std::string> types_of(const std::vector<protocol::event_record>& events) {
  std::vector<std::string> types(events.size());
  std::ranges::transform(events, types.begin(), &protocol::event_record::type);
  return types;
}

class PendingMembers : public with_temp_dir {
protected:
  int count(const std::string& table) {
    return SQLite::Database(path_).execAndGet("SELECT count(*) FROM " + table).getInt();
  }

  /// Stores the members of `rpc_id` on `systems` as node-1's job "C-<rpc_id>" commits them;
  /// answers them. Their events are taken.
  rp_list store_members(const std::string& rpc_id, const std::vector<std::string>& systems) {
    rp_list members;
    for (const auto& system : systems) {
      members.push_back(sample_member(rpc_id, system, "C-" + rpc_id));
      db_.prepare_member("node-1", members.back());
    }
    EXPECT_EQ(db_.commit_member("C-" + rpc_id), systems.size());
    db_.take_committed_events();
    return members;
  }

  database db_ = database::open(path_);
};

TEST_F(PendingMembers, PreparedMemberIsInvisibleToEveryReadOfReferencePoints) {
  const auto member = sample_member("RPC-1", "SYS-A", "JOB-1");
  db_.prepare_member("node-1", member);

  EXPECT_FALSE(db_.get_reference_point(member.id));
  EXPECT_TRUE(db_.list_reference_points("").empty());
  EXPECT_TRUE(db_.list_reference_points("SYS-A").empty());
  EXPECT_FALSE(db_.find_tracked_disk(member.rct_ids[0]));
  EXPECT_TRUE(db_.list_collection_rps("").empty());
  EXPECT_EQ(count("reference_points"), 0);
  EXPECT_EQ(count("rp_disks"), 0);
  EXPECT_EQ(db_.count_pending_members(), 1u);
  EXPECT_TRUE(db_.take_committed_events().empty()) << "preparing is not an event";
}

TEST_F(PendingMembers, InDoubtJobsAreEachJobOnceOldestPreparedFirst) {
  EXPECT_TRUE(db_.in_doubt_jobs().empty());
  db_.prepare_member("node-2", sample_member("RPC-Z", "SYS-A", "JOB-Z"));
  db_.prepare_member("node-1", sample_member("RPC-A", "SYS-A", "JOB-A"));
  db_.prepare_member("node-2", sample_member("RPC-Z", "SYS-B", "JOB-Z"));
  EXPECT_EQ(db_.in_doubt_jobs(), (in_doubt_list{{"JOB-Z", "node-2"}, {"JOB-A", "node-1"}}));
  EXPECT_EQ(db_.count_pending_members(), 3u);
}

TEST_F(PendingMembers, CommitStoresThemAsMembersWithTheirEvents) {
  const auto a = sample_member("RPC-1", "SYS-A", "JOB-1");
  const auto b = sample_member("RPC-1", "SYS-B", "JOB-1");
  db_.prepare_member("node-1", b);
  db_.prepare_member("node-1", a);
  db_.prepare_member("node-1", sample_member("RPC-2", "SYS-A", "JOB-2"));

  EXPECT_EQ(db_.commit_member("JOB-1"), 2u);

  EXPECT_EQ(db_.get_reference_point(a.id), a);
  EXPECT_EQ(db_.get_reference_point(b.id), b);
  EXPECT_EQ(db_.get_reference_point(a.id)->collection_rp_id, "RPC-1");
  EXPECT_EQ(db_.list_reference_points(""), (rp_list{b, a})) << "in the order prepared";
  const auto disk = db_.find_tracked_disk(a.rct_ids[2]);
  ASSERT_TRUE(disk);
  EXPECT_EQ(disk->rp_id, a.id);
  // The collection reference point lives on the coordinator.
  EXPECT_FALSE(db_.get_collection_rp("RPC-1"));
  EXPECT_EQ(count("rp_collections"), 0);
  EXPECT_EQ(count("rp_collection_members"), 0);
  EXPECT_EQ(db_.in_doubt_jobs(), (in_doubt_list{{"JOB-2", "node-1"}}));
  EXPECT_EQ(db_.count_pending_members(), 1u);

  const auto events = db_.take_committed_events();
  ASSERT_EQ(types_of(events),
            (std::vector<std::string>{"referencePoint.created", "referencePoint.created"}));
  EXPECT_EQ(events[0].job_id, "JOB-1");
  EXPECT_EQ(events[0].target, "SYS-B");
  const auto message = boost::json::parse(events[0].message).as_object();
  EXPECT_EQ(message.at("referencePoint").at("id").as_string(), b.id);
  EXPECT_EQ(message.at("referencePoint").at("collectionReferencePointId").as_string(), "RPC-1");
}

TEST_F(PendingMembers, CommittingAgainOrAnUnknownJobAnswersZeroAndWritesNothing) {
  const auto member = sample_member("RPC-1", "SYS-A", "JOB-1");
  db_.prepare_member("node-1", member);
  ASSERT_EQ(db_.commit_member("JOB-1"), 1u);
  db_.take_committed_events();

  EXPECT_EQ(db_.commit_member("JOB-1"), 0u);
  EXPECT_EQ(db_.commit_member("nope"), 0u);
  EXPECT_EQ(db_.list_reference_points(""), rp_list{member});
  EXPECT_TRUE(db_.take_committed_events().empty());
}

TEST_F(PendingMembers, AbortForgetsThePendingMembersOfThatJobOnly) {
  const auto kept = sample_member("RPC-2", "SYS-A", "JOB-2");
  db_.prepare_member("node-1", sample_member("RPC-1", "SYS-A", "JOB-1"));
  db_.prepare_member("node-1", sample_member("RPC-1", "SYS-B", "JOB-1"));
  db_.prepare_member("node-1", kept);

  EXPECT_EQ(db_.abort_member("JOB-1"), 2u);
  EXPECT_EQ(db_.abort_member("JOB-1"), 0u);
  EXPECT_EQ(db_.abort_member("nope"), 0u);
  EXPECT_EQ(db_.in_doubt_jobs(), (in_doubt_list{{"JOB-2", "node-1"}}));
  EXPECT_EQ(db_.count_pending_members(), 1u);
  EXPECT_EQ(db_.commit_member("JOB-1"), 0u) << "an aborted job has nothing to commit";
  EXPECT_TRUE(db_.list_reference_points("").empty());
  EXPECT_TRUE(db_.take_committed_events().empty()) << "aborting is not an event";

  EXPECT_EQ(db_.commit_member("JOB-2"), 1u);
  EXPECT_EQ(db_.list_reference_points(""), rp_list{kept});
}

TEST_F(PendingMembers, PreparingTheSameMemberAgainChangesNothing) {
  const auto member = sample_member("RPC-1", "SYS-A", "JOB-1");
  db_.prepare_member("node-1", member);
  auto changed = member;
  changed.element_name = "changed";
  db_.prepare_member("node-1", changed);
  EXPECT_EQ(db_.count_pending_members(), 1u);
  ASSERT_EQ(db_.commit_member("JOB-1"), 1u);
  EXPECT_EQ(db_.get_reference_point(member.id), member);

  // A late repeat of the prepare once committed leaves nothing in doubt.
  db_.prepare_member("node-1", member);
  EXPECT_EQ(db_.count_pending_members(), 0u);
  EXPECT_TRUE(db_.in_doubt_jobs().empty());
}

TEST_F(PendingMembers, FingerprintMapsOrNoCollectionReferencePointAreRefused) {
  auto mapped = sample_member("RPC-1", "SYS-A", "JOB-1");
  mapped.block_maps = {{1, "images/a.img", "RPBM map"}};
  EXPECT_THROW(db_.prepare_member("node-1", mapped), store_error);
  auto alone = sample_member("RPC-1", "SYS-B", "JOB-1");
  alone.collection_rp_id.clear();
  EXPECT_THROW(db_.prepare_member("node-1", alone), store_error);
  EXPECT_EQ(db_.count_pending_members(), 0u);
  EXPECT_TRUE(db_.in_doubt_jobs().empty());
}

TEST_F(PendingMembers, AJobHasOneCoordinator) {
  db_.prepare_member("node-1", sample_member("RPC-1", "SYS-A", "JOB-1"));
  EXPECT_THROW(db_.prepare_member("node-2", sample_member("RPC-1", "SYS-B", "JOB-1")), store_error);
  EXPECT_EQ(db_.in_doubt_jobs(), (in_doubt_list{{"JOB-1", "node-1"}}));
  EXPECT_EQ(db_.count_pending_members(), 1u);
}

TEST_F(PendingMembers, DiskAndRctIdsComeBackExactly) {
  auto member = sample_member("RPC-1", "SYS-A", "JOB-1");
  member.kind = protocol::rp_kind::log;
  member.disk_ids = {"quote \" backslash \\ tab \t", "caf\xc3\xa9", std::string("nul\0byte", 8),
                     "raw \xff byte", ""};
  member.rct_ids.clear(); // a log-based reference point has no RCT ids
  db_.prepare_member("node-1", member);
  ASSERT_EQ(db_.commit_member("JOB-1"), 1u);
  EXPECT_EQ(db_.get_reference_point(member.id), member);
}

TEST_F(PendingMembers, CommitOfATakenIdWritesNothingAndKeepsThemPending) {
  const auto member = sample_member("RPC-1", "SYS-A", "JOB-1");
  db_.prepare_member("node-1", sample_member("RPC-1", "SYS-B", "JOB-1"));
  db_.prepare_member("node-1", member);
  auto lone = sample_rp(member.id, "SYS-A", "JOB-0");
  lone.rct_ids.clear();
  db_.insert_job(sample_job("JOB-0"));
  ASSERT_TRUE(db_.complete_job(completed(sample_job("JOB-0"), lone), lone));
  db_.take_committed_events();

  EXPECT_THROW(db_.commit_member("JOB-1"), store_error);
  EXPECT_EQ(db_.list_reference_points(""), rp_list{lone});
  EXPECT_EQ(db_.count_pending_members(), 2u);
  EXPECT_TRUE(db_.take_committed_events().empty());
}

TEST_F(PendingMembers, ARolledBackTransactionPreparesNothing) {
  EXPECT_THROW(db_.transact([&] {
    db_.prepare_member("node-1", sample_member("RPC-1", "SYS-A", "JOB-1"));
    throw store_error("boom");
  }),
               store_error);
  EXPECT_EQ(db_.count_pending_members(), 0u);
}

// -- pending destroys ----------------------------------------------------------------------

TEST_F(PendingMembers, PreparedDestroyKeepsTheMembersVisibleToEveryRead) {
  const auto members = store_members("RPC-1", {"SYS-A", "SYS-B"});
  const auto other = store_members("RPC-2", {"SYS-A"});

  EXPECT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 2u);

  EXPECT_EQ(db_.get_reference_point(members[0].id), members[0]);
  EXPECT_EQ(db_.get_reference_point(members[1].id), members[1]);
  EXPECT_EQ(db_.list_reference_points(""), (rp_list{members[0], members[1], other[0]}));
  EXPECT_EQ(db_.list_reference_points("SYS-B"), rp_list{members[1]});
  const auto disk = db_.find_tracked_disk(members[1].rct_ids[0]);
  ASSERT_TRUE(disk);
  EXPECT_EQ(disk->rp_id, members[1].id);
  EXPECT_EQ(count("reference_points"), 3);
  EXPECT_EQ(db_.in_doubt_jobs(), (in_doubt_list{{"JOB-D", "node-1"}}));
  EXPECT_EQ(db_.count_pending_members(), 2u);
  EXPECT_TRUE(db_.take_committed_events().empty()) << "preparing is not an event";
}

TEST_F(PendingMembers, CommitDeletesTheMembersToDestroyWithTheirEvents) {
  const auto members = store_members("RPC-1", {"SYS-A", "SYS-B"});
  const auto other = store_members("RPC-2", {"SYS-A"});
  ASSERT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 2u);

  EXPECT_EQ(db_.commit_member("JOB-D"), 2u);

  EXPECT_FALSE(db_.get_reference_point(members[0].id));
  EXPECT_FALSE(db_.get_reference_point(members[1].id));
  EXPECT_FALSE(db_.find_tracked_disk(members[0].rct_ids[0]));
  EXPECT_EQ(db_.list_reference_points(""), other);
  EXPECT_EQ(count("rp_disks"), 3) << "the disks of the other member only";
  EXPECT_TRUE(db_.in_doubt_jobs().empty());
  EXPECT_EQ(db_.count_pending_members(), 0u);

  const auto events = db_.take_committed_events();
  ASSERT_EQ(types_of(events),
            (std::vector<std::string>{"referencePoint.deleted", "referencePoint.deleted"}));
  EXPECT_EQ(events[0].job_id, "JOB-D");
  EXPECT_EQ(events[0].target, "SYS-A");
  const auto message = boost::json::parse(events[0].message).as_object();
  EXPECT_EQ(message.at("referencePoint").at("id").as_string(), members[0].id);
  EXPECT_EQ(message.at("referencePoint").at("jobId").as_string(), "C-RPC-1")
    << "the reference point as it was stored";
  EXPECT_EQ(message.at("referencePoint").at("collectionReferencePointId").as_string(), "RPC-1");

  EXPECT_EQ(db_.commit_member("JOB-D"), 0u);
  EXPECT_TRUE(db_.take_committed_events().empty());
}

TEST_F(PendingMembers, CommittedDestroyDeletesTheFingerprintMapsToo) {
  auto job = sample_job("JOB-1", "COLL-1");
  job.type = protocol::job_type::create_collection_reference_point;
  db_.insert_job(job);
  rp_list members;
  const auto rpc = sample_rpc("RPC-1", "COLL-1", job.id, {"SYS-A"}, members);
  members[0].block_maps = {{1, "images/a.img", "RPBM map"}};
  ASSERT_TRUE(db_.complete_collection_job(completed(job, rpc), rpc, members));
  ASSERT_EQ(count("block_maps"), 1);

  ASSERT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 1u);
  EXPECT_EQ(count("block_maps"), 1) << "still there until the commit";
  EXPECT_EQ(db_.commit_member("JOB-D"), 1u);
  EXPECT_FALSE(db_.get_reference_point(members[0].id));
  EXPECT_EQ(count("block_maps"), 0);
  EXPECT_EQ(count("rp_disks"), 0);
}

TEST_F(PendingMembers, AbortOfADestroyKeepsTheMembers) {
  const auto members = store_members("RPC-1", {"SYS-A", "SYS-B"});
  ASSERT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 2u);

  EXPECT_EQ(db_.abort_member("JOB-D"), 2u);

  EXPECT_TRUE(db_.in_doubt_jobs().empty());
  EXPECT_EQ(db_.count_pending_members(), 0u);
  EXPECT_EQ(db_.commit_member("JOB-D"), 0u) << "an aborted job has nothing to commit";
  EXPECT_EQ(db_.list_reference_points(""), members);
  EXPECT_TRUE(db_.take_committed_events().empty()) << "aborting is not an event";
}

TEST_F(PendingMembers, PreparingTheSameDestroyAgainChangesNothing) {
  const auto members = store_members("RPC-1", {"SYS-A", "SYS-B"});
  ASSERT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 2u);
  EXPECT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 2u);
  EXPECT_EQ(db_.count_pending_members(), 2u);
  EXPECT_EQ(db_.in_doubt_jobs(), (in_doubt_list{{"JOB-D", "node-1"}}));
  ASSERT_EQ(db_.commit_member("JOB-D"), 2u);

  // A late repeat of the prepare once committed finds nothing left to destroy.
  EXPECT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 0u);
  EXPECT_EQ(db_.count_pending_members(), 0u);
  EXPECT_TRUE(db_.in_doubt_jobs().empty());
}

TEST_F(PendingMembers, ADestroyCoversOnlyTheMembersStoredHere) {
  const auto members = store_members("RPC-1", {"SYS-A"});
  const auto prepared = sample_member("RPC-1", "SYS-B", "JOB-C");
  db_.prepare_member("node-1", prepared); // pending, not stored: not covered

  EXPECT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 1u);
  EXPECT_EQ(db_.prepare_member_destroy("node-1", "JOB-E", "nope"), 0u);
  EXPECT_EQ(db_.in_doubt_jobs(), (in_doubt_list{{"JOB-C", "node-1"}, {"JOB-D", "node-1"}}));
  EXPECT_EQ(db_.count_pending_members(), 2u);

  ASSERT_EQ(db_.commit_member("JOB-D"), 1u);
  EXPECT_TRUE(db_.list_reference_points("").empty());
  ASSERT_EQ(db_.commit_member("JOB-C"), 1u);
  EXPECT_EQ(db_.list_reference_points(""), rp_list{prepared});
}

TEST_F(PendingMembers, TwoJobsMayHaveTheSameDestroyPending) {
  const auto members = store_members("RPC-1", {"SYS-A"});
  ASSERT_EQ(db_.prepare_member_destroy("node-1", "JOB-D1", "RPC-1"), 1u);
  ASSERT_EQ(db_.prepare_member_destroy("node-2", "JOB-D2", "RPC-1"), 1u);
  EXPECT_EQ(db_.count_pending_members(), 2u);

  EXPECT_EQ(db_.commit_member("JOB-D1"), 1u);
  EXPECT_EQ(types_of(db_.take_committed_events()),
            std::vector<std::string>{"referencePoint.deleted"});
  EXPECT_EQ(db_.commit_member("JOB-D2"), 1u) << "applied, though it was gone already";
  EXPECT_TRUE(db_.take_committed_events().empty()) << "nothing more was deleted";
  EXPECT_TRUE(db_.list_reference_points("").empty());
  EXPECT_TRUE(db_.in_doubt_jobs().empty());
}

TEST_F(PendingMembers, ADestroyJobHasOneCoordinator) {
  store_members("RPC-1", {"SYS-A"});
  store_members("RPC-2", {"SYS-A"});
  ASSERT_EQ(db_.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 1u);
  EXPECT_THROW(db_.prepare_member_destroy("node-2", "JOB-D", "RPC-2"), store_error);
  EXPECT_THROW(db_.prepare_member("node-2", sample_member("RPC-3", "SYS-A", "JOB-D")), store_error);
  EXPECT_EQ(db_.in_doubt_jobs(), (in_doubt_list{{"JOB-D", "node-1"}}));
  EXPECT_EQ(db_.count_pending_members(), 1u);
}

class PendingMembersFile : public with_temp_dir {};

TEST_F(PendingMembersFile, PreparedDestroySurvivesClosingTheDatabase) {
  const auto member = sample_member("RPC-1", "SYS-A", "JOB-C");
  {
    auto db = database::open(path_);
    db.prepare_member("node-1", member);
    ASSERT_EQ(db.commit_member("JOB-C"), 1u);
    ASSERT_EQ(db.prepare_member_destroy("node-1", "JOB-D", "RPC-1"), 1u);
  }
  auto reopened = database::open(path_);
  EXPECT_EQ(reopened.in_doubt_jobs(), (in_doubt_list{{"JOB-D", "node-1"}}));
  EXPECT_EQ(reopened.get_reference_point(member.id), member);
  ASSERT_EQ(reopened.commit_member("JOB-D"), 1u);
  EXPECT_FALSE(reopened.get_reference_point(member.id));
}

TEST_F(PendingMembersFile, PreparedMembersSurviveClosingTheDatabase) {
  const auto a = sample_member("RPC-1", "SYS-A", "JOB-1");
  const auto b = sample_member("RPC-1", "SYS-B", "JOB-1");
  {
    auto db = database::open(path_);
    db.prepare_member("node-1", a);
    db.prepare_member("node-1", b);
  }
  auto reopened = database::open(path_);
  EXPECT_EQ(reopened.in_doubt_jobs(), (in_doubt_list{{"JOB-1", "node-1"}}));
  EXPECT_EQ(reopened.count_pending_members(), 2u);
  EXPECT_EQ(database::open(path_, true).count_pending_members(), 2u) << "read-only too";
  ASSERT_EQ(reopened.commit_member("JOB-1"), 2u);
  EXPECT_EQ(reopened.list_reference_points(""), (rp_list{a, b}));
}

// -- actors --------------------------------------------------------------------------------

class PendingMembersActors : public with_actors {
protected:
  // The writer opens (and migrates) the file first; the reader is read-only.
  store_actor store_ = keep(spawn_store_actor(sys_, database::open(path_)));
  query_actor query_ = keep(spawn_query_actor(sys_, database::open(path_, true)));

  caf::expected<ack_atom> prepare(const std::string& coordinator,
                                  const protocol::reference_point& rp) {
    return ask<ack_atom>(store_, prepare_member_atom::value, coordinator, rp);
  }
};

TEST_F(PendingMembersActors, MembersArePreparedThenCommittedOrAborted) {
  const auto a = sample_member("RPC-1", "SYS-A", "JOB-1");
  const auto b = sample_member("RPC-1", "SYS-B", "JOB-1");
  ASSERT_TRUE(prepare("node-1", a));
  ASSERT_TRUE(prepare("node-1", b));
  ASSERT_TRUE(prepare("node-1", a)) << "a repeat is acknowledged";
  ASSERT_TRUE(prepare("node-2", sample_member("RPC-2", "SYS-A", "JOB-2")));

  EXPECT_EQ(ask<std::uint64_t>(query_, pending_count_atom::value), 3u);
  EXPECT_EQ(ask<in_doubt_list>(query_, in_doubt_atom::value),
            (in_doubt_list{{"JOB-1", "node-1"}, {"JOB-2", "node-2"}}));
  const auto hidden = ask<protocol::reference_point>(query_, get_rp_atom::value, a.id);
  ASSERT_FALSE(hidden);
  EXPECT_EQ(hidden.error(), store_errc::not_found);

  EXPECT_EQ(ask<std::uint64_t>(store_, commit_member_atom::value, std::string{"JOB-1"}), 2u);
  EXPECT_EQ(ask<std::uint64_t>(store_, commit_member_atom::value, std::string{"JOB-1"}), 0u);
  EXPECT_EQ(ask<protocol::reference_point>(query_, get_rp_atom::value, a.id), a);
  EXPECT_EQ(ask<rp_list>(query_, list_rps_atom::value, std::string{}), (rp_list{a, b}));

  EXPECT_EQ(ask<std::uint64_t>(store_, abort_member_atom::value, std::string{"JOB-2"}), 1u);
  EXPECT_EQ(ask<std::uint64_t>(store_, abort_member_atom::value, std::string{"JOB-2"}), 0u);
  EXPECT_EQ(ask<std::uint64_t>(query_, pending_count_atom::value), 0u);
  EXPECT_EQ(ask<in_doubt_list>(query_, in_doubt_atom::value), in_doubt_list{});
}

TEST_F(PendingMembersActors, DestroyIsPreparedThenCommitted) {
  const auto a = sample_member("RPC-1", "SYS-A", "JOB-C");
  const auto b = sample_member("RPC-1", "SYS-B", "JOB-C");
  ASSERT_TRUE(prepare("node-1", a));
  ASSERT_TRUE(prepare("node-1", b));
  ASSERT_EQ(ask<std::uint64_t>(store_, commit_member_atom::value, std::string{"JOB-C"}), 2u);
  const auto destroy = [&](const std::string& coordinator) {
    return ask<std::uint64_t>(store_, prepare_destroy_atom::value, coordinator,
                              std::string{"JOB-D"}, std::string{"RPC-1"});
  };

  EXPECT_EQ(destroy("node-1"), 2u);
  EXPECT_EQ(destroy("node-1"), 2u) << "a repeat covers the same";
  EXPECT_EQ(ask<std::uint64_t>(query_, pending_count_atom::value), 2u);
  EXPECT_EQ(ask<in_doubt_list>(query_, in_doubt_atom::value), (in_doubt_list{{"JOB-D", "node-1"}}));
  EXPECT_EQ(ask<protocol::reference_point>(query_, get_rp_atom::value, a.id), a);
  const auto refused = destroy("node-2");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), store_errc::write_failed);

  EXPECT_EQ(ask<std::uint64_t>(store_, commit_member_atom::value, std::string{"JOB-D"}), 2u);
  const auto gone = ask<protocol::reference_point>(query_, get_rp_atom::value, a.id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(), store_errc::not_found);
  EXPECT_EQ(ask<rp_list>(query_, list_rps_atom::value, std::string{}), rp_list{});
  EXPECT_EQ(ask<std::uint64_t>(query_, pending_count_atom::value), 0u);
}

TEST_F(PendingMembersActors, RefusedPrepareAnswersWriteFailed) {
  auto mapped = sample_member("RPC-1", "SYS-A", "JOB-1");
  mapped.block_maps = {{0, "images/a.img", "RPBM map"}};
  const auto refused = prepare("node-1", mapped);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), store_errc::write_failed);
  EXPECT_NE(caf::to_string(refused.error()).find(mapped.id), std::string::npos)
    << caf::to_string(refused.error());
  EXPECT_EQ(ask<std::uint64_t>(query_, pending_count_atom::value), 0u);
}

} // namespace
