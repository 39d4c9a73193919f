// The finished-job cache: only terminal jobs, never a removed one, bounded.

#include "web/finished_job_cache.hpp"

#include <gtest/gtest.h>

namespace {

using refpoint::protocol::job_record;
using refpoint::protocol::job_state;
using refpoint::web::finished_job_cache;

constexpr refpoint::protocol::timestamp_us second = 1'000'000;
constexpr refpoint::protocol::timestamp_us finished_at = 1'700'000'000 * second;

job_record job(std::string id, job_state state) {
  job_record j;
  j.id = std::move(id);
  j.state = state;
  j.finished_at = state == job_state::running ? 0 : finished_at;
  j.time_before_removal_s = 300;
  return j;
}

TEST(FinishedJobCache, RemembersOnlyFinishedJobs) {
  finished_job_cache cache;
  cache.remember(job("RUN", job_state::running));
  cache.remember(job("DONE", job_state::completed));
  cache.remember(job("FAILED", job_state::exception));
  EXPECT_FALSE(cache.find("RUN", finished_at));
  ASSERT_TRUE(cache.find("DONE", finished_at));
  EXPECT_EQ(cache.find("DONE", finished_at)->state, job_state::completed);
  EXPECT_TRUE(cache.find("FAILED", finished_at));
  EXPECT_EQ(cache.size(), 2u);
}

TEST(FinishedJobCache, NeverAnswersARemovedJob) {
  finished_job_cache cache;
  cache.remember(job("DONE", job_state::completed));
  EXPECT_TRUE(cache.find("DONE", finished_at + 299 * second));
  EXPECT_FALSE(cache.find("DONE", finished_at + 300 * second));
  EXPECT_FALSE(cache.find("DONE", finished_at)) << "dropped once seen removed";
  EXPECT_EQ(cache.size(), 0u);
}

TEST(FinishedJobCache, ForgetsTheOldestPastItsCapacity) {
  finished_job_cache cache{3};
  for (const char* id : {"A", "B", "C", "D"})
    cache.remember(job(id, job_state::completed));
  cache.remember(job("B", job_state::completed)); // already there: no reordering
  EXPECT_FALSE(cache.find("A", finished_at));
  for (const char* id : {"B", "C", "D"})
    EXPECT_TRUE(cache.find(id, finished_at)) << id;
  EXPECT_EQ(cache.size(), 3u);
}

} // namespace
