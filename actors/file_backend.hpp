#pragma once
/// The `file` backend's run-time context (DESIGN §7): the storage root, the block size of
/// new fingerprint maps, and the worker threads that read image files. Shared by the actors
/// that use it; constant after construction except for the pools, which are thread-safe.
///
/// Two pools keep the two kinds of reads apart: fingerprinting a large disk takes as long
/// as reading it, while a changed-range query does a bounded amount of work per call and
/// must not wait behind it.

#include "actors/storage_root.hpp"
#include "actors/worker_pool.hpp"
#include "protocol/block_map.hpp"

#include <cstddef>
#include <cstdint>

namespace refpoint::actors {

struct file_backend_settings {
  std::uint32_t block_size = protocol::default_block_size; ///< of new fingerprint maps
  std::size_t fingerprint_threads = 2;                     ///< disks read at once
  std::size_t query_threads = 2;                           ///< changed-range queries at once
  /// Bytes a changed-range query reads at most per call (`ProcessedByteLength` says how
  /// far it got); a call always covers at least one block.
  std::uint64_t max_query_bytes = std::uint64_t{1} << 30U;
  /// Nice value of the worker threads.
  int niceness = 10;
};

class file_backend {
public:
  file_backend(storage_root root, file_backend_settings settings)
      : root_(std::move(root)), settings_(settings),
        fingerprints_(settings.fingerprint_threads, settings.niceness),
        queries_(settings.query_threads, settings.niceness) {}

  const storage_root& root() const noexcept { return root_; }
  const file_backend_settings& settings() const noexcept { return settings_; }
  worker_pool& fingerprints() noexcept { return fingerprints_; }
  worker_pool& queries() noexcept { return queries_; }

  /// Stops both pools (queued work is dropped, running work finishes or notices its
  /// cancellation). Call before the actor system shuts down.
  void stop() {
    fingerprints_.stop();
    queries_.stop();
  }

private:
  storage_root root_;
  file_backend_settings settings_;
  worker_pool fingerprints_;
  worker_pool queries_;
};

} // namespace refpoint::actors
