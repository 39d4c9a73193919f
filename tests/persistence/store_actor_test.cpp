#include "actor_fixture.hpp"
#include "persistence/store_actor.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

class StoreActor : public with_actors {
protected:
  store_actor store_ = keep(spawn_store_actor(sys_, database::open(path_)));
};

TEST_F(StoreActor, AnswersWriteOnlyOnceAnotherConnectionCanSeeIt) {
  ASSERT_TRUE(ask<ack_atom>(store_, put_system_atom::value, sample_system("SYS-1")));
  auto other = database::open(path_);
  EXPECT_EQ(other.get_system("SYS-1"), sample_system("SYS-1"));
}

TEST_F(StoreActor, GroupCommitBatchesWritesSentWithoutWaiting) {
  constexpr int count = 500;
  std::vector<decltype(self_->request(store_, timeout, insert_job_atom::value,
                                      protocol::job_record{}))>
    pending;
  for (int i = 0; i < count; ++i) {
    pending.push_back(self_->request(store_, timeout, insert_job_atom::value,
                                     sample_job("JOB-" + std::to_string(i))));
  }
  std::vector<std::int64_t> seqs;
  for (auto& response : pending) {
    response.receive([&](protocol::job_record& stored) { seqs.push_back(stored.seq); },
                     [&](caf::error& error) { ADD_FAILURE() << caf::to_string(error); });
  }
  ASSERT_EQ(seqs.size(), static_cast<std::size_t>(count));
  for (std::size_t i = 1; i < seqs.size(); ++i) {
    EXPECT_LT(seqs[i - 1], seqs[i]) << "submission order is seq order";
  }
  const auto stats = ask<store_stats>(store_, stats_atom::value);
  ASSERT_TRUE(stats);
  RecordProperty("transactions", std::to_string(stats->transactions));
  EXPECT_EQ(stats->writes, static_cast<std::uint64_t>(count));
  EXPECT_EQ(stats->failed_writes, 0u);
  EXPECT_GE(stats->transactions, 1u);
  EXPECT_LT(stats->transactions, static_cast<std::uint64_t>(count));
  EXPECT_EQ(stats->commit_seconds_count, stats->transactions);
  EXPECT_GT(stats->commit_seconds_sum, 0.0);
  EXPECT_GT(stats->batch_size_max, 1u) << "500 writes sent without waiting share a batch";
  EXPECT_LE(stats->batch_size_max, static_cast<std::uint64_t>(count));
  EXPECT_EQ(database::open(path_).load_unfinished_jobs().size(), static_cast<std::size_t>(count));
}

TEST_F(StoreActor, OneFailingWriteIsAnsweredAloneAndTheRestOfItsBatchCommits) {
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  const auto colliding = sample_rp("RP-1", "SYS-2", "JOB-2");
  auto ins1 = self_->request(store_, timeout, insert_job_atom::value, sample_job("JOB-1"));
  auto cmp1 = self_->request(store_, timeout, complete_job_atom::value,
                             completed(sample_job("JOB-1"), rp), rp);
  auto ins2 = self_->request(store_, timeout, insert_job_atom::value, sample_job("JOB-2"));
  auto cmp2 = self_->request(store_, timeout, complete_job_atom::value,
                             completed(sample_job("JOB-2"), colliding), colliding);
  auto ins3 = self_->request(store_, timeout, insert_job_atom::value, sample_job("JOB-3"));
  auto expect_seq = [](auto& response) {
    response.receive([](protocol::job_record&) {},
                     [](caf::error& error) { ADD_FAILURE() << caf::to_string(error); });
  };
  expect_seq(ins1);
  cmp1.receive([](ack_atom) {}, [](caf::error& error) { ADD_FAILURE() << caf::to_string(error); });
  expect_seq(ins2);
  cmp2.receive([](ack_atom) { ADD_FAILURE() << "colliding id accepted"; },
               [](caf::error& error) {
                 EXPECT_EQ(error, store_errc::write_failed);
                 EXPECT_NE(caf::to_string(error).find("RP-1"), std::string::npos)
                   << caf::to_string(error);
               });
  expect_seq(ins3);

  auto db = database::open(path_);
  EXPECT_EQ(db.get_job("JOB-1")->state, protocol::job_state::completed);
  EXPECT_EQ(db.get_job("JOB-2")->state, protocol::job_state::running);
  EXPECT_TRUE(db.get_job("JOB-3"));
  EXPECT_EQ(db.get_reference_point("RP-1"), rp);
  const auto stats = ask<store_stats>(store_, stats_atom::value);
  EXPECT_EQ(stats->writes, 4u);
  EXPECT_EQ(stats->failed_writes, 1u);
}

