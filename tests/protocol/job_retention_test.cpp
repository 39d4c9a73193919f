#include "protocol/job_retention.hpp"

#include <gtest/gtest.h>

using namespace refpoint::protocol;

namespace {

job_record finished_at(timestamp_us at, std::uint32_t keep_s) {
  job_record job;
  job.state = job_state::completed;
  job.finished_at = at;
  job.time_before_removal_s = keep_s;
  return job;
}

} // namespace

TEST(JobRetention, RunningJobIsNeverRemoved) {
  job_record job;
  EXPECT_EQ(removal_time(job), 0);
  EXPECT_FALSE(is_removed(job, 1LL << 60));
}

TEST(JobRetention, FinishedJobIsRemovedAfterTimeBeforeRemoval) {
  auto job = finished_at(1'000'000'000, 300);
  EXPECT_EQ(removal_time(job), 1'000'000'000 + 300'000'000);
  EXPECT_FALSE(is_removed(job, 1'000'000'000 + 299'999'999));
  EXPECT_TRUE(is_removed(job, 1'000'000'000 + 300'000'000));
}

TEST(JobRetention, ZeroTimeBeforeRemovalRemovesAtOnce) {
  auto job = finished_at(5'000'000, 0);
  EXPECT_TRUE(is_removed(job, 5'000'000));
}
