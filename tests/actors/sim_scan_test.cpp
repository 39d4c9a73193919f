#include "actors/sim_scan.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using refpoint::actors::plan_sim_scan;
using refpoint::actors::running_percent;
using refpoint::actors::scan_fraction;
using refpoint::protocol::disk;

namespace {

disk sim_disk(std::string id, std::uint64_t size, std::optional<double> fail_at = {}) {
  disk d;
  d.id = std::move(id);
  d.size_bytes = size;
  d.sim_fail_at = fail_at;
  return d;
}

} // namespace

TEST(SimScan, DurationIsTotalSizeOverRate) {
  auto plan = plan_sim_scan({sim_disk("a", 3000), sim_disk("b", 1000)}, 1000);
  EXPECT_EQ(plan.total_bytes, 4000u);
  EXPECT_EQ(plan.duration, 4s);
  EXPECT_FALSE(plan.failure);
}

TEST(SimScan, ZeroSizeDisksFinishAtOnce) {
  auto plan = plan_sim_scan({sim_disk("a", 0)}, 1000);
  EXPECT_EQ(plan.duration, 0us);
  EXPECT_DOUBLE_EQ(scan_fraction(plan, 0us), 1.0);
}

TEST(SimScan, FractionGrowsWithElapsedTimeAndStopsAtOne) {
  auto plan = plan_sim_scan({sim_disk("a", 1000)}, 1000);
  EXPECT_DOUBLE_EQ(scan_fraction(plan, 0us), 0.0);
  EXPECT_DOUBLE_EQ(scan_fraction(plan, 250ms), 0.25);
  EXPECT_DOUBLE_EQ(scan_fraction(plan, 5s), 1.0);
}

TEST(SimScan, FailurePointIsPlacedWithinTheWholeScan) {
  // Disks are scanned in order: failing at half of the second (equal-sized) disk is 75%.
  auto plan = plan_sim_scan({sim_disk("a", 1000), sim_disk("b", 1000, 0.5)}, 1000);
  ASSERT_TRUE(plan.failure);
  EXPECT_DOUBLE_EQ(plan.failure->fraction, 0.75);
  EXPECT_EQ(plan.failure->disk_id, "b");
}

TEST(SimScan, EarliestFailingDiskWins) {
  auto plan = plan_sim_scan({sim_disk("a", 1000, 0.9), sim_disk("b", 1000, 0.1)}, 1000);
  ASSERT_TRUE(plan.failure);
  EXPECT_EQ(plan.failure->disk_id, "a");
  EXPECT_DOUBLE_EQ(plan.failure->fraction, 0.45);
}

TEST(SimScan, RunningPercentNeverShows100) {
  EXPECT_EQ(running_percent(0.0), 0);
  EXPECT_EQ(running_percent(0.505), 50);
  EXPECT_EQ(running_percent(0.999), 99);
  EXPECT_EQ(running_percent(1.0), 99);
}
