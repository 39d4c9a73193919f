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
    response.receive([&](std::int64_t seq) { seqs.push_back(seq); },
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
    response.receive([](std::int64_t) {},
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
  for (int i = 0; i < 50; ++i) {
    self_->send(store_, insert_job_atom::value, sample_job("JOB-" + std::to_string(i)));
  }
  caf::anon_send_exit(store_, caf::exit_reason::user_shutdown);
  self_->wait_for(store_);
  EXPECT_EQ(database::open(path_).load_unfinished_jobs().size(), 50u);
}

TEST_F(StoreActor, DataSurvivesRestartingTheStore) {
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  ASSERT_TRUE(ask<ack_atom>(store_, put_system_atom::value, sample_system("SYS-1")));
  ASSERT_TRUE(ask<std::int64_t>(store_, insert_job_atom::value, sample_job("JOB-1")));
  ASSERT_TRUE(
    ask<ack_atom>(store_, complete_job_atom::value, completed(sample_job("JOB-1"), rp), rp));
  caf::anon_send_exit(store_, caf::exit_reason::user_shutdown);
  self_->wait_for(store_);

  auto reopened = keep(spawn_store_actor(sys_, database::open(path_)));
  ASSERT_TRUE(ask<std::int64_t>(reopened, insert_job_atom::value, sample_job("JOB-2")));
  auto db = database::open(path_);
  EXPECT_EQ(db.get_system("SYS-1"), sample_system("SYS-1"));
  EXPECT_EQ(db.get_reference_point("RP-1"), rp);
  EXPECT_EQ(db.get_job("JOB-1")->state, protocol::job_state::completed);
  EXPECT_LT(db.get_job("JOB-1")->seq, db.get_job("JOB-2")->seq);
}

} // namespace
