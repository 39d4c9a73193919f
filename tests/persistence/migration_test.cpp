#include "persistence/database.hpp"
#include "persistence/schema.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

/// A file at schema version 1 holding one system (two disks), a completed job with its
/// affected element, its reference point (two disks) and a queued job: rows as the v1 code
/// wrote them.
class V1File : public with_temp_dir {
protected:
  void SetUp() override {
    SQLite::Database raw(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate(raw, path_, 1);
    raw.exec(R"sql(
INSERT INTO systems VALUES (1, 'SYS-1', 'vm one', 2, 1, 100);
INSERT INTO disks VALUES (1, 0, 'disk-b', 'sim', '', 1024, 1, 0.5);
INSERT INTO disks VALUES (1, 1, 'disk-a', 'file', '/srv/a.vhdx', 2048, 0, NULL);
INSERT INTO jobs VALUES (1, 'JOB-1', 201, 'SYS-1', 1, 'nightly', 2, 7, 'Completed', 100, 0,
  '', '', 10, 11, 12, 12, 300, 0, 1);
INSERT INTO affected_elements VALUES (1, 0, 'Msvm_VirtualSystemReferencePoint.InstanceID="RP-1"', 5);
INSERT INTO jobs VALUES (2, 'JOB-2', 201, 'SYS-1', 0, '', 1, 4, 'Queued', 0, 0,
  '', '', 20, 0, 0, 20, 300, 0, 1);
INSERT INTO reference_points VALUES (1, 'RP-1', 'SYS-1', 'nightly', 1, 2, 12, 'JOB-1');
INSERT INTO rp_disks VALUES (1, 0, 'disk-b', 'rctX:b:00000001');
INSERT INTO rp_disks VALUES (1, 1, 'disk-a', 'rctX:a:00000002');
)sql");
  }
};

TEST_F(V1File, StepOneAloneLeavesVersionOneWithoutTheNewTables) {
  SQLite::Database raw(path_);
  EXPECT_EQ(user_version(raw), 1);
  EXPECT_TRUE(raw.tableExists("jobs"));
  EXPECT_FALSE(raw.tableExists("collections"));
  EXPECT_FALSE(raw.tableExists("rp_collections"));
}

TEST_F(V1File, OpeningUpgradesInPlaceAndKeepsEveryRow) {
  auto db = database::open(path_);
  EXPECT_EQ(db.schema_version(), current_schema_version);
  // The event log starts empty: an old file's rows predate it.
  EXPECT_EQ(db.get_event_bounds(), (event_bounds{0, 0}));

  const auto system = db.get_system("SYS-1");
  ASSERT_TRUE(system);
  EXPECT_EQ(system->element_name, "vm one");
  ASSERT_EQ(system->disks.size(), 2u);
  EXPECT_EQ(system->disks[0].sim_fail_at, 0.5);
  EXPECT_EQ(system->disks[1].path, "/srv/a.vhdx");

  const auto done = db.get_job("JOB-1");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->seq, 1);
  EXPECT_EQ(done->state, protocol::job_state::completed);
  EXPECT_EQ(done->idempotency_key, "");
  ASSERT_EQ(done->affected.size(), 1u);
  EXPECT_EQ(done->affected[0].effects, protocol::element_effects::create);
  std::vector<std::string> unfinished;
  for (const auto& job : db.load_unfinished_jobs()) {
    unfinished.push_back(job.id);
  }
  EXPECT_EQ(unfinished, std::vector<std::string>{"JOB-2"});

  const auto rp = db.get_reference_point("RP-1");
  ASSERT_TRUE(rp);
  EXPECT_EQ(rp->collection_rp_id, "");
  EXPECT_EQ(rp->disk_ids, (std::vector<std::string>{"disk-b", "disk-a"}));
  EXPECT_EQ(rp->rct_ids, (std::vector<std::string>{"rctX:b:00000001", "rctX:a:00000002"}));
}

TEST_F(V1File, UpgradedFileTakesTheNewRowsAndKeepsSeqGrowing) {
  auto db = database::open(path_);
  auto job = sample_job("JOB-3");
  job.idempotency_key = "key-1";
  const auto stored = db.insert_job(job);
  EXPECT_EQ(stored.seq, 3);
  EXPECT_EQ(db.get_job("JOB-3"), stored);
  db.put_collection(sample_collection("COLL-1", {"SYS-1"}));
  EXPECT_EQ(db.collections_of_system("SYS-1"), std::vector<std::string>{"COLL-1"});
}

TEST_F(V1File, StepSixAddsThePendingMembersTableAndPutsEveryMemberOnThisNode) {
  {
    SQLite::Database raw(path_, SQLite::OPEN_READWRITE);
    migrate(raw, path_, 5);
    EXPECT_FALSE(raw.tableExists("pending_members"));
    raw.exec(R"sql(
INSERT INTO rp_collections VALUES (1, 'RPC-1', 'COLL-1', 'group', 1, 2, 30, 'JOB-1');
INSERT INTO rp_collection_members VALUES (1, 0, 'RP-1');
)sql");
  }
  auto db = database::open(path_);
  EXPECT_EQ(db.schema_version(), 6);
  EXPECT_TRUE(SQLite::Database(path_).tableExists("pending_members"));
  EXPECT_EQ(db.count_pending_members(), 0u);
  EXPECT_TRUE(db.in_doubt_jobs().empty());
  const auto rpc = db.get_collection_rp("RPC-1");
  ASSERT_TRUE(rpc);
  EXPECT_EQ(rpc->member_ids, std::vector<std::string>{"RP-1"});
  EXPECT_TRUE(rpc->member_nodes.empty());
}

TEST_F(V1File, ReadOnlyOpenRefusesItUntilAWriterMigratedIt) {
  EXPECT_THROW(database::open(path_, true), store_error);
  database::open(path_);
  EXPECT_EQ(database::open(path_, true).schema_version(), current_schema_version);
}

} // namespace
