#include "persistence/database.hpp"
#include "persistence/schema.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

/// Asserts that opening `path` throws a store_error whose message contains every needle.
template <class... Needles>
void expect_open_fails(const std::string& path, bool read_only, const Needles&... needles) {
  try {
    database::open(path, read_only);
    ADD_FAILURE() << "open('" << path << "') succeeded";
  } catch (const store_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const std::string& needle : {std::string(needles)...}) {
      EXPECT_NE(message.find(needle), std::string::npos) << message;
    }
  }
}

std::vector<std::string> ids_of(const std::vector<protocol::job_record>& jobs) {
  std::vector<std::string> ids;
  for (const auto& job : jobs) {
    ids.push_back(job.id);
  }
  return ids;
}

// -- schema ---------------------------------------------------------------------------

class Schema : public with_temp_dir {};

TEST_F(Schema, NewFileIsMigratedToCurrentVersionInWalMode) {
  auto db = database::open(path_);
  EXPECT_EQ(db.schema_version(), current_schema_version);
  SQLite::Database raw(path_);
  EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
  for (const char* table :
       {"systems", "disks", "jobs", "affected_elements", "reference_points", "rp_disks",
        "collections", "collection_members", "rp_collections", "rp_collection_members"}) {
    EXPECT_TRUE(raw.tableExists(table)) << table;
  }
}

TEST_F(Schema, ReopeningMigratedFileKeepsVersionAndData) {
  {
    auto db = database::open(path_);
    db.put_system(sample_system("SYS-1"));
  }
  auto db = database::open(path_);
  EXPECT_EQ(db.schema_version(), current_schema_version);
  EXPECT_EQ(db.get_system("SYS-1"), sample_system("SYS-1"));
}

