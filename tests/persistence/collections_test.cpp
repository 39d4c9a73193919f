#include "persistence/database.hpp"
#include "persistence/inspect.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

using id_list = std::vector<std::string>;

// -- collections ----------------------------------------------------------------------

class Collections : public with_temp_dir {
protected:
  database db_ = database::open(path_);
};

TEST_F(Collections, RoundTripStoresMembersInAscendingSystemName) {
  db_.put_collection(sample_collection("COLL-1", {"SYS-C", "SYS-A", "SYS-B"}));
  EXPECT_EQ(db_.get_collection("COLL-1"), sample_collection("COLL-1", {"SYS-A", "SYS-B", "SYS-C"}));
}

TEST_F(Collections, CollectionWithoutMembersRoundTrips) {
  db_.put_collection(sample_collection("COLL-1", {}));
  EXPECT_EQ(db_.get_collection("COLL-1"), sample_collection("COLL-1", {}));
}

TEST_F(Collections, PutReplacesTheCollectionAndItsMembers) {
  db_.put_collection(sample_collection("COLL-1", {"SYS-A", "SYS-B"}));
  auto changed = sample_collection("COLL-1", {"SYS-B", "SYS-C"});
  changed.element_name = "renamed";
  changed.created_at = 5;
  db_.put_collection(changed);
  EXPECT_EQ(db_.get_collection("COLL-1"), changed);
  EXPECT_EQ(db_.load_collections().size(), 1u);
  EXPECT_TRUE(db_.collections_of_system("SYS-A").empty());
}

TEST_F(Collections, DuplicateMemberIsRefusedAndKeepsThePreviousState) {
  const auto before = sample_collection("COLL-1", {"SYS-A"});
  db_.put_collection(before);
  EXPECT_THROW(db_.put_collection(sample_collection("COLL-1", {"SYS-B", "SYS-B"})), store_error);
  EXPECT_EQ(db_.get_collection("COLL-1"), before);
}

TEST_F(Collections, LoadListsEveryCollectionById) {
  db_.put_collection(sample_collection("COLL-B", {"SYS-1"}));
  db_.put_collection(sample_collection("COLL-A", {"SYS-2"}));
  EXPECT_EQ(db_.load_collections(), (std::vector{sample_collection("COLL-A", {"SYS-2"}),
                                                 sample_collection("COLL-B", {"SYS-1"})}));
}

TEST_F(Collections, CollectionsOfSystemAreItsCollectionIdsAscending) {
  db_.put_collection(sample_collection("COLL-C", {"SYS-1", "SYS-2"}));
  db_.put_collection(sample_collection("COLL-A", {"SYS-2"}));
  db_.put_collection(sample_collection("COLL-B", {"SYS-1"}));
  EXPECT_EQ(db_.collections_of_system("SYS-1"), (id_list{"COLL-B", "COLL-C"}));
  EXPECT_EQ(db_.collections_of_system("SYS-2"), (id_list{"COLL-A", "COLL-C"}));
  EXPECT_TRUE(db_.collections_of_system("SYS-3").empty());
}

TEST_F(Collections, DeleteRemovesTheCollectionAndItsMembership) {
  db_.put_collection(sample_collection("COLL-1", {"SYS-1"}));
  db_.put_collection(sample_collection("COLL-2", {"SYS-1"}));
  EXPECT_TRUE(db_.delete_collection("COLL-1"));
  EXPECT_FALSE(db_.get_collection("COLL-1"));
  EXPECT_EQ(db_.collections_of_system("SYS-1"), id_list{"COLL-2"});
  EXPECT_FALSE(db_.delete_collection("COLL-1"));
  EXPECT_FALSE(db_.delete_collection("nope"));
  EXPECT_EQ(SQLite::Database(path_).execAndGet("SELECT count(*) FROM collection_members").getInt(),
            1);
}

// -- collection reference points -----------------------------------------------------------

class CollectionReferencePoints : public with_temp_dir {
protected:
  /// Inserts a running create job and completes it with a collection reference point
  /// `rpc_id` of `collection_id` over `systems`; `members` receives its members.
  protocol::collection_reference_point make_rpc(const std::string& rpc_id,
                                                const std::string& collection_id,
                                                const id_list& systems,
                                                std::vector<protocol::reference_point>& members) {
    auto job = sample_job("JOB-" + rpc_id, collection_id);
    job.type = protocol::job_type::create_collection_reference_point;
    db_.insert_job(job);
    auto rpc = sample_rpc(rpc_id, collection_id, job.id, systems, members);
    EXPECT_TRUE(db_.complete_collection_job(completed(job, rpc), rpc, members));
    return rpc;
  }

