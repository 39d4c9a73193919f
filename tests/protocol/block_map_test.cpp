#include "protocol/block_map.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <xxhash.h>

namespace rp = refpoint::protocol;
using ranges = std::vector<rp::byte_range>;

namespace {

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t bs = rp::min_block_size;

/// Header bytes of an encoded map: magic, version, reserved, block size, disk size, count.
constexpr std::size_t header_bytes = 28;
constexpr std::size_t version_at = 4;
constexpr std::size_t reserved_at = 6;
constexpr std::size_t block_size_at = 8;
constexpr std::size_t disk_size_at = 12;
constexpr std::size_t count_at = 20;

std::string random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 engine{seed};
  std::string out(size, '\0');
  for (auto& c : out)
    c = static_cast<char>(engine() & 0xFFU);
  return out;
}

/// A map of a disk `disk_size` bytes long whose block i has the made-up fingerprint i + 1.
rp::block_map numbered_map(std::uint64_t disk_size, std::uint32_t block_size = bs) {
  rp::block_map map{block_size, disk_size, {}};
  for (std::uint64_t i = 0; i < rp::block_count(disk_size, block_size); ++i)
    map.hashes.push_back(i + 1);
  return map;
}

std::uint64_t get_le(const std::string& blob, std::size_t at, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    value |= std::uint64_t{static_cast<unsigned char>(blob[at + i])} << (8 * i);
  return value;
}

void set_le(std::string& blob, std::size_t at, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i)
    blob[at + i] = static_cast<char>((value >> (8 * i)) & 0xFFU);
}

/// `blob` with its trailing checksum recomputed, so that only the structural checks can
/// catch what was changed.
std::string resealed(std::string blob) {
  auto body = blob.size() - 8;
  set_le(blob, body, XXH3_64bits(blob.data(), body), 8);
  return blob;
}

std::string flip_bit(std::string blob, std::size_t bit) {
  blob[bit / 8] = static_cast<char>(blob[bit / 8] ^ (1 << (bit % 8)));
  return blob;
}

/// Expects decoding to fail with code `failed`, no field, and `fragment` in the message.
void expect_corrupt(const std::string& blob, std::string_view fragment) {
  auto r = rp::decode_block_map(blob);
  ASSERT_FALSE(r.ok()) << "expected a failure: " << fragment;
  EXPECT_EQ(r.error().code, rp::return_code::failed);
  EXPECT_EQ(r.error().field, "");
  EXPECT_NE(r.error().message.find(fragment), std::string::npos)
    << "message: " << r.error().message << "\nmissing: " << fragment;
}

rp::block_map round_trip(const rp::block_map& map) {
  auto r = rp::decode_block_map(rp::encode_block_map(map));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::block_map{};
}

ranges collect(std::uint64_t begin, std::uint64_t end,
               std::initializer_list<rp::byte_range> added) {
  rp::changed_ranges out(begin, end);
  for (auto r : added)
    out.add(r.offset, r.length);
  return out.ranges();
}

/// The ranges `compare_blocks` finds for `current` from `first_block` in the window.
ranges compare(const rp::block_map& map, std::uint64_t disk_size, std::uint64_t first_block,
               const std::vector<std::uint64_t>& current, std::uint64_t begin = 0,
               std::uint64_t end = max_u64) {
  rp::changed_ranges out(begin, end);
  rp::compare_blocks(map, disk_size, first_block, current, out);
  return out.ranges();
}

} // namespace

// ---- block sizes and counts ---------------------------------------------------------------

TEST(BlockCount, IsTheNumberOfBlocksRoundedUp) {
  EXPECT_EQ(rp::block_count(0, bs), 0u);
  EXPECT_EQ(rp::block_count(1, bs), 1u);
  EXPECT_EQ(rp::block_count(bs - 1, bs), 1u);
  EXPECT_EQ(rp::block_count(bs, bs), 1u);
  EXPECT_EQ(rp::block_count(bs + 1, bs), 2u);
  EXPECT_EQ(rp::block_count(2 * bs, bs), 2u);
  EXPECT_EQ(rp::block_count(10 * std::uint64_t{rp::default_block_size} + 1, rp::default_block_size),
            11u);
}

