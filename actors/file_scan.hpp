#pragma once
/// Fingerprinting the file-backed disks of a job (DESIGN §7): a task on the file backend's
/// fingerprint pool that reads each disk once, in order, and reports to the job actor.

#include "actors/file_backend.hpp"
#include "actors/messages.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace refpoint::actors {

/// One disk to fingerprint.
struct file_scan_disk {
  std::string label;         ///< how errors name it: the disk id (`system/disk` in a collection)
  std::string path;          ///< as registered, resolved against the storage root again
  std::uint32_t ordinal = 0; ///< copied into its `disk_block_map`
};

/// Stops a running scan: set by the job actor when it is cancelled or goes away.
using scan_cancel_flag = std::shared_ptr<std::atomic<bool>>;

/// Queues the scan of `disks`. It opens every disk first (so the total is known), then
/// reads them one after another, sending `job`: `file_progress_atom, done, total` (bytes,
/// over all disks, at most every `progress_interval`, and once at the start), then either
/// `file_done_atom` with one map per disk in the same order, or `file_failed_atom` with a
/// sentence naming the disk. Nothing more is sent once `cancel` is set.
void start_file_scan(std::shared_ptr<file_backend> backend, std::vector<file_scan_disk> disks,
                     job_actor job, scan_cancel_flag cancel,
                     std::chrono::milliseconds progress_interval);

} // namespace refpoint::actors
