#pragma once
/// Settings the actors need from the configuration (DESIGN §6), fixed at start-up.

#include "actors/file_backend.hpp"

#include <chrono>
#include <cstdint>
#include <memory>

namespace refpoint::actors {

struct runtime_settings {
  std::uint64_t sim_bytes_per_second = 4294967296ULL;
  std::chrono::milliseconds sim_progress_interval{100};
  std::uint32_t time_before_removal_s = 300;
  /// The `file` backend; null when no storage root is configured (file-backed disks are
  /// then refused).
  std::shared_ptr<file_backend> files;
};

} // namespace refpoint::actors