TEST(BlockCount, LargestDiskSizeDoesNotOverflow) {
  EXPECT_EQ(rp::block_count(max_u64, bs), std::uint64_t{1} << 52U);
  EXPECT_EQ(rp::block_count(max_u64, rp::max_block_size), std::uint64_t{1} << 40U);
  EXPECT_EQ(rp::block_count(max_u64, 1), max_u64);
}

TEST(ValidBlockSize, AcceptsPowersOfTwoWithinBounds) {
  for (std::uint64_t size = rp::min_block_size; size <= rp::max_block_size; size *= 2)
    EXPECT_TRUE(rp::valid_block_size(size)) << size;
  EXPECT_TRUE(rp::valid_block_size(rp::default_block_size));
}

TEST(ValidBlockSize, RefusesEverythingElse) {
  for (std::uint64_t size :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2048}, std::uint64_t{4095},
        std::uint64_t{4097}, std::uint64_t{6144}, std::uint64_t{65535},
        std::uint64_t{rp::max_block_size} + 1, std::uint64_t{rp::max_block_size} * 2,
        std::uint64_t{1} << 32U, std::uint64_t{1} << 63U, max_u64})
    EXPECT_FALSE(rp::valid_block_size(size)) << size;
}

// ---- fingerprints ------------------------------------------------------------------------

TEST(BlockFingerprint, KnownVectors) {
  EXPECT_EQ(rp::block_fingerprint("", 0), 0x2D06800538D394C2U);
  EXPECT_EQ(rp::block_fingerprint("abc", 3), 0x78AF5F94892F3950U); // xxhsum -H3
}

TEST(BlockFingerprint, EqualsXxh3OfTheSameBytes) {
  // Lengths around XXH3's internal thresholds (16, 128, 240 bytes, stripes, blocks).
  for (std::size_t size : std::initializer_list<std::size_t>{0, 1, 3, 16, 17, 128, 129, 240, 241,
                                                             1024, 4096, 65536, 100003}) {
    auto bytes = random_bytes(size, size);
    EXPECT_EQ(rp::block_fingerprint(bytes.data(), bytes.size()),
              XXH3_64bits(bytes.data(), bytes.size()))
      << size;
  }
}

TEST(BlockFingerprint, LengthIsPartOfTheFingerprint) {
  std::string zeros(2 * bs, '\0');
  EXPECT_NE(rp::block_fingerprint(zeros.data(), bs), rp::block_fingerprint(zeros.data(), bs - 1));
  EXPECT_NE(rp::block_fingerprint(zeros.data(), bs), rp::block_fingerprint(zeros.data(), 2 * bs));
}

// ---- encoding --------------------------------------------------------------------------------