TEST_F(Schema, NewerSchemaVersionIsRefusedWithClearMessage) {
  {
    SQLite::Database raw(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("PRAGMA user_version = " + std::to_string(current_schema_version + 1));
  }
  expect_open_fails(path_, false, path_, "newer",
                    "schema version " + std::to_string(current_schema_version + 1));
}

TEST_F(Schema, FileThatIsNotADatabaseIsRefused) {
  std::ofstream(path_) << "[server]\nlisten = \"127.0.0.1:8080\"\n" << std::string(4096, 'x');
  expect_open_fails(path_, false, "cannot open database '" + path_ + "'", "not a database");
}

TEST_F(Schema, PathInMissingDirectoryIsRefused) {
  const std::string path = dir_.file("missing/refpoint.db");
  expect_open_fails(path, false, "cannot open database '" + path + "'",
                    "unable to open database file");
}

TEST_F(Schema, ReadOnlyOpenRefusesFileThatNeedsMigration) {
  SQLite::Database(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE)
    .exec("CREATE TABLE unrelated (x)");
  expect_open_fails(path_, true, "read-only", "schema version 0");
}

TEST_F(Schema, ReadOnlyConnectionCannotWrite) {
  database::open(path_);
  auto reader = database::open(path_, true);
  try {
    reader.put_system(sample_system("SYS-1"));
    ADD_FAILURE() << "a read-only connection wrote";
  } catch (const store_error& e) {
    EXPECT_EQ(e.fault(), refpoint::persistence::storage_fault::read_only) << e.what();
  }
  EXPECT_TRUE(reader.load_systems().empty());
}

TEST_F(Schema, ADatabaseThatCannotGrowFailsWritesAsFullAndKeepsWhatItHas) {
  auto db = database::open(path_);
  db.limit_size(64 * 1024);
  int stored = 0;
  try {
    for (; stored < 10'000; ++stored)
      db.put_system(sample_system("SYS-" + std::to_string(stored)));
    ADD_FAILURE() << "10,000 systems fit in 64 KiB";
  } catch (const store_error& e) {
    EXPECT_EQ(e.fault(), refpoint::persistence::storage_fault::full) << e.what();
  }
  EXPECT_GT(stored, 0);
  EXPECT_EQ(db.load_systems().size(), static_cast<std::size_t>(stored));
  // Room again (a larger limit): writes go on.
  db.limit_size(1024 * 1024);
  db.put_system(sample_system("SYS-more"));
  EXPECT_EQ(db.load_systems().size(), static_cast<std::size_t>(stored) + 1);
}

// -- systems ----------------------------------------------------------------------------

class Systems : public with_temp_dir {
protected:
  database db_ = database::open(path_);
};

TEST_F(Systems, RoundTripWithDisksInOrderAndSimFailAt) {
  db_.put_system(sample_system("SYS-1"));
  const auto read = db_.get_system("SYS-1");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, sample_system("SYS-1"));
  ASSERT_EQ(read->disks.size(), 2u);
  EXPECT_EQ(read->disks[0].sim_fail_at, 0.5);
  EXPECT_FALSE(read->disks[1].sim_fail_at);
}

TEST_F(Systems, PutReplacesSystemAndItsDisks) {
  db_.put_system(sample_system("SYS-1"));
  auto changed = sample_system("SYS-1");
  changed.element_name = "renamed";
  changed.state = protocol::enabled_state::enabled;
  changed.disks.pop_back();
  changed.disks[0].sim_fail_at.reset();
  db_.put_system(changed);
  EXPECT_EQ(db_.get_system("SYS-1"), changed);
  EXPECT_EQ(db_.load_systems().size(), 1u);
}

TEST_F(Systems, LoadSystemsListsEverySystemByName) {
  db_.put_system(sample_system("SYS-B"));
  db_.put_system(sample_system("SYS-A"));
  EXPECT_EQ(db_.load_systems(), (std::vector{sample_system("SYS-A"), sample_system("SYS-B")}));
}

TEST_F(Systems, UnknownNameIsNotFound) {
  EXPECT_FALSE(db_.get_system("nope"));
}

// -- jobs -----------------------------------------------------------------------------

class Jobs : public with_temp_dir {
protected:
  database db_ = database::open(path_);
};

TEST_F(Jobs, InsertAssignsIncreasingSeqIgnoringTheGivenOne) {
  auto first = sample_job("JOB-1");
  first.seq = 42;
  const auto seq1 = db_.insert_job(first).seq;
  const auto seq2 = db_.insert_job(sample_job("JOB-2")).seq;
  EXPECT_LT(seq1, seq2);
  EXPECT_EQ(db_.get_job("JOB-1")->seq, seq1);
}

TEST_F(Jobs, RoundTripKeepsEveryFieldAndAffectedElementOrder) {
  auto job = sample_job("JOB-1");
  job.type = protocol::job_type::destroy_reference_point;
  job.state = protocol::job_state::exception;
  job.status = "Failed";
  job.percent_complete = 37;
  job.error_code = 32768;
  job.error_description = "disk-a: read error at 50%";
  job.error_summary = "Failed";
  job.started_at = 11;
  job.finished_at = 22;
  job.last_state_change = 33;
  job.affected = {{"Path.B", protocol::element_effects::create},
                  {"Path.A", protocol::element_effects::element_integrity}};
  job.seq = db_.insert_job(job).seq;
  EXPECT_EQ(db_.get_job("JOB-1"), job);
}

TEST_F(Jobs, UpdateReplacesMutableColumnsAndKeepsIdentity) {
  const auto original = sample_job("JOB-1");
  const auto seq = db_.insert_job(original).seq;
  auto update = original;
  update.state = protocol::job_state::shutting_down;
  update.status = "Rolling back";
  update.percent_complete = 60;
  update.started_at = 5;
  update.time_before_removal_s = 30;
  update.delete_on_completion = false;
  update.cancellable = true;
  update.affected = {{"Path.A", protocol::element_effects::create}};
  auto ignored_identity = update;
  ignored_identity.type = protocol::job_type::destroy_collection_reference_point;
  ignored_identity.request.target = "OTHER";
  ignored_identity.submitted_at = 1;
  ASSERT_TRUE(db_.update_job(ignored_identity));
  update.seq = seq;
  EXPECT_EQ(db_.get_job("JOB-1"), update);

  update.affected.clear();
  ASSERT_TRUE(db_.update_job(update));
  EXPECT_TRUE(db_.get_job("JOB-1")->affected.empty());
}

TEST_F(Jobs, UpdateOfUnknownJobWritesNothing) {
  EXPECT_FALSE(db_.update_job(sample_job("nope")));
  EXPECT_FALSE(db_.get_job("nope"));
}

TEST_F(Jobs, DuplicateIdIsRefusedAndKeepsTheFirst) {
  db_.insert_job(sample_job("JOB-1", "FIRST"));
  EXPECT_THROW(db_.insert_job(sample_job("JOB-1", "SECOND")), store_error);
  EXPECT_EQ(db_.get_job("JOB-1")->request.target, "FIRST");
}

TEST_F(Jobs, UnfinishedJobsAreRunningOrShuttingDownInSubmissionOrder) {
  const std::vector<protocol::job_state> states = {
    protocol::job_state::running,       protocol::job_state::completed,
    protocol::job_state::shutting_down, protocol::job_state::exception,
    protocol::job_state::running,       protocol::job_state::terminated,
    protocol::job_state::killed};
  for (std::size_t i = 0; i < states.size(); ++i) {
    db_.insert_job(sample_job("JOB-" + std::to_string(i)));
  }
  // Update in reverse so that update order differs from submission order.
  for (std::size_t i = states.size(); i-- > 0;) {
    auto job = *db_.get_job("JOB-" + std::to_string(i));
    job.state = states[i];
    db_.update_job(job);
  }
  EXPECT_EQ(ids_of(db_.load_unfinished_jobs()),
            (std::vector<std::string>{"JOB-0", "JOB-2", "JOB-4"}));
}

// -- reference points and completion ------------------------------------------------------

class ReferencePoints : public with_temp_dir {
protected:
  /// Inserts a running job and completes it with a reference point `rp_id` of `system`.
  protocol::reference_point make_rp(const std::string& rp_id, const std::string& system) {
    auto job = sample_job("JOB-" + rp_id, system);
    db_.insert_job(job);
    auto rp = sample_rp(rp_id, system, job.id);
    EXPECT_TRUE(db_.complete_job(completed(job, rp), rp));
    return rp;
  }

  database db_ = database::open(path_);
};

TEST_F(ReferencePoints, RoundTripKeepsDiskAndRctIdOrder) {
  const auto rp = make_rp("RP-1", "SYS-1");
  EXPECT_EQ(db_.get_reference_point("RP-1"), rp);
}

TEST_F(ReferencePoints, LogBasedReferencePointWithoutRctIdsRoundTrips) {
  db_.insert_job(sample_job("JOB-1"));
  auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  rp.kind = protocol::rp_kind::log;
  rp.rct_ids.clear();
  ASSERT_TRUE(db_.complete_job(completed(sample_job("JOB-1"), rp), rp));
  EXPECT_EQ(db_.get_reference_point("RP-1"), rp);
}

TEST_F(ReferencePoints, ListOfOneSystemIsOldestFirstAndEmptyNameListsAll) {
  const auto a1 = make_rp("RP-Z", "SYS-A");
  const auto b1 = make_rp("RP-Y", "SYS-B");
  const auto a2 = make_rp("RP-X", "SYS-A");
  EXPECT_EQ(db_.list_reference_points("SYS-A"), (std::vector{a1, a2}));
  EXPECT_EQ(db_.list_reference_points(""), (std::vector{a1, b1, a2}));
  EXPECT_TRUE(db_.list_reference_points("SYS-C").empty());
  EXPECT_FALSE(db_.get_reference_point("nope"));
}

TEST_F(ReferencePoints, CompleteJobWritesReferencePointAndCompletedJobTogether) {
  const auto job = sample_job("JOB-1");
  const auto seq = db_.insert_job(job).seq;
  const auto rp = sample_rp("RP-1", "SYS-1", job.id);
  auto done = completed(job, rp);
  ASSERT_TRUE(db_.complete_job(done, rp));
  done.seq = seq;
  EXPECT_EQ(db_.get_job("JOB-1"), done);
  EXPECT_EQ(db_.get_reference_point("RP-1"), rp);
  EXPECT_TRUE(db_.load_unfinished_jobs().empty());
}

TEST_F(ReferencePoints, CollidingReferencePointIdRollsBackTheWholeCompletion) {
  const auto first = make_rp("RP-1", "SYS-1");
  const auto job = sample_job("JOB-2");
  db_.insert_job(job);
  auto colliding = sample_rp("RP-1", "SYS-2", job.id);
  colliding.disk_ids = {"other"};
  EXPECT_THROW(db_.complete_job(completed(job, colliding), colliding), store_error);
  const auto still = db_.get_job("JOB-2");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->state, protocol::job_state::running);
  EXPECT_TRUE(still->affected.empty());
  EXPECT_EQ(db_.get_reference_point("RP-1"), first);
}