  /// A running job of `type` for `target`.
  protocol::job_record insert_job_for(const std::string& id, protocol::job_type type,
                                      const std::string& target) {
    auto job = sample_job(id, target);
    job.type = type;
    return db_.insert_job(job);
  }

  int count(const std::string& table) {
    return SQLite::Database(path_).execAndGet("SELECT count(*) FROM " + table).getInt();
  }

  database db_ = database::open(path_);
};

TEST_F(CollectionReferencePoints, CompletionStoresItsMembersAndTheCompletedJobTogether) {
  auto job =
    insert_job_for("JOB-1", protocol::job_type::create_collection_reference_point, "COLL-1");
  std::vector<protocol::reference_point> members;
  const auto rpc = sample_rpc("RPC-1", "COLL-1", job.id, {"SYS-A", "SYS-B"}, members);
  // Members as the caller may hand them over: not yet pointing at their collection.
  auto handed = members;
  for (auto& member : handed) {
    member.collection_rp_id.clear();
  }
  auto done = completed(job, rpc);
  ASSERT_TRUE(db_.complete_collection_job(done, rpc, handed));

  EXPECT_EQ(db_.get_collection_rp("RPC-1"), rpc);
  EXPECT_EQ(db_.get_reference_point("RPC-1-SYS-A"), members[0]);
  EXPECT_EQ(db_.get_reference_point("RPC-1-SYS-B"), members[1]);
  EXPECT_EQ(db_.list_reference_points("SYS-B"), std::vector{members[1]});
  done.seq = job.seq;
  EXPECT_EQ(db_.get_job("JOB-1"), done);
}

TEST_F(CollectionReferencePoints, StoredMemberListIsItsMemberIdsInTheirOrder) {
  insert_job_for("JOB-1", protocol::job_type::create_collection_reference_point, "COLL-1");
  std::vector<protocol::reference_point> members;
  auto rpc = sample_rpc("RPC-1", "COLL-1", "JOB-1", {"SYS-A", "SYS-B", "SYS-C"}, members);
  rpc.member_ids = {"RPC-1-SYS-C", "RPC-1-SYS-A", "RPC-1-SYS-B"};
  ASSERT_TRUE(db_.complete_collection_job(completed(sample_job("JOB-1"), rpc), rpc, members));
  EXPECT_EQ(db_.get_collection_rp("RPC-1"), rpc);
  EXPECT_EQ(db_.get_collection_rp("RPC-1")->member_ids,
            (id_list{"RPC-1-SYS-C", "RPC-1-SYS-A", "RPC-1-SYS-B"}));
}

TEST_F(CollectionReferencePoints, WithoutMemberIdsTheMemberListIsTheGivenMembersInOrder) {
  insert_job_for("JOB-1", protocol::job_type::create_collection_reference_point, "COLL-1");
  std::vector<protocol::reference_point> members;
  auto rpc = sample_rpc("RPC-1", "COLL-1", "JOB-1", {"SYS-A", "SYS-B", "SYS-C"}, members);
  const auto expected = rpc;
  rpc.member_ids.clear();
  ASSERT_TRUE(db_.complete_collection_job(completed(sample_job("JOB-1"), rpc), rpc, members));
  EXPECT_EQ(db_.get_collection_rp("RPC-1"), expected);
  EXPECT_EQ(db_.get_collection_rp("RPC-1")->member_ids,
            (id_list{"RPC-1-SYS-A", "RPC-1-SYS-B", "RPC-1-SYS-C"}));
}