TEST(EncodeBlockMap, WritesTheDocumentedLayout) {
  rp::block_map map{bs, bs + 5, {0x0102030405060708U, 0xA1A2A3A4A5A6A7A8U}};
  auto blob = rp::encode_block_map(map);
  ASSERT_EQ(blob.size(), header_bytes + 2 * 8 + 8);
  EXPECT_EQ(blob.substr(0, 4), "RPBM");
  EXPECT_EQ(get_le(blob, version_at, 2), 1u);
  EXPECT_EQ(get_le(blob, reserved_at, 2), 0u);
  EXPECT_EQ(get_le(blob, block_size_at, 4), bs);
  EXPECT_EQ(get_le(blob, disk_size_at, 8), bs + 5u);
  EXPECT_EQ(get_le(blob, count_at, 8), 2u);
  // Little-endian, byte by byte.
  EXPECT_EQ(blob.substr(header_bytes, 8), std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  EXPECT_EQ(get_le(blob, header_bytes + 8, 8), 0xA1A2A3A4A5A6A7A8U);
  EXPECT_EQ(get_le(blob, header_bytes + 16, 8), XXH3_64bits(blob.data(), header_bytes + 16));
}

TEST(EncodeBlockMap, RoundTripsAnEmptyDisk) {
  rp::block_map map{bs, 0, {}};
  EXPECT_EQ(rp::encode_block_map(map).size(), header_bytes + 8);
  EXPECT_EQ(round_trip(map), map);
}

TEST(EncodeBlockMap, RoundTripsAPartialLastBlock) {
  auto map = numbered_map(3 * std::uint64_t{rp::default_block_size} + 100, rp::default_block_size);
  ASSERT_EQ(map.hashes.size(), 4u);
  EXPECT_EQ(round_trip(map), map);
}

TEST(EncodeBlockMap, RoundTripsManyBlocks) {
  std::mt19937_64 engine{7};
  rp::block_map map{bs, 20000 * std::uint64_t{bs}, {}};
  for (int i = 0; i < 20000; ++i)
    map.hashes.push_back(engine());
  map.hashes.back() = max_u64;
  map.hashes.front() = 0;
  EXPECT_EQ(round_trip(map), map);
}

TEST(EncodeBlockMap, RoundTripsEveryBlockSize) {
  for (std::uint32_t size = rp::min_block_size; size <= rp::max_block_size; size *= 2) {
    auto map = numbered_map(5 * std::uint64_t{size} - 1, size);
    EXPECT_EQ(round_trip(map), map) << size;
  }
}

TEST(EncodeBlockMap, RoundTripsAHugeSparseDiskSize) {
  // A single block at the largest size: the count is small, the disk size uses all 64 bits.
  rp::block_map map{rp::max_block_size, rp::max_block_size - 1, {max_u64}};
  EXPECT_EQ(round_trip(map), map);
}

// ---- decoding: corruption -------------------------------------------------------------------

TEST(DecodeBlockMap, WrongMagic) {
  auto blob = rp::encode_block_map(numbered_map(3 * bs));
  blob[0] = 'X';
  expect_corrupt(resealed(blob), "fingerprint map has the wrong magic");
  expect_corrupt(blob, "wrong magic");
  expect_corrupt(resealed("rpbm" + blob.substr(4)), "wrong magic");
}

TEST(DecodeBlockMap, WrongVersion) {
  for (std::uint64_t version : {0U, 2U, 0x0100U, 0xFFFFU}) {
    auto blob = rp::encode_block_map(numbered_map(3 * bs));
    set_le(blob, version_at, version, 2);
    expect_corrupt(resealed(blob),
                   "fingerprint map has unsupported format version " + std::to_string(version));
  }
}

TEST(DecodeBlockMap, NonZeroReservedField) {
  auto blob = rp::encode_block_map(numbered_map(3 * bs));
  set_le(blob, reserved_at, 1, 2);
  expect_corrupt(resealed(blob), "fingerprint map reserved field is 1, expected 0");
}

TEST(DecodeBlockMap, BadBlockSize) {
  for (std::uint64_t size : {0u, 1u, 2048u, 4097u, 6144u, 32u << 20U, 0xFFFFFFFFU}) {
    auto blob = rp::encode_block_map(rp::block_map{bs, 0, {}});
    set_le(blob, block_size_at, size, 4);
    expect_corrupt(resealed(blob), "fingerprint map block size " + std::to_string(size) +
                                     " is not a power of two from 4096 to 16777216");
  }
}

TEST(DecodeBlockMap, BlockCountMustMatchDiskSize) {
  auto blob = rp::encode_block_map(numbered_map(3 * bs));
  set_le(blob, disk_size_at, 3 * bs + 1, 8);
  expect_corrupt(
    resealed(blob),
    "fingerprint map block count 3 does not match disk size 12289 (expected 4 blocks)");
  set_le(blob, disk_size_at, 2 * bs, 8);
  expect_corrupt(resealed(blob), "block count 3 does not match disk size 8192 (expected 2 blocks)");
}

TEST(DecodeBlockMap, CountMatchingNeitherSizeNorLengthIsACountMismatch) {
  // A count beyond any possible length must be refused before the length is computed.
  auto blob = rp::encode_block_map(numbered_map(3 * bs));
  set_le(blob, count_at, max_u64, 8);
  expect_corrupt(resealed(blob), "block count 18446744073709551615 does not match disk size");
}

TEST(DecodeBlockMap, MapWithMoreHashesThanTheDiskHasBlocksIsRefused) {
  auto map = numbered_map(3 * bs);
  map.hashes.push_back(4);
  expect_corrupt(rp::encode_block_map(map), "block count 4 does not match disk size 12288");
}

TEST(DecodeBlockMap, TruncatedHeader) {
  auto blob = rp::encode_block_map(numbered_map(3 * bs));
  expect_corrupt("", "fingerprint map truncated: 0 bytes, expected at least 36 bytes");
  expect_corrupt(blob.substr(0, 35), "truncated: 35 bytes, expected at least 36 bytes");
}

TEST(DecodeBlockMap, TruncatedBody) {
  auto blob = rp::encode_block_map(numbered_map(11 * bs));
  ASSERT_EQ(blob.size(), 124u);
  auto r = rp::decode_block_map(blob.substr(0, 100));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "fingerprint map truncated: 100 bytes, expected 124 bytes");
  for (std::size_t size : {36u, 116u, 123u})
    expect_corrupt(blob.substr(0, size), "truncated: " + std::to_string(size) + " bytes");
}