TEST_F(ReferencePoints, CompletingUnknownJobLeavesNoReferencePoint) {
  const auto rp = sample_rp("RP-1", "SYS-1", "nope");
  EXPECT_FALSE(db_.complete_job(completed(sample_job("nope"), rp), rp));
  EXPECT_FALSE(db_.get_reference_point("RP-1"));
}

// -- transactions and durability ------------------------------------------------------------

class Durability : public with_temp_dir {};

TEST_F(Durability, FailedWriteInsideTransactionLeavesTheOthersToCommit) {
  auto db = database::open(path_);
  const auto first = sample_rp("RP-1", "SYS-1", "JOB-1");
  db.transact([&] {
    db.insert_job(sample_job("JOB-1"));
    db.complete_job(completed(sample_job("JOB-1"), first), first);
    db.insert_job(sample_job("JOB-2"));
    const auto colliding = sample_rp("RP-1", "SYS-1", "JOB-2");
    EXPECT_THROW(db.complete_job(completed(sample_job("JOB-2"), colliding), colliding),
                 store_error);
    EXPECT_TRUE(db.in_transaction());
    db.insert_job(sample_job("JOB-3"));
  });
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(ids_of(db.load_unfinished_jobs()), (std::vector<std::string>{"JOB-2", "JOB-3"}));
  EXPECT_EQ(db.get_reference_point("RP-1"), first);
}

