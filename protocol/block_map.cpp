#include "protocol/block_map.hpp"

#include <algorithm>
#include <limits>
#include <xxh_x86dispatch.h>

namespace refpoint::protocol {

namespace {

constexpr std::string_view map_magic = "RPBM";
constexpr std::uint16_t map_version = 1;
/// Header: magic, u16 version, u16 reserved, u32 block size, u64 disk size, u64 block count.
constexpr std::size_t version_at = 4;
constexpr std::size_t reserved_at = 6;
constexpr std::size_t block_size_at = 8;
constexpr std::size_t disk_size_at = 12;
constexpr std::size_t count_at = 20;
constexpr std::size_t header_bytes = 28;
constexpr std::size_t checksum_bytes = 8;

void put_le(std::string& out, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i)
    out += static_cast<char>((value >> (8 * i)) & 0xFFU);
}

/// The `bytes`-byte little-endian integer at `at`. REQUIRES: it lies inside `blob`.
std::uint64_t get_le(std::string_view blob, std::size_t at, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    value |= std::uint64_t{static_cast<unsigned char>(blob[at + i])} << (8 * i);
  return value;
}

failure corrupt(std::string message) {
  return failure{return_code::failed, "fingerprint map " + std::move(message), ""};
}

std::string size_text(std::size_t bytes) {
  return std::to_string(bytes) + " bytes";
}

/// The header fields that the blob's length and checksum depend on.
struct map_header {
  std::uint32_t block_size = 0;
  std::uint64_t disk_size = 0;
  std::uint64_t block_count = 0;
};

/// Checks magic, version, reserved field, block size and block count. REQUIRES: `blob`
/// holds at least a header.
result<map_header> decode_header(std::string_view blob) {
  if (blob.substr(0, map_magic.size()) != map_magic)
    return corrupt("has the wrong magic (expected RPBM)");
  auto version = get_le(blob, version_at, 2);
  if (version != map_version)
    return corrupt("has unsupported format version " + std::to_string(version) + " (expected " +
                   std::to_string(map_version) + ")");
  if (auto reserved = get_le(blob, reserved_at, 2); reserved != 0)
    return corrupt("reserved field is " + std::to_string(reserved) + ", expected 0");
  map_header header{static_cast<std::uint32_t>(get_le(blob, block_size_at, 4)),
                    get_le(blob, disk_size_at, 8), get_le(blob, count_at, 8)};
  if (!valid_block_size(header.block_size))
    return corrupt("block size " + std::to_string(header.block_size) +
                   " is not a power of two from " + std::to_string(min_block_size) + " to " +
                   std::to_string(max_block_size));
  auto expected = block_count(header.disk_size, header.block_size);
  if (header.block_count != expected)
    return corrupt("block count " + std::to_string(header.block_count) +
                   " does not match disk size " + std::to_string(header.disk_size) + " (expected " +
                   std::to_string(expected) + " blocks)");
  return header;
}

/// `offset + length`, or the largest value when that does not fit.
std::uint64_t saturating_end(std::uint64_t offset, std::uint64_t length) {
  return length > std::numeric_limits<std::uint64_t>::max() - offset
           ? std::numeric_limits<std::uint64_t>::max()
           : offset + length;
}

} // namespace

bool valid_block_size(std::uint64_t size) {
  return size >= min_block_size && size <= max_block_size && (size & (size - 1)) == 0;
}

std::uint64_t block_count(std::uint64_t disk_size, std::uint32_t block_size) {
  return disk_size / block_size + (disk_size % block_size != 0 ? 1 : 0);
}

std::uint64_t block_fingerprint(const void* data, std::size_t size) {
  return XXH3_64bits_dispatch(data, size);
}

std::string encode_block_map(const block_map& map) {
  std::string out;
  out.reserve(header_bytes + 8 * map.hashes.size() + checksum_bytes);
  out += map_magic;
  put_le(out, map_version, 2);
  put_le(out, 0, 2);
  put_le(out, map.block_size, 4);
  put_le(out, map.disk_size, 8);
  put_le(out, map.hashes.size(), 8);
  for (auto hash : map.hashes)
    put_le(out, hash, 8);
  put_le(out, block_fingerprint(out.data(), out.size()), 8);
  return out;
}

result<block_map> decode_block_map(std::string_view blob) {
  if (blob.size() < header_bytes + checksum_bytes)
    return corrupt("truncated: " + size_text(blob.size()) + ", expected at least " +
                   size_text(header_bytes + checksum_bytes));
  auto header = decode_header(blob);
  if (!header)
    return header.error();
  // The count was checked against the disk size, so it is below 2^52: no overflow here.
  auto count = static_cast<std::size_t>(header.value().block_count);
  auto expected = header_bytes + 8 * count + checksum_bytes;
  if (blob.size() < expected)
    return corrupt("truncated: " + size_text(blob.size()) + ", expected " + size_text(expected));
  if (blob.size() > expected)
    return corrupt("has trailing bytes: " + size_text(blob.size()) + ", expected " +
                   size_text(expected));
  auto body = expected - checksum_bytes;
  if (get_le(blob, body, checksum_bytes) != block_fingerprint(blob.data(), body))
    return corrupt("checksum mismatch");
  block_map map{header.value().block_size, header.value().disk_size, {}};
  map.hashes.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    map.hashes.push_back(get_le(blob, header_bytes + 8 * i, 8));
  return map;
}

void changed_ranges::add(std::uint64_t offset, std::uint64_t length) {
  auto start = std::max(offset, begin_);
  auto stop = std::min(saturating_end(offset, length), end_);
  if (start >= stop)
    return;
  if (!ranges_.empty()) {
    auto& last = ranges_.back();
    auto last_end = last.offset + last.length;
    if (start <= last_end) {
      last.length = std::max(last_end, stop) - last.offset;
      return;
    }
  }
  ranges_.push_back(byte_range{start, stop - start});
}

void compare_blocks(const block_map& map, std::uint64_t disk_size, std::uint64_t first_block,
                    std::span<const std::uint64_t> current, changed_ranges& out) {
  auto blocks = block_count(disk_size, map.block_size);
  if (first_block >= blocks)
    return; // every block given lies past the end of the disk
  // Blocks below `blocks` start before disk_size, so i * block_size cannot overflow.
  auto last = first_block + std::min<std::uint64_t>(current.size(), blocks - first_block);
  for (auto i = first_block; i < last; ++i) {
    bool changed = i >= map.hashes.size() || current[i - first_block] != map.hashes[i];
    if (!changed)
      continue;
    auto offset = i * map.block_size;
    out.add(offset, std::min<std::uint64_t>(map.block_size, disk_size - offset));
  }
}

} // namespace refpoint::protocol