TEST_F(CollectionReferencePoints, MemberListMayNameMembersStoredOnOtherNodes) {
  insert_job_for("JOB-1", protocol::job_type::create_collection_reference_point, "COLL-1");
  std::vector<protocol::reference_point> members;
  auto rpc = sample_rpc("RPC-1", "COLL-1", "JOB-1", {"SYS-A"}, members);
  rpc.member_ids = {"RPC-1-SYS-A", "RP-ELSEWHERE"};
  db_.take_committed_events();
  ASSERT_TRUE(db_.complete_collection_job(completed(sample_job("JOB-1"), rpc), rpc, members));

  EXPECT_EQ(db_.get_collection_rp("RPC-1"), rpc);
  EXPECT_FALSE(db_.get_reference_point("RP-ELSEWHERE"));
  EXPECT_EQ(db_.list_reference_points(""), members);
  const auto events = db_.take_committed_events();
  ASSERT_EQ(events.size(), 4u); // the local member, the collection, the job's two
  EXPECT_EQ(events[0].type, "referencePoint.created");
  EXPECT_EQ(events[1].type, "collectionReferencePoint.created");
  EXPECT_NE(events[1].message.find("RP-ELSEWHERE"), std::string::npos) << events[1].message;

  // Destroying it deletes the members stored here.
  const auto job =
    insert_job_for("JOB-D", protocol::job_type::destroy_collection_reference_point, "RPC-1");
  ASSERT_TRUE(db_.destroy_collection_rp_job(finished(job), "RPC-1"));
  EXPECT_FALSE(db_.get_collection_rp("RPC-1"));
  EXPECT_TRUE(db_.list_reference_points("").empty());
}

TEST_F(CollectionReferencePoints, MemberNodesRoundTripParallelToTheMemberIds) {
  insert_job_for("JOB-1", protocol::job_type::create_collection_reference_point, "COLL-1");
  std::vector<protocol::reference_point> members;
  auto rpc = sample_rpc("RPC-1", "COLL-1", "JOB-1", {"SYS-A"}, members);
  rpc.member_ids = {"RP-ON-2", "RPC-1-SYS-A", "RP-ON-3"};
  rpc.member_nodes = {"node-2", "", "node-3"};
  db_.take_committed_events();
  ASSERT_TRUE(db_.complete_collection_job(completed(sample_job("JOB-1"), rpc), rpc, members));

  EXPECT_EQ(db_.get_collection_rp("RPC-1"), rpc);
  EXPECT_EQ(db_.get_collection_rp("RPC-1")->member_nodes, (id_list{"node-2", "", "node-3"}));
  EXPECT_EQ(db_.list_collection_rps("COLL-1"), std::vector{rpc});
  EXPECT_EQ(db_.list_reference_points(""), members) << "only the member stored here";
  const auto events = db_.take_committed_events();
  ASSERT_EQ(events.size(), 4u);
  ASSERT_EQ(events[1].type, "collectionReferencePoint.created");
  EXPECT_EQ(events[1].message.find("node-2"), std::string::npos)
    << "the nodes are not part of the REST form: " << events[1].message;
}

TEST_F(CollectionReferencePoints, ShorterMemberNodesLeaveTheRestOnThisNode) {
  insert_job_for("JOB-1", protocol::job_type::create_collection_reference_point, "COLL-1");
  std::vector<protocol::reference_point> members;
  auto rpc = sample_rpc("RPC-1", "COLL-1", "JOB-1", {"SYS-A", "SYS-B"}, members);
  rpc.member_ids = {"RP-ON-2", "RPC-1-SYS-A", "RPC-1-SYS-B"};
  rpc.member_nodes = {"node-2"};
  ASSERT_TRUE(db_.complete_collection_job(completed(sample_job("JOB-1"), rpc), rpc, members));
  EXPECT_EQ(db_.get_collection_rp("RPC-1")->member_nodes, (id_list{"node-2", "", ""}));
}

TEST_F(CollectionReferencePoints, MemberNodesReadEmptyWhenEveryMemberIsHere) {
  insert_job_for("JOB-1", protocol::job_type::create_collection_reference_point, "COLL-1");
  std::vector<protocol::reference_point> members;
  auto rpc = sample_rpc("RPC-1", "COLL-1", "JOB-1", {"SYS-A", "SYS-B"}, members);
  rpc.member_nodes = {"", ""};
  ASSERT_TRUE(db_.complete_collection_job(completed(sample_job("JOB-1"), rpc), rpc, members));
  const auto read = db_.get_collection_rp("RPC-1");
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->member_nodes.empty());
  EXPECT_EQ(read->member_ids, rpc.member_ids);
  EXPECT_EQ(count("rp_collection_members"), 2);
}

