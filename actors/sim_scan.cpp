#include "actors/sim_scan.hpp"

#include <algorithm>
#include <cmath>

namespace refpoint::actors {

sim_plan plan_sim_scan(const std::vector<protocol::disk>& disks, std::uint64_t bytes_per_second) {
  sim_plan plan;
  for (const auto& d : disks) {
    if (d.sim_fail_at && !plan.failure) {
      // The failing byte offset is known only once the total is; remember it in bytes.
      auto at =
        static_cast<double>(plan.total_bytes) + *d.sim_fail_at * static_cast<double>(d.size_bytes);
      plan.failure = sim_failure_point{at, d.id};
    }
    plan.total_bytes += d.size_bytes;
  }
  if (plan.failure)
    plan.failure->fraction =
      plan.total_bytes == 0 ? 0.0 : plan.failure->fraction / static_cast<double>(plan.total_bytes);
  auto seconds = static_cast<double>(plan.total_bytes) / static_cast<double>(bytes_per_second);
  plan.duration = std::chrono::microseconds{static_cast<std::int64_t>(std::ceil(seconds * 1e6))};
  return plan;
}

double scan_fraction(const sim_plan& plan, std::chrono::microseconds elapsed) {
  if (plan.duration.count() <= 0)
    return 1.0;
  auto f = static_cast<double>(elapsed.count()) / static_cast<double>(plan.duration.count());
  return std::clamp(f, 0.0, 1.0);
}

std::uint16_t running_percent(double fraction) {
  auto p = static_cast<std::uint16_t>(std::floor(std::clamp(fraction, 0.0, 1.0) * 100.0));
  return std::min<std::uint16_t>(p, 99);
}

} // namespace refpoint::actors
