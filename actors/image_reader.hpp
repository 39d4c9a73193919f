#pragma once
/// Reading image files for the `file` backend (DESIGN §7): fingerprinting a whole disk
/// when an RCT reference point is taken, and comparing part of a disk with a stored map
/// for a changed-range query. Blocking: called on the file backend's own worker threads,
/// never on an actor thread. Memory is bounded: one read buffer per `block_hasher`, and a
/// ring of four more while `fingerprint_file` runs.

#include "actors/storage_root.hpp"
#include "protocol/block_map.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <variant>
#include <vector>

namespace refpoint::actors {

/// Reads consecutive blocks of an open file in large sequential reads (`pread` into one
/// buffer, allocated once) and fingerprints each block with `protocol::block_fingerprint`.
class block_hasher {
public:
  /// REQUIRES: protocol::valid_block_size(block_size). The read size is rounded up to a
  /// multiple of the block size.
  explicit block_hasher(std::uint32_t block_size, std::size_t read_size = std::size_t{1} << 20U);

  std::uint32_t block_size() const noexcept { return block_size_; }
  /// The size of one read: a multiple of the block size.
  std::size_t read_size() const noexcept { return buffer_.size(); }

  /// Fingerprints blocks from `first_block` of a file `file_size` bytes long, appending
  /// them to `out`, until at least `max_bytes` were read or the file ends (at least one
  /// block when one remains). Answers the bytes read. Errors: `io` for a read error,
  /// `changed` when the file ends before `file_size` (it shrank meanwhile).
  std::variant<std::uint64_t, file_error>
  hash_blocks(const image_file& file, std::uint64_t file_size, std::uint64_t first_block,
              std::uint64_t max_bytes, std::vector<std::uint64_t>& out);

private:
  std::uint32_t block_size_;
  std::vector<unsigned char> buffer_;
};

/// How `fingerprint_file` reports and is stopped. Both are called on the thread calling it.
struct fingerprint_observer {
  /// Called after each read with the bytes of this attempt read so far (a retry starts
  /// again from 0) and the file's size. May be empty.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  /// Polled between reads: true stops the work with `cancelled`. May be empty.
  std::function<bool()> cancelled;
};

struct fingerprint_options {
  /// Attempts before giving up on a file that keeps changing while it is read.
  int attempts = 3;
  /// A file must not have changed (mtime, ctime) for this long before a read starts: a
  /// write within the file system's timestamp granularity of the start could otherwise go
  /// unnoticed. Waits at most this long per attempt.
  std::chrono::milliseconds quiet{20};
};

/// Fingerprints the whole of `file`. Each attempt waits until the file has been quiet,
/// records its stamp, reads every block, and compares the stamp again; a different stamp
/// (size, mtime, ctime, identity) means the file changed while it was read, and the attempt
/// is repeated, up to `options.attempts` times, after which the error is `changed`, saying
/// how many attempts were made. The map's `disk_size` is the size the stamp recorded.
/// A helper thread makes the reads (of `hasher.read_size()`) ahead, into a ring of four
/// buffers, while the calling thread hashes; it runs at the caller's nice value and has
/// ended when this returns.
std::variant<protocol::block_map, file_error> fingerprint_file(const image_file& file,
                                                               block_hasher& hasher,
                                                               const fingerprint_observer& observer,
                                                               const fingerprint_options& options);

/// The answer to one changed-range query.
struct disk_changes {
  std::uint64_t disk_size = 0;              ///< the file's size now
  std::uint64_t processed = 0;              ///< bytes of the request covered, from its offset
  std::vector<protocol::byte_range> ranges; ///< changed, coalesced, inside the covered part
};

/// Compares bytes [offset, offset + length) of `file` with `map` (blocks hashed with the
/// map's block size; `hasher.block_size()` must equal it), reading whole blocks and at most
/// about `max_bytes` (at least one block): `processed` may be less than `length`, and a
/// client continues from `offset + processed`. The covered part ends at a block boundary or
/// at the end of the request. REQUIRES: offset + length <= the file's current size (the
/// caller checks against `stamp().size`), length > 0. Errors: `io`, `changed` (the file
/// shrank while it was read).
std::variant<disk_changes, file_error> compare_file(const image_file& file,
                                                    const protocol::block_map& map,
                                                    std::uint64_t file_size, std::uint64_t offset,
                                                    std::uint64_t length, std::uint64_t max_bytes,
                                                    block_hasher& hasher);

} // namespace refpoint::actors