TEST_F(StoreActor, UpdateOrCompletionOfUnknownJobAnswersNotFound) {
  const auto updated = ask<ack_atom>(store_, update_job_atom::value, sample_job("nope"));
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error(), store_errc::not_found);
  const auto rp = sample_rp("RP-1", "SYS-1", "nope");
  const auto done = ask<ack_atom>(store_, complete_job_atom::value, sample_job("nope"), rp);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error(), store_errc::not_found);
  EXPECT_FALSE(database::open(path_).get_reference_point("RP-1"));
}

TEST_F(StoreActor, WritesStagedBeforeAnExitAreCommittedBeforeItQuits) {
  // More than one transaction holds: every batch commits before the actor quits.
  for (int i = 0; i < 2500; ++i) {
    self_->send(store_, insert_job_atom::value, sample_job("JOB-" + std::to_string(i)));
  }
  caf::anon_send_exit(store_, caf::exit_reason::user_shutdown);
  self_->wait_for(store_);
  EXPECT_EQ(database::open(path_).load_unfinished_jobs().size(), 2500u);
}

TEST_F(StoreActor, ATransactionHoldsAtMostAThousandWrites) {
  std::vector<decltype(self_->request(store_, timeout, insert_job_atom::value,
                                      protocol::job_record{}))>
    pending;
  for (int i = 0; i < 2500; ++i)
    pending.push_back(self_->request(store_, timeout, insert_job_atom::value,
                                     sample_job("JOB-" + std::to_string(i))));
  std::size_t answered = 0;
  for (auto& response : pending)
    response.receive([&](protocol::job_record&) { ++answered; },
                     [&](caf::error& error) { ADD_FAILURE() << caf::to_string(error); });
  EXPECT_EQ(answered, 2500u);
  const auto stats = ask<store_stats>(store_, stats_atom::value);
  ASSERT_TRUE(stats);
  EXPECT_LE(stats->batch_size_max, 1000u);
  EXPECT_GE(stats->transactions, 3u);
}

TEST_F(StoreActor, DataSurvivesRestartingTheStore) {
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  ASSERT_TRUE(ask<ack_atom>(store_, put_system_atom::value, sample_system("SYS-1")));
  ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, sample_job("JOB-1")));
  ASSERT_TRUE(
    ask<ack_atom>(store_, complete_job_atom::value, completed(sample_job("JOB-1"), rp), rp));
  caf::anon_send_exit(store_, caf::exit_reason::user_shutdown);
  self_->wait_for(store_);

  auto reopened = keep(spawn_store_actor(sys_, database::open(path_)));
  ASSERT_TRUE(ask<protocol::job_record>(reopened, insert_job_atom::value, sample_job("JOB-2")));
  auto db = database::open(path_);
  EXPECT_EQ(db.get_system("SYS-1"), sample_system("SYS-1"));
  EXPECT_EQ(db.get_reference_point("RP-1"), rp);
  EXPECT_EQ(db.get_job("JOB-1")->state, protocol::job_state::completed);
  EXPECT_LT(db.get_job("JOB-1")->seq, db.get_job("JOB-2")->seq);
}

TEST_F(StoreActor, InsertWithAKnownIdempotencyKeyAnswersTheStoredJob) {
  auto job = sample_job("JOB-1");
  job.idempotency_key = "key-1";
  const auto first = ask<protocol::job_record>(store_, insert_job_atom::value, job);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, "JOB-1");
  EXPECT_NE(first->seq, 0);
  auto retry = sample_job("JOB-2");
  retry.idempotency_key = "key-1";
  EXPECT_EQ(ask<protocol::job_record>(store_, insert_job_atom::value, retry), *first);
  EXPECT_FALSE(database::open(path_).get_job("JOB-2"));
}

TEST_F(StoreActor, CollectionsArePutAndDeleted) {
  const auto collection = sample_collection("COLL-1", {"SYS-A", "SYS-B"});
  ASSERT_TRUE(ask<ack_atom>(store_, put_collection_atom::value, collection));
  EXPECT_EQ(database::open(path_).get_collection("COLL-1"), collection);
  ASSERT_TRUE(ask<ack_atom>(store_, delete_collection_atom::value, std::string{"COLL-1"}));
  EXPECT_FALSE(database::open(path_).get_collection("COLL-1"));
  const auto again = ask<ack_atom>(store_, delete_collection_atom::value, std::string{"COLL-1"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), store_errc::not_found);
  EXPECT_NE(caf::to_string(again.error()).find("collection 'COLL-1' not found"), std::string::npos)
    << caf::to_string(again.error());
}

