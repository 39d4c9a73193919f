#pragma once
/// The `sim` backend's model of taking a reference point (DESIGN §7): the machine's disks
/// are "scanned" one after another at a fixed rate, so the work is proportional to their
/// total size. Pure arithmetic, unit-tested without actors.

#include "protocol/model.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace refpoint::actors {

/// Where a scan fails: the fraction of the whole scan and the disk at fault.
struct sim_failure_point {
  double fraction = 0.0;
  std::string disk_id;
};

struct sim_plan {
  std::uint64_t total_bytes = 0;
  std::chrono::microseconds duration{0};
  /// The earliest `simFailAt` of any disk, as a fraction of the whole scan.
  std::optional<sim_failure_point> failure;
};

/// Plans a scan of `disks` in order at `bytes_per_second`. REQUIRES: bytes_per_second > 0.
sim_plan plan_sim_scan(const std::vector<protocol::disk>& disks, std::uint64_t bytes_per_second);

/// Fraction of the scan done after `elapsed`, in [0, 1]; a zero-length scan is done at once.
double scan_fraction(const sim_plan& plan, std::chrono::microseconds elapsed);

/// PercentComplete shown while running: floor of the fraction, at most 99 (100 is shown
/// only once the reference point is committed).
std::uint16_t running_percent(double fraction);

} // namespace refpoint::actors