TEST_F(Durability, TransactionRollsBackWhenItsBodyThrows) {
  auto db = database::open(path_);
  EXPECT_THROW(db.transact([&] {
    db.put_system(sample_system("SYS-1"));
    throw store_error("injected");
  }),
               store_error);
  EXPECT_FALSE(db.in_transaction());
  EXPECT_FALSE(db.get_system("SYS-1"));
}

TEST_F(Durability, DataSurvivesClosingAndReopening) {
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  auto done = completed(sample_job("JOB-1"), rp);
  {
    auto db = database::open(path_, false, sync_mode::full);
    db.put_system(sample_system("SYS-1"));
    done.seq = db.insert_job(sample_job("JOB-1")).seq;
    db.complete_job(done, rp);
    db.insert_job(sample_job("JOB-2"));
  }
  auto db = database::open(path_);
  EXPECT_EQ(db.load_systems(), std::vector{sample_system("SYS-1")});
  EXPECT_EQ(db.get_job("JOB-1"), done);
  EXPECT_EQ(db.get_reference_point("RP-1"), rp);
  EXPECT_EQ(ids_of(db.load_unfinished_jobs()), std::vector<std::string>{"JOB-2"});
  // seq keeps growing after a restart.
  EXPECT_GT(db.insert_job(sample_job("JOB-3")).seq, db.get_job("JOB-2")->seq);
}

} // namespace