TEST(DecodeBlockMap, TrailingBytes) {
  auto blob = rp::encode_block_map(numbered_map(3 * bs));
  expect_corrupt(blob + '\0', "fingerprint map has trailing bytes: 61 bytes, expected 60 bytes");
  expect_corrupt(rp::encode_block_map(rp::block_map{bs, 0, {}}) + blob,
                 "has trailing bytes: 96 bytes, expected 36 bytes");
}

TEST(DecodeBlockMap, FlippedBitInAHash) {
  auto blob = rp::encode_block_map(numbered_map(3 * bs));
  expect_corrupt(flip_bit(blob, 8 * (header_bytes + 8) + 5), "fingerprint map checksum mismatch");
}

TEST(DecodeBlockMap, FlippedBitInTheChecksum) {
  auto blob = rp::encode_block_map(numbered_map(3 * bs));
  expect_corrupt(flip_bit(blob, 8 * blob.size() - 1), "checksum mismatch");
}

TEST(DecodeBlockMap, FlippedBitInTheHeaderThatKeepsItConsistent) {
  // The disk size's lowest bit: still three blocks, only the checksum can tell.
  auto blob = rp::encode_block_map(numbered_map(3 * bs - 10));
  expect_corrupt(flip_bit(blob, 8 * disk_size_at), "checksum mismatch");
}

TEST(DecodeBlockMap, EverySingleBitFlipIsDetected) {
  auto blob = rp::encode_block_map(numbered_map(3 * bs - 10));
  for (std::size_t bit = 0; bit < 8 * blob.size(); ++bit) {
    auto r = rp::decode_block_map(flip_bit(blob, bit));
    ASSERT_FALSE(r.ok()) << "bit " << bit;
    EXPECT_EQ(r.error().code, rp::return_code::failed);
  }
}

// ---- changed_ranges -------------------------------------------------------------------------

TEST(ChangedRanges, StartsEmpty) {
  EXPECT_EQ(collect(0, 100, {}), ranges{});
}

TEST(ChangedRanges, KeepsRangesInsideTheWindow) {
  EXPECT_EQ(collect(0, 100, {{10, 5}, {20, 5}}), (ranges{{10, 5}, {20, 5}}));
}