TEST(CollectionReferencePointMessage, SerializationKeepsTheMemberNodes) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::vector<protocol::reference_point> members;
  auto sent = sample_rpc("RPC-1", "COLL-1", "JOB-1", {"SYS-A", "SYS-B"}, members);
  sent.member_nodes = {"", "node-2"};
  std::vector<char> buffer;
  caf::binary_serializer sink{sys, buffer};
  ASSERT_FALSE(sink(sent));
  protocol::collection_reference_point received;
  caf::binary_deserializer source{sys, buffer};
  ASSERT_FALSE(source(received));
  EXPECT_EQ(received, sent);
}

TEST_F(CollectionReferencePoints, ListOfOneCollectionIsOldestFirstAndEmptyIdListsAll) {
  std::vector<protocol::reference_point> members;
  const auto a1 = make_rpc("RPC-Z", "COLL-A", {"SYS-1"}, members);
  const auto b1 = make_rpc("RPC-Y", "COLL-B", {"SYS-2"}, members);
  const auto a2 = make_rpc("RPC-X", "COLL-A", {"SYS-1", "SYS-2"}, members);
  EXPECT_EQ(db_.list_collection_rps("COLL-A"), (std::vector{a1, a2}));
  EXPECT_EQ(db_.list_collection_rps(""), (std::vector{a1, b1, a2}));
  EXPECT_TRUE(db_.list_collection_rps("COLL-C").empty());
  EXPECT_FALSE(db_.get_collection_rp("nope"));
}

TEST_F(CollectionReferencePoints, CollidingMemberIdStoresNothingAndLeavesTheJobRunning) {
  insert_job_for("JOB-0", protocol::job_type::create_reference_point, "SYS-B");
  const auto lone = sample_rp("RPC-1-SYS-B", "SYS-B", "JOB-0");
  ASSERT_TRUE(db_.complete_job(completed(sample_job("JOB-0", "SYS-B"), lone), lone));

  const auto job =
    insert_job_for("JOB-1", protocol::job_type::create_collection_reference_point, "COLL-1");
  std::vector<protocol::reference_point> members;
  const auto rpc = sample_rpc("RPC-1", "COLL-1", job.id, {"SYS-A", "SYS-B", "SYS-C"}, members);
  EXPECT_THROW(db_.complete_collection_job(completed(job, rpc), rpc, members), store_error);

  EXPECT_FALSE(db_.get_collection_rp("RPC-1"));
  EXPECT_FALSE(db_.get_reference_point("RPC-1-SYS-A"));
  EXPECT_FALSE(db_.get_reference_point("RPC-1-SYS-C"));
  EXPECT_EQ(db_.get_reference_point("RPC-1-SYS-B"), lone);
  EXPECT_EQ(db_.get_job("JOB-1"), job);
  EXPECT_EQ(count("rp_collections"), 0);
  EXPECT_EQ(count("rp_collection_members"), 0);
  EXPECT_EQ(count("reference_points"), 1);
}

TEST_F(CollectionReferencePoints, CollidingCollectionIdStoresNothing) {
  std::vector<protocol::reference_point> members;
  const auto first = make_rpc("RPC-1", "COLL-1", {"SYS-A"}, members);
  const auto job =
    insert_job_for("JOB-2", protocol::job_type::create_collection_reference_point, "COLL-2");
  std::vector<protocol::reference_point> others;
  auto again = sample_rpc("RPC-1", "COLL-2", job.id, {"SYS-Q"}, others);
  others[0].id = "RP-Q";
  EXPECT_THROW(db_.complete_collection_job(completed(job, again), again, others), store_error);
  EXPECT_EQ(db_.get_collection_rp("RPC-1"), first);
  EXPECT_FALSE(db_.get_reference_point("RP-Q"));
  EXPECT_EQ(db_.get_job("JOB-2"), job);
}

TEST_F(CollectionReferencePoints, CompletingUnknownJobStoresNothing) {
  std::vector<protocol::reference_point> members;
  const auto rpc = sample_rpc("RPC-1", "COLL-1", "nope", {"SYS-A"}, members);
  EXPECT_FALSE(db_.complete_collection_job(completed(sample_job("nope"), rpc), rpc, members));
  EXPECT_FALSE(db_.get_collection_rp("RPC-1"));
  EXPECT_FALSE(db_.get_reference_point("RPC-1-SYS-A"));
}

