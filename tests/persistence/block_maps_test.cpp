// Fingerprint maps of file-backed disks: stored with their reference point, found by RCT ID,
// removed with it.

#include "persistence/database.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <string>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

class BlockMaps : public with_temp_dir {
protected:
  /// Completes a job with an RCT reference point whose second disk is file-backed.
  protocol::reference_point store_rp(const std::string& id) {
    db_.insert_job(sample_job("JOB-" + id));
    auto rp = sample_rp(id, "SYS-1", "JOB-" + id);
    rp.block_maps = {{1, "images/" + id + ".img", std::string("RPBM\0\x01 map", 11)}};
    EXPECT_TRUE(db_.complete_job(completed(sample_job("JOB-" + id), rp), rp));
    return rp;
  }

  int count(const std::string& table) {
    return SQLite::Database(path_).execAndGet("SELECT count(*) FROM " + table).getInt();
  }

  database db_ = database::open(path_);
};

TEST_F(BlockMaps, AMapIsFoundByTheRctIdOfItsDisk) {
  auto rp = store_rp("RP-1");
  auto disk = db_.find_tracked_disk(rp.rct_ids[1]);
  ASSERT_TRUE(disk);
  EXPECT_EQ(disk->rp_id, "RP-1");
  EXPECT_EQ(disk->system_name, "SYS-1");
  EXPECT_EQ(disk->disk_id, rp.disk_ids[1]);
  EXPECT_EQ(disk->rct_id, rp.rct_ids[1]);
  EXPECT_TRUE(disk->file_backed);
  EXPECT_EQ(disk->path, "images/RP-1.img");
  EXPECT_EQ(disk->map, rp.block_maps[0].map) << "binary content, NUL bytes included";
}

TEST_F(BlockMaps, ADiskWithoutAMapIsFoundAsNotFileBacked) {
  auto rp = store_rp("RP-1");
  auto disk = db_.find_tracked_disk(rp.rct_ids[0]);
  ASSERT_TRUE(disk);
  EXPECT_EQ(disk->disk_id, rp.disk_ids[0]);
  EXPECT_FALSE(disk->file_backed);
  EXPECT_TRUE(disk->map.empty());
}

TEST_F(BlockMaps, UnknownRctIdsAreNotFound) {
  auto rp = store_rp("RP-1");
  EXPECT_FALSE(db_.find_tracked_disk("rctX:nothing:00000001"));
  auto upper = rp.rct_ids[1];
  upper[0] = 'R';
  EXPECT_FALSE(db_.find_tracked_disk(upper)) << "exact match";
}

TEST_F(BlockMaps, ReadingAReferencePointLeavesItsMapsOut) {
  store_rp("RP-1");
  auto read = db_.get_reference_point("RP-1");
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->block_maps.empty());
}

TEST_F(BlockMaps, MapsGoWithTheirReferencePoint) {
  auto gone = store_rp("RP-1");
  auto kept = store_rp("RP-2");
  auto job = sample_job("JOB-D", "RP-1");
  job.type = protocol::job_type::destroy_reference_point;
  db_.insert_job(job);
  ASSERT_TRUE(db_.destroy_reference_point_job(finished(job), "RP-1"));
  EXPECT_FALSE(db_.find_tracked_disk(gone.rct_ids[1]));
  EXPECT_TRUE(db_.find_tracked_disk(kept.rct_ids[1]));
  EXPECT_EQ(count("block_maps"), 1);
}

TEST_F(BlockMaps, AReferencePointWhoseRctIdIsTakenIsNotStoredAtAll) {
  auto first = store_rp("RP-1");
  db_.insert_job(sample_job("JOB-2"));
  auto clash = sample_rp("RP-2", "SYS-1", "JOB-2");
  clash.rct_ids = first.rct_ids;
  clash.block_maps = {{1, "x.img", "map"}};
  EXPECT_THROW(db_.complete_job(completed(sample_job("JOB-2"), clash), clash), store_error);
  EXPECT_FALSE(db_.get_reference_point("RP-2"));
  EXPECT_EQ(count("block_maps"), 1);
}

} // namespace