TEST_F(StoreActor, CollectionJobCompletesAndIsDestroyed) {
  auto job = sample_job("JOB-1", "COLL-1");
  job.type = protocol::job_type::create_collection_reference_point;
  ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, job));
  std::vector<protocol::reference_point> members;
  const auto rpc = sample_rpc("RPC-1", "COLL-1", job.id, {"SYS-A", "SYS-B"}, members);
  ASSERT_TRUE(
    ask<ack_atom>(store_, complete_collection_job_atom::value, completed(job, rpc), rpc, members));
  {
    auto db = database::open(path_);
    EXPECT_EQ(db.get_collection_rp("RPC-1"), rpc);
    EXPECT_EQ(db.get_reference_point("RPC-1-SYS-B"), members[1]);
    EXPECT_EQ(db.get_job("JOB-1")->state, protocol::job_state::completed);
  }

  auto destroy = sample_job("JOB-D", "RPC-1");
  destroy.type = protocol::job_type::destroy_collection_reference_point;
  ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, destroy));
  ASSERT_TRUE(
    ask<ack_atom>(store_, destroy_rpc_job_atom::value, finished(destroy), std::string{"RPC-1"}));
  auto db = database::open(path_);
  EXPECT_FALSE(db.get_collection_rp("RPC-1"));
  EXPECT_TRUE(db.list_reference_points("").empty());
  EXPECT_EQ(db.get_job("JOB-D")->state, protocol::job_state::completed);

  const auto gone =
    ask<ack_atom>(store_, destroy_rpc_job_atom::value, finished(destroy), std::string{"RPC-1"});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(), store_errc::not_found);
}

TEST_F(StoreActor, FailingCollectionCompletionIsAnsweredAndStoresNothing) {
  auto job = sample_job("JOB-1", "COLL-1");
  ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, job));
  std::vector<protocol::reference_point> members;
  const auto rpc = sample_rpc("RPC-1", "COLL-1", job.id, {"SYS-A", "SYS-B"}, members);
  members[1].id = members[0].id; // two members with one id
  const auto done =
    ask<ack_atom>(store_, complete_collection_job_atom::value, completed(job, rpc), rpc, members);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error(), store_errc::write_failed);
  auto db = database::open(path_);
  EXPECT_FALSE(db.get_collection_rp("RPC-1"));
  EXPECT_FALSE(db.get_reference_point(members[0].id));
  EXPECT_EQ(db.get_job("JOB-1")->state, protocol::job_state::running);
}

TEST_F(StoreActor, ReferencePointIsDestroyedOnceThenNotFound) {
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, sample_job("JOB-1")));
  ASSERT_TRUE(
    ask<ack_atom>(store_, complete_job_atom::value, completed(sample_job("JOB-1"), rp), rp));
  auto destroy = sample_job("JOB-D", "RP-1");
  destroy.type = protocol::job_type::destroy_reference_point;
  ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, destroy));
  ASSERT_TRUE(
    ask<ack_atom>(store_, destroy_rp_job_atom::value, finished(destroy), std::string{"RP-1"}));
  EXPECT_FALSE(database::open(path_).get_reference_point("RP-1"));

  const auto gone =
    ask<ack_atom>(store_, destroy_rp_job_atom::value, finished(destroy), std::string{"RP-1"});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(), store_errc::not_found);
  EXPECT_NE(caf::to_string(gone.error()).find("reference point 'RP-1'"), std::string::npos)
    << caf::to_string(gone.error());
}

TEST_F(StoreActor, PurgeAnswersHowManyJobsItDeleted) {
  constexpr protocol::timestamp_us now = 1'800'000'000'000'000;
  constexpr protocol::timestamp_us day = 24LL * 3600 * 1'000'000;
  for (const char* id : {"OLD-1", "OLD-2", "NEW"}) {
    auto job = finished(sample_job(id));
    job.finished_at = std::string{id} == "NEW" ? now : now - 2 * day;
    ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, job));
  }
  ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, sample_job("RUNNING")));
  EXPECT_EQ(ask<std::uint64_t>(store_, purge_jobs_atom::value, now), 2u);
  auto db = database::open(path_);
  EXPECT_FALSE(db.get_job("OLD-1"));
  EXPECT_TRUE(db.get_job("NEW"));
  EXPECT_TRUE(db.get_job("RUNNING"));
}

} // namespace