TEST(ChangedRanges, ClipsToTheWindow) {
  EXPECT_EQ(collect(10, 20, {{0, 15}}), (ranges{{10, 5}}));
  EXPECT_EQ(collect(10, 20, {{15, 100}}), (ranges{{15, 5}}));
  EXPECT_EQ(collect(10, 20, {{0, 100}}), (ranges{{10, 10}}));
}

TEST(ChangedRanges, SkipsRangesOutsideTheWindowAndEmptyOnes) {
  EXPECT_EQ(collect(10, 20, {{0, 10}, {20, 5}, {30, 1}}), ranges{});
  EXPECT_EQ(collect(10, 20, {{12, 0}}), ranges{});
  EXPECT_EQ(collect(10, 10, {{0, 100}}), ranges{});
}

TEST(ChangedRanges, MergesTouchingRanges) {
  EXPECT_EQ(collect(0, 100, {{10, 5}, {15, 5}, {20, 1}}), (ranges{{10, 11}}));
}

TEST(ChangedRanges, MergesOverlappingRanges) {
  EXPECT_EQ(collect(0, 100, {{10, 10}, {15, 10}}), (ranges{{10, 15}}));
  EXPECT_EQ(collect(0, 100, {{10, 10}, {10, 3}}), (ranges{{10, 10}}));
  EXPECT_EQ(collect(0, 100, {{10, 10}, {12, 3}, {25, 1}}), (ranges{{10, 10}, {25, 1}}));
}

TEST(ChangedRanges, KeepsAGapApart) {
  EXPECT_EQ(collect(0, 100, {{10, 5}, {16, 5}}), (ranges{{10, 5}, {16, 5}}));
}

TEST(ChangedRanges, MergesAfterClipping) {
  // Both ranges are clipped to the window start; the second then touches the first.
  EXPECT_EQ(collect(50, 100, {{0, 60}, {60, 10}}), (ranges{{50, 20}}));
}

TEST(ChangedRanges, LengthBeyondTheAddressSpaceIsClipped) {
  EXPECT_EQ(collect(0, max_u64, {{max_u64 - 5, max_u64}}), (ranges{{max_u64 - 5, 5}}));
  EXPECT_EQ(collect(0, 100, {{90, max_u64}}), (ranges{{90, 10}}));
}

// ---- compare_blocks -------------------------------------------------------------------------

TEST(CompareBlocks, SameFingerprintsReportNothing) {
  auto map = numbered_map(5 * bs + 7);
  EXPECT_EQ(compare(map, map.disk_size, 0, map.hashes), ranges{});
}

TEST(CompareBlocks, FirstBlockChanged) {
  auto map = numbered_map(5 * bs);
  auto current = map.hashes;
  current[0] = 99;
  EXPECT_EQ(compare(map, map.disk_size, 0, current), (ranges{{0, bs}}));
}

TEST(CompareBlocks, PartialLastBlockChanged) {
  auto map = numbered_map(3 * bs + 100);
  auto current = map.hashes;
  current[3] = 99;
  EXPECT_EQ(compare(map, map.disk_size, 0, current), (ranges{{3 * bs, 100}}));
}

TEST(CompareBlocks, AdjacentBlocksCoalesce) {
  auto map = numbered_map(8 * bs);
  auto current = map.hashes;
  current[2] = current[3] = current[4] = 99;
  EXPECT_EQ(compare(map, map.disk_size, 0, current), (ranges{{2 * bs, 3 * bs}}));
}

TEST(CompareBlocks, ScatteredBlocksStayApart) {
  auto map = numbered_map(8 * bs);
  auto current = map.hashes;
  current[1] = current[3] = current[7] = 99;
  EXPECT_EQ(compare(map, map.disk_size, 0, current),
            (ranges{{bs, bs}, {3 * bs, bs}, {7 * bs, bs}}));
}

