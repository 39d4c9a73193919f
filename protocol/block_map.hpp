#pragma once
/// Fingerprint maps of file-backed disks (DESIGN §7) and the changed byte ranges between
/// such a map and a disk's current blocks. Pure: no I/O, safe from any thread.
///
/// A map records, when a reference point was taken, the XXH3-64 fingerprint of every
/// block of a disk. Block i covers bytes [i * block_size, min((i + 1) * block_size,
/// disk_size)): the last block may be shorter.

#include "protocol/result.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace refpoint::protocol {

inline constexpr std::uint32_t default_block_size = 65536;
inline constexpr std::uint32_t min_block_size = 4096;
inline constexpr std::uint32_t max_block_size = 16U << 20U;

/// True for a power of two in [min_block_size, max_block_size].
bool valid_block_size(std::uint64_t size);

/// Number of blocks of a disk `disk_size` bytes long: ceil(disk_size / block_size).
/// REQUIRES: block_size > 0.
std::uint64_t block_count(std::uint64_t disk_size, std::uint32_t block_size);

/// XXH3-64 (seed 0) of one block's bytes, through xxHash's runtime CPU dispatch (AVX2
/// where the CPU has it). Equal to what `xxhsum -H3` computes for the same bytes.
std::uint64_t block_fingerprint(const void* data, std::size_t size);

/// One disk's fingerprints at a reference point.
struct block_map {
  std::uint32_t block_size = default_block_size;
  std::uint64_t disk_size = 0;
  std::vector<std::uint64_t> hashes; ///< block_count(disk_size, block_size) entries
  friend bool operator==(const block_map&, const block_map&) = default;
};

/// The stored form: a fixed header (magic "RPBM", format version, block size, disk size,
/// block count), the fingerprints, and an XXH3-64 checksum of everything before it. All
/// integers little-endian.
std::string encode_block_map(const block_map& map);

/// Decodes and verifies a stored map. Any inconsistency (wrong magic or version, a block
/// size that `valid_block_size` refuses, a block count that does not match the disk size,
/// a length that does not match the block count, a checksum mismatch) is a failure with
/// code `failed` whose message says what was wrong: a corrupted map is never trusted.
result<block_map> decode_block_map(std::string_view blob);

/// A byte range of a disk.
struct byte_range {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  friend bool operator==(const byte_range&, const byte_range&) = default;
};

/// Collects changed ranges inside a window [begin, end): ranges are clipped to the window,
/// and a range that touches or overlaps the previous one is merged into it. REQUIRES: ranges
/// are added in ascending offset order.
class changed_ranges {
public:
  changed_ranges(std::uint64_t begin, std::uint64_t end) : begin_(begin), end_(end) {}

  void add(std::uint64_t offset, std::uint64_t length);

  const std::vector<byte_range>& ranges() const noexcept { return ranges_; }

private:
  std::uint64_t begin_;
  std::uint64_t end_;
  std::vector<byte_range> ranges_;
};

/// Compares the current fingerprints of blocks [first_block, first_block + current.size())
/// of a disk that is now `disk_size` bytes long (hashed with `map.block_size`) with `map`,
/// and adds each changed block's bytes (clipped to `disk_size`) to `out`. A block is changed
/// when the map has no block at its index (the disk grew) or when the fingerprints differ
/// (which includes a last block whose length changed, since the length is hashed too).
void compare_blocks(const block_map& map, std::uint64_t disk_size, std::uint64_t first_block,
                    std::span<const std::uint64_t> current, changed_ranges& out);

} // namespace refpoint::protocol