TEST_F(CollectionReferencePoints, DestroyDeletesItAndEveryMemberAndUpdatesTheJob) {
  std::vector<protocol::reference_point> members;
  make_rpc("RPC-1", "COLL-1", {"SYS-A", "SYS-B"}, members);
  std::vector<protocol::reference_point> kept_members;
  const auto kept = make_rpc("RPC-2", "COLL-1", {"SYS-A"}, kept_members);
  auto job =
    insert_job_for("JOB-D", protocol::job_type::destroy_collection_reference_point, "RPC-1");
  job = finished(job);
  ASSERT_TRUE(db_.destroy_collection_rp_job(job, "RPC-1"));

  EXPECT_FALSE(db_.get_collection_rp("RPC-1"));
  EXPECT_FALSE(db_.get_reference_point("RPC-1-SYS-A"));
  EXPECT_FALSE(db_.get_reference_point("RPC-1-SYS-B"));
  EXPECT_EQ(db_.get_job("JOB-D"), job);
  EXPECT_EQ(db_.list_collection_rps(""), std::vector{kept});
  EXPECT_EQ(db_.list_reference_points(""), kept_members);
  EXPECT_EQ(count("rp_collection_members"), 1);
  EXPECT_EQ(count("rp_disks"), 3); // the disks of RPC-2-SYS-A only
}

TEST_F(CollectionReferencePoints, DestroyOfUnknownOneOrUnknownJobWritesNothing) {
  std::vector<protocol::reference_point> members;
  const auto rpc = make_rpc("RPC-1", "COLL-1", {"SYS-A"}, members);
  const auto job =
    insert_job_for("JOB-D", protocol::job_type::destroy_collection_reference_point, "nope");
  EXPECT_FALSE(db_.destroy_collection_rp_job(finished(job), "nope"));
  EXPECT_EQ(db_.get_job("JOB-D"), job);
  EXPECT_FALSE(db_.destroy_collection_rp_job(finished(sample_job("JOB-X")), "RPC-1"));
  EXPECT_EQ(db_.get_collection_rp("RPC-1"), rpc);
  EXPECT_EQ(db_.get_reference_point("RPC-1-SYS-A"), members[0]);
}

// -- destroying a reference point ------------------------------------------------------------

TEST_F(CollectionReferencePoints, DestroyReferencePointDeletesItWithItsDisksAndUpdatesTheJob) {
  insert_job_for("JOB-1", protocol::job_type::create_reference_point, "SYS-1");
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  ASSERT_TRUE(db_.complete_job(completed(sample_job("JOB-1"), rp), rp));
  auto job = insert_job_for("JOB-D", protocol::job_type::destroy_reference_point, "RP-1");
  job = finished(job);
  ASSERT_TRUE(db_.destroy_reference_point_job(job, "RP-1"));
  EXPECT_FALSE(db_.get_reference_point("RP-1"));
  EXPECT_EQ(db_.get_job("JOB-D"), job);
  EXPECT_EQ(count("rp_disks"), 0);
}

TEST_F(CollectionReferencePoints, DestroyOfUnknownReferencePointOrJobWritesNothing) {
  insert_job_for("JOB-1", protocol::job_type::create_reference_point, "SYS-1");
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  ASSERT_TRUE(db_.complete_job(completed(sample_job("JOB-1"), rp), rp));
  const auto job = insert_job_for("JOB-D", protocol::job_type::destroy_reference_point, "nope");
  EXPECT_FALSE(db_.destroy_reference_point_job(finished(job), "nope"));
  EXPECT_EQ(db_.get_job("JOB-D"), job);
  EXPECT_FALSE(db_.destroy_reference_point_job(finished(sample_job("JOB-X")), "RP-1"));
  EXPECT_EQ(db_.get_reference_point("RP-1"), rp);
}

TEST_F(CollectionReferencePoints, MemberReferencePointCannotBeDestroyedAlone) {
  std::vector<protocol::reference_point> members;
  const auto rpc = make_rpc("RPC-1", "COLL-1", {"SYS-A"}, members);
  const auto job =
    insert_job_for("JOB-D", protocol::job_type::destroy_reference_point, "RPC-1-SYS-A");
  try {
    db_.destroy_reference_point_job(finished(job), "RPC-1-SYS-A");
    ADD_FAILURE() << "a member was destroyed alone";
  } catch (const store_error& e) {
    EXPECT_NE(std::string(e.what()).find("RPC-1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(db_.get_reference_point("RPC-1-SYS-A"), members[0]);
  EXPECT_EQ(db_.get_collection_rp("RPC-1"), rpc);
  EXPECT_EQ(db_.get_job("JOB-D"), job);
}

} // namespace