TEST(CompareBlocks, GrownDiskReportsTheTailClippedToTheDiskSize) {
  auto map = numbered_map(2 * bs + 100); // three blocks, the last partial
  std::uint64_t disk_size = 5 * bs + 10; // six blocks now, the last partial
  // The old last block is now full, so its fingerprint differs; the rest is new.
  std::vector<std::uint64_t> current{1, 2, 99, 4, 5, 6};
  EXPECT_EQ(compare(map, disk_size, 0, current), (ranges{{2 * bs, 3 * bs + 10}}));
}

TEST(CompareBlocks, BlocksTheMapDoesNotHaveAreChangedWhateverTheirFingerprint) {
  auto map = numbered_map(2 * bs);
  std::vector<std::uint64_t> current{1, 2, 3};
  EXPECT_EQ(compare(map, 3 * bs, 0, current), (ranges{{2 * bs, bs}}));
}

TEST(CompareBlocks, ShrunkDiskReportsItsNowPartialLastBlock) {
  auto map = numbered_map(5 * bs);
  std::uint64_t disk_size = 3 * bs - 50; // blocks 3 and 4 are gone, block 2 is shorter
  std::vector<std::uint64_t> current{1, 2, 99};
  EXPECT_EQ(compare(map, disk_size, 0, current), (ranges{{2 * bs, bs - 50}}));
}

TEST(CompareBlocks, ComparisonStartingMidDisk) {
  auto map = numbered_map(10 * bs);
  std::vector<std::uint64_t> current{5, 99, 7, 99}; // blocks 4 to 7: 5 and 7 changed
  EXPECT_EQ(compare(map, map.disk_size, 4, current), (ranges{{5 * bs, bs}, {7 * bs, bs}}));
}

TEST(CompareBlocks, MidDiskWindowClipsTheBlocksAtItsEdges) {
  auto map = numbered_map(10 * bs);
  std::vector<std::uint64_t> current{99, 6, 99, 99}; // blocks 4 to 7
  EXPECT_EQ(compare(map, map.disk_size, 4, current, 4 * bs + 100, 7 * bs + 1),
            (ranges{{4 * bs + 100, bs - 100}, {6 * bs, bs + 1}}));
}

TEST(CompareBlocks, AppendsToRangesAlreadyCollected) {
  auto map = numbered_map(4 * bs);
  rp::changed_ranges out(0, max_u64);
  rp::compare_blocks(map, map.disk_size, 0, std::vector<std::uint64_t>{1, 99}, out);
  rp::compare_blocks(map, map.disk_size, 2, std::vector<std::uint64_t>{99, 4}, out);
  EXPECT_EQ(out.ranges(), (ranges{{bs, 2 * bs}}));
}

TEST(CompareBlocks, FingerprintsPastTheEndOfTheDiskAreIgnored) {
  auto map = numbered_map(2 * bs);
  EXPECT_EQ(compare(map, map.disk_size, 0, std::vector<std::uint64_t>{1, 2, 99, 99}), ranges{});
  EXPECT_EQ(compare(map, map.disk_size, 5, std::vector<std::uint64_t>{99}), ranges{});
  EXPECT_EQ(compare(map, map.disk_size, max_u64, std::vector<std::uint64_t>{99}), ranges{});
}

TEST(CompareBlocks, EmptyDiskHasNothingToCompare) {
  rp::block_map map{bs, 0, {}};
  EXPECT_EQ(compare(map, 0, 0, std::vector<std::uint64_t>{99}), ranges{});
}

TEST(CompareBlocks, UsesTheMapsBlockSize) {
  auto map = numbered_map(3 * std::uint64_t{rp::default_block_size}, rp::default_block_size);
  std::vector<std::uint64_t> current{1, 99, 3};
  EXPECT_EQ(compare(map, map.disk_size, 0, current),
            (ranges{{rp::default_block_size, rp::default_block_size}}));
}
