#include "actors/image_reader.hpp"
#include "actors/storage_root.hpp"
#include "protocol/block_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <utility>
#include <variant>
#include <vector>

using refpoint::actors::block_hasher;
using refpoint::actors::compare_file;
using refpoint::actors::disk_changes;
using refpoint::actors::file_error;
using refpoint::actors::file_stamp;
using refpoint::actors::fingerprint_file;
using refpoint::actors::fingerprint_observer;
using refpoint::actors::fingerprint_options;
using refpoint::actors::image_file;
using refpoint::actors::storage_root;
using refpoint::protocol::block_fingerprint;
using refpoint::protocol::block_map;
using refpoint::protocol::byte_range;
using refpoint::protocol::changed_ranges;
namespace fs = std::filesystem;

namespace {

using bytes = std::vector<char>;

// Deterministic, varied content (xorshift64), different for each seed.
bytes pattern(std::size_t size, std::uint64_t seed) {
  bytes out(size);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (auto& c : out) {
    x ^= x << 13U;
    x ^= x >> 7U;
    x ^= x << 17U;
    c = static_cast<char>(x & 0xFFU);
  }
  return out;
}

void write_file(const fs::path& path, const bytes& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_TRUE(out.good()) << path;
}

// Overwrites part of an existing file in place.
void overwrite(const fs::path& path, std::uint64_t offset, const bytes& content) {
  std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
  out.seekp(static_cast<std::streamoff>(offset));
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_TRUE(out.good()) << path;
}

// What the map of `content` must be.
block_map expected_map(const bytes& content, std::uint32_t block_size) {
  block_map map{block_size, content.size(), {}};
  for (std::size_t at = 0; at < content.size(); at += block_size)
    map.hashes.push_back(block_fingerprint(content.data() + at,
                                           std::min<std::size_t>(block_size, content.size() - at)));
  return map;
}

// A fresh directory per test holding a storage root ("root") and files outside it.
class file_fixture : public ::testing::Test {
protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "refpoint-files-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = fs::canonical(templ);
    fs::create_directory(dir_ / "root");
    auto root = storage_root::open((dir_ / "root").string());
    ASSERT_TRUE(std::holds_alternative<storage_root>(root)) << std::get<std::string>(root);
    root_.emplace(std::move(std::get<storage_root>(root)));
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path root_dir() const { return dir_ / "root"; }
  const storage_root& root() const { return *root_; }

  image_file open(const std::string& disk_path) const {
    auto file = root().open_file(disk_path);
    if (auto* err = std::get_if<file_error>(&file))
      ADD_FAILURE() << err->message;
    return std::move(std::get<image_file>(file));
  }

  file_error resolve_error(const std::string& disk_path) const {
    auto resolved = root().resolve(disk_path);
    EXPECT_TRUE(std::holds_alternative<file_error>(resolved)) << disk_path;
    return std::holds_alternative<file_error>(resolved) ? std::get<file_error>(resolved)
                                                        : file_error{};
  }

  file_error open_error(const std::string& disk_path) const {
    auto file = root().open_file(disk_path);
    EXPECT_TRUE(std::holds_alternative<file_error>(file)) << disk_path;
    return std::holds_alternative<file_error>(file) ? std::get<file_error>(file) : file_error{};
  }

  fs::path dir_;
  std::optional<storage_root> root_;
};

std::uint64_t size_of(const image_file& file) {
  return std::get<file_stamp>(file.stamp()).size;
}

block_map fingerprint(const image_file& file, std::uint32_t block_size,
                      const fingerprint_observer& observer = {},
                      const fingerprint_options& options = {}) {
  block_hasher hasher(block_size);
  auto map = fingerprint_file(file, hasher, observer, options);
  if (auto* err = std::get_if<file_error>(&map))
    ADD_FAILURE() << err->message;
  return std::holds_alternative<block_map>(map) ? std::get<block_map>(map) : block_map{};
}

} // namespace

// --- storage_root -------------------------------------------------------------------

class StorageRoot : public file_fixture {};

TEST_F(StorageRoot, OpenRefusesAMissingDirectory) {
  auto missing = (dir_ / "missing").string();
  auto root = storage_root::open(missing);
  ASSERT_TRUE(std::holds_alternative<std::string>(root));
  EXPECT_NE(std::get<std::string>(root).find("'" + missing + "'"), std::string::npos)
    << std::get<std::string>(root);
}

TEST_F(StorageRoot, OpenRefusesAFile) {
  write_file(dir_ / "plain", pattern(10, 1));
  auto root = storage_root::open((dir_ / "plain").string());
  ASSERT_TRUE(std::holds_alternative<std::string>(root));
  EXPECT_NE(std::get<std::string>(root).find("not a directory"), std::string::npos);
}

TEST_F(StorageRoot, OpenMakesThePathCanonical) {
  auto root = storage_root::open((dir_ / "root" / ".." / "root" / ".").string());
  ASSERT_TRUE(std::holds_alternative<storage_root>(root));
  EXPECT_EQ(std::get<storage_root>(root).path(), root_dir().string());
}

TEST_F(StorageRoot, RelativePathIsRelativeToTheRoot) {
  fs::create_directory(root_dir() / "disks");
  write_file(root_dir() / "disks" / "a.img", pattern(100, 1));
  auto expected = (root_dir() / "disks" / "a.img").string();
  auto resolved = root().resolve("disks/a.img");
  ASSERT_TRUE(std::holds_alternative<std::string>(resolved))
    << std::get<file_error>(resolved).message;
  EXPECT_EQ(std::get<std::string>(resolved), expected);
  auto file = open("disks/a.img");
  EXPECT_EQ(file.path(), expected);
  EXPECT_EQ(size_of(file), 100u);
}

TEST_F(StorageRoot, AbsolutePathInsideIsAccepted) {
  write_file(root_dir() / "a.img", pattern(10, 1));
  auto absolute = (root_dir() / "a.img").string();
  auto resolved = root().resolve(absolute);
  ASSERT_TRUE(std::holds_alternative<std::string>(resolved));
  EXPECT_EQ(std::get<std::string>(resolved), absolute);
  EXPECT_EQ(open(absolute).path(), absolute);
}

TEST_F(StorageRoot, DotDotEscapeIsOutsideTheRoot) {
  write_file(dir_ / "x", pattern(10, 1));
  auto err = resolve_error("../x");
  EXPECT_EQ(err.what, file_error::kind::outside_root);
  EXPECT_EQ(err.message, "'../x' resolves to '" + (dir_ / "x").string() +
                           "', outside the storage root '" + root_dir().string() + "'");
  EXPECT_EQ(open_error("../x").what, file_error::kind::outside_root);
}

TEST_F(StorageRoot, MissingFileOutsideIsOutsideTheRoot) {
  // Not `not_found`: that would tell which files exist outside the root.
  EXPECT_EQ(resolve_error("../missing").what, file_error::kind::outside_root);
  EXPECT_EQ(resolve_error("/no/such/file").what, file_error::kind::outside_root);
}

TEST_F(StorageRoot, AbsolutePathElsewhereIsOutsideTheRoot) {
  auto err = resolve_error("/etc/hostname");
  EXPECT_EQ(err.what, file_error::kind::outside_root);
  EXPECT_NE(err.message.find("'/etc/hostname'"), std::string::npos) << err.message;
  EXPECT_EQ(open_error("/etc/hostname").what, file_error::kind::outside_root);
}

TEST_F(StorageRoot, SymlinkPointingOutIsRefused) {
  write_file(dir_ / "outside.img", pattern(10, 1));
  fs::create_symlink(dir_ / "outside.img", root_dir() / "link.img");
  auto err = resolve_error("link.img");
  EXPECT_EQ(err.what, file_error::kind::outside_root);
  EXPECT_NE(err.message.find((dir_ / "outside.img").string()), std::string::npos) << err.message;
  EXPECT_EQ(open_error("link.img").what, file_error::kind::outside_root);
}

TEST_F(StorageRoot, SymlinkToAFileInsideIsAccepted) {
  fs::create_directory(root_dir() / "disks");
  write_file(root_dir() / "disks" / "a.img", pattern(10, 1));
  fs::create_symlink("disks/a.img", root_dir() / "link.img");
  auto target = (root_dir() / "disks" / "a.img").string();
  auto resolved = root().resolve("link.img");
  ASSERT_TRUE(std::holds_alternative<std::string>(resolved));
  EXPECT_EQ(std::get<std::string>(resolved), target);
  EXPECT_EQ(open("link.img").path(), target);
}

TEST_F(StorageRoot, MissingFileIsNotFound) {
  auto err = resolve_error("missing.img");
  EXPECT_EQ(err.what, file_error::kind::not_found);
  EXPECT_NE(err.message.find("'missing.img'"), std::string::npos) << err.message;
  EXPECT_EQ(open_error("missing.img").what, file_error::kind::not_found);
  EXPECT_EQ(resolve_error("no/dir/a.img").what, file_error::kind::not_found);
}

TEST_F(StorageRoot, EmptyPathIsNotFound) {
  EXPECT_EQ(resolve_error("").what, file_error::kind::not_found);
  EXPECT_EQ(open_error("").what, file_error::kind::not_found);
}

TEST_F(StorageRoot, DirectoryIsNotRegular) {
  fs::create_directory(root_dir() / "sub");
  auto err = resolve_error("sub");
  EXPECT_EQ(err.what, file_error::kind::not_regular);
  EXPECT_NE(err.message.find("a directory"), std::string::npos) << err.message;
  EXPECT_EQ(open_error("sub").what, file_error::kind::not_regular);
  EXPECT_EQ(resolve_error(".").what, file_error::kind::not_regular);
}

TEST_F(StorageRoot, OpenFileRefusesASymlinkSwappedAfterResolve) {
  write_file(root_dir() / "a.img", pattern(10, 1));
  write_file(dir_ / "outside.img", pattern(10, 2));
  fs::create_symlink("a.img", root_dir() / "link.img");
  ASSERT_TRUE(std::holds_alternative<std::string>(root().resolve("link.img")));
  fs::remove(root_dir() / "link.img");
  fs::create_symlink(dir_ / "outside.img", root_dir() / "link.img");
  EXPECT_EQ(open_error("link.img").what, file_error::kind::outside_root);
}

TEST_F(StorageRoot, ImageFileMovesItsDescriptor) {
  write_file(root_dir() / "a.img", pattern(10, 1));
  auto file = open("a.img");
  const int fd = file.fd();
  image_file moved(std::move(file));
  EXPECT_EQ(moved.fd(), fd);
  EXPECT_EQ(file.fd(), -1); // NOLINT(bugprone-use-after-move): the moved-from state
  auto stamp = std::get<file_stamp>(moved.stamp());
  EXPECT_EQ(stamp.size, 10u);
  EXPECT_NE(stamp.inode, 0u);
}

// --- block_hasher -------------------------------------------------------------------

class BlockHasher : public file_fixture {};

class BlockHasherSizes
    : public file_fixture,
      public ::testing::WithParamInterface<std::tuple<std::uint32_t, std::uint64_t>> {};

TEST_P(BlockHasherSizes, HashesEqualBlockFingerprints) {
  const auto [block_size, size] = GetParam();
  auto content = pattern(size, size);
  write_file(root_dir() / "a.img", content);
  auto file = open("a.img");
  block_hasher hasher(block_size);
  std::vector<std::uint64_t> hashes;
  auto read = hasher.hash_blocks(file, size, 0, size, hashes);
  ASSERT_TRUE(std::holds_alternative<std::uint64_t>(read));
  EXPECT_EQ(std::get<std::uint64_t>(read), size);
  EXPECT_EQ(hashes, expected_map(content, block_size).hashes);
}

// 0 bytes, 1 byte, an exact multiple, a partial last block, more than the 1 MiB read size.
INSTANTIATE_TEST_SUITE_P(Sizes, BlockHasherSizes,
                         ::testing::Combine(::testing::Values(4096U, 65536U),
                                            ::testing::Values(0U, 1U, 4U * 65536U,
                                                              3U * 65536U + 1000U,
                                                              (2U << 20U) + 12345U)),
                         [](const auto& test) {
                           return "block" + std::to_string(std::get<0>(test.param)) + "_size" +
                                  std::to_string(std::get<1>(test.param));
                         });

TEST_F(BlockHasher, ReadsWholeBlocksUpToMaxBytes) {
  constexpr std::uint32_t bs = 4096;
  auto content = pattern(10 * bs + 7, 1);
  write_file(root_dir() / "a.img", content);
  auto file = open("a.img");
  const auto all = expected_map(content, bs).hashes;
  block_hasher hasher(bs, 2 * bs);
  std::vector<std::uint64_t> out;
  // At least max_bytes, in whole blocks, from first_block.
  EXPECT_EQ(std::get<std::uint64_t>(hasher.hash_blocks(file, content.size(), 2, bs + 1, out)),
            2 * bs);
  EXPECT_EQ(out, std::vector<std::uint64_t>(all.begin() + 2, all.begin() + 4));
  // At least one block, even for 0 bytes.
  EXPECT_EQ(std::get<std::uint64_t>(hasher.hash_blocks(file, content.size(), 4, 0, out)), bs);
  // The last, partial block; nothing past the end.
  EXPECT_EQ(std::get<std::uint64_t>(hasher.hash_blocks(file, content.size(), 10, bs, out)), 7u);
  EXPECT_EQ(std::get<std::uint64_t>(hasher.hash_blocks(file, content.size(), 11, bs, out)), 0u);
  EXPECT_EQ(out, (std::vector<std::uint64_t>{all[2], all[3], all[4], all[10]}));
}

TEST_F(BlockHasher, FileShorterThanExpectedIsChanged) {
  write_file(root_dir() / "a.img", pattern(5000, 1));
  auto file = open("a.img");
  block_hasher hasher(4096);
  std::vector<std::uint64_t> out;
  auto read = hasher.hash_blocks(file, 9000, 0, 9000, out);
  ASSERT_TRUE(std::holds_alternative<file_error>(read));
  EXPECT_EQ(std::get<file_error>(read).what, file_error::kind::changed);
}

// --- fingerprint_file ---------------------------------------------------------------

class FingerprintFile : public file_fixture {};

// Larger than the ring of reads made ahead (4 x 1 MiB), so that its buffers are reused.
constexpr std::uint64_t large_size = (9U << 20U) + 5000U;

TEST_F(FingerprintFile, MapMatchesTheContent) {
  auto content = pattern(large_size, 1);
  write_file(root_dir() / "a.img", content);
  EXPECT_EQ(fingerprint(open("a.img"), 65536), expected_map(content, 65536));
  EXPECT_EQ(fingerprint(open("a.img"), 4096), expected_map(content, 4096));
  // Reads of three blocks: the ring goes round many times.
  auto file = open("a.img");
  block_hasher hasher(4096, 3 * 4096);
  auto map = fingerprint_file(file, hasher, {}, {});
  ASSERT_TRUE(std::holds_alternative<block_map>(map)) << std::get<file_error>(map).message;
  EXPECT_EQ(std::get<block_map>(map), expected_map(content, 4096));
}

TEST_F(FingerprintFile, EmptyFileHasAnEmptyMap) {
  write_file(root_dir() / "a.img", {});
  EXPECT_EQ(fingerprint(open("a.img"), 65536), (block_map{65536, 0, {}}));
}

TEST_F(FingerprintFile, ProgressIsMonotonicAndReachesTheSize) {
  const std::uint64_t size = large_size;
  write_file(root_dir() / "a.img", pattern(size, 1));
  std::vector<std::uint64_t> done;
  const auto caller = std::this_thread::get_id();
  fingerprint_observer observer;
  observer.progress = [&](std::uint64_t d, std::uint64_t total) {
    EXPECT_EQ(total, size);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    done.push_back(d);
  };
  fingerprint(open("a.img"), 65536, observer);
  ASSERT_EQ(done.size(), 10u) << "one report per 1 MiB read";
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
  EXPECT_EQ(std::adjacent_find(done.begin(), done.end()), done.end()) << "strictly increasing";
  EXPECT_EQ(done.back(), size);
}

// The reader thread is then ahead, waiting for a free buffer: it is stopped and joined.
TEST_F(FingerprintFile, CancelledStops) {
  write_file(root_dir() / "a.img", pattern(large_size, 1));
  auto file = open("a.img");
  int reports = 0;
  fingerprint_observer observer;
  observer.progress = [&](std::uint64_t, std::uint64_t) { ++reports; };
  observer.cancelled = [&] { return reports == 1; };
  block_hasher hasher(65536);
  auto map = fingerprint_file(file, hasher, observer, {});
  ASSERT_TRUE(std::holds_alternative<file_error>(map));
  EXPECT_EQ(std::get<file_error>(map).what, file_error::kind::cancelled);
  EXPECT_EQ(reports, 1);
}

// A read in the middle fails (the reader finds the end early): the reader stops, is joined,
// and the next attempt reads what is left.
TEST_F(FingerprintFile, FileShrunkDuringTheReadIsReadAgain) {
  const auto path = root_dir() / "a.img";
  auto content = pattern(large_size, 1);
  write_file(path, content);
  std::vector<std::uint64_t> done;
  fingerprint_observer observer;
  observer.progress = [&](std::uint64_t d, std::uint64_t) {
    done.push_back(d);
    if (done.size() == 1)
      fs::resize_file(path, 2U << 20U);
  };
  auto map = fingerprint(open("a.img"), 65536, observer);
  content.resize(2U << 20U);
  EXPECT_EQ(map, expected_map(content, 65536));
  // At most the 4 reads of the ring ahead, not the 10 of the whole file, then 2 reads.
  ASSERT_GE(done.size(), 3u);
  EXPECT_LE(done.size(), 6u);
  EXPECT_EQ(std::vector<std::uint64_t>(done.end() - 2, done.end()),
            (std::vector<std::uint64_t>{1U << 20U, 2U << 20U}));
}

TEST_F(FingerprintFile, ReadsAtTheCallersNiceValue) {
  write_file(root_dir() / "a.img", pattern(large_size, 1));
  auto file = open("a.img");
  // The nice value of every thread of this process but the caller, seen while it reads.
  std::vector<int> others;
  std::thread caller{[&] {
    const auto self = std::to_string(gettid());
    ASSERT_EQ(setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10), 0);
    fingerprint_observer observer;
    observer.progress = [&](std::uint64_t, std::uint64_t) {
      if (!others.empty())
        return;
      for (const auto& task : fs::directory_iterator("/proc/self/task")) {
        if (task.path().filename() == self)
          continue;
        std::ifstream in(task.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        // After the name in parentheses: fields 3 to 19, the last one the nice value.
        std::istringstream fields(stat.substr(stat.rfind(')') + 2));
        std::string field;
        for (int i = 3; i <= 19; ++i)
          fields >> field;
        others.push_back(std::stoi(field));
      }
    };
    block_hasher hasher(65536);
    auto map = fingerprint_file(file, hasher, observer, {});
    EXPECT_TRUE(std::holds_alternative<block_map>(map));
  }};
  caller.join();
  EXPECT_GE(std::count(others.begin(), others.end(), 10), 1) << "the reader thread";
}

TEST_F(FingerprintFile, WriteDuringTheFirstAttemptIsRetried) {
  const auto path = root_dir() / "a.img";
  auto content = pattern(3U << 20U, 1);
  write_file(path, content);
  const auto changed = pattern(100, 2);
  int restarts = 0;
  std::uint64_t last = 0;
  bool written = false;
  fingerprint_observer observer;
  observer.progress = [&](std::uint64_t done, std::uint64_t) {
    restarts += done < last ? 1 : 0;
    last = done;
    if (!std::exchange(written, true))
      overwrite(path, 10, changed);
  };
  auto map = fingerprint(open("a.img"), 65536, observer);
  std::copy(changed.begin(), changed.end(), content.begin() + 10);
  EXPECT_EQ(map, expected_map(content, 65536));
  EXPECT_EQ(restarts, 1);
}

TEST_F(FingerprintFile, WriteDuringEveryAttemptFails) {
  const auto path = root_dir() / "a.img";
  write_file(path, pattern(3U << 20U, 1));
  std::uint64_t seed = 2;
  fingerprint_observer observer;
  observer.progress = [&](std::uint64_t done, std::uint64_t) {
    if (done <= (1U << 20U))
      overwrite(path, 10, pattern(100, seed++));
  };
  auto file = open("a.img");
  block_hasher hasher(65536);
  auto map = fingerprint_file(file, hasher, observer, {3, std::chrono::milliseconds(20)});
  ASSERT_TRUE(std::holds_alternative<file_error>(map));
  const auto& err = std::get<file_error>(map);
  EXPECT_EQ(err.what, file_error::kind::changed);
  EXPECT_EQ(err.message, "'" + path.string() +
                           "' changed while it was being read (3 attempts); stop writing to it "
                           "and try again");
  EXPECT_EQ(seed, 5u) << "one write per attempt";
}

TEST_F(FingerprintFile, AModificationTimeInTheFutureDoesNotHoldItUp) {
  const auto path = root_dir() / "a.img";
  auto content = pattern(1U << 20U, 1);
  write_file(path, content);
  fs::last_write_time(path, fs::file_time_type::clock::now() + std::chrono::hours(24));
  // The ctime is now, though: wait out the quiet period that it asks for.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  auto file = open("a.img");
  block_hasher hasher(65536);
  auto map = fingerprint_file(file, hasher, {}, {1, std::chrono::milliseconds(20)});
  ASSERT_TRUE(std::holds_alternative<block_map>(map)) << std::get<file_error>(map).message;
  EXPECT_EQ(std::get<block_map>(map), expected_map(content, 65536));
}

TEST_F(FingerprintFile, AFileStillBeingWrittenWhenTheWaitEndsIsNotRead) {
  const auto path = root_dir() / "a.img";
  write_file(path, pattern(1U << 20U, 1));
  std::atomic<bool> stop{false};
  std::thread writer{[&] {
    for (std::uint64_t seed = 2; !stop; ++seed) {
      overwrite(path, 10, pattern(100, seed));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }};
  auto file = open("a.img");
  block_hasher hasher(65536);
  int reads = 0;
  fingerprint_observer observer;
  observer.progress = [&](std::uint64_t, std::uint64_t) { ++reads; };
  // A quiet period far longer than the writer's pauses, even on a busy machine.
  auto map = fingerprint_file(file, hasher, observer, {2, std::chrono::milliseconds(200)});
  stop = true;
  writer.join();
  ASSERT_TRUE(std::holds_alternative<file_error>(map));
  EXPECT_EQ(std::get<file_error>(map).what, file_error::kind::changed);
  EXPECT_EQ(reads, 0) << "never quiet: no attempt read the file";
}

// --- compare_file -------------------------------------------------------------------

// A file of 64 blocks of 4 KiB and a partial block of 1000 bytes, fingerprinted.
class CompareFile : public file_fixture {
protected:
  static constexpr std::uint32_t bs = 4096;
  static constexpr std::uint64_t size = 64 * bs + 1000;

  void SetUp() override {
    file_fixture::SetUp();
    write_file(path(), pattern(size, 1));
    map_ = fingerprint(open("a.img"), bs);
  }

  fs::path path() const { return root_dir() / "a.img"; }

  void change_block(std::uint64_t block) { overwrite(path(), block * bs + 5, pattern(1, block)); }

  disk_changes compare(std::uint64_t offset, std::uint64_t length,
                       std::uint64_t max_bytes = std::uint64_t{1} << 30U) {
    auto file = open("a.img");
    block_hasher hasher(bs);
    auto changes = compare_file(file, map_, size_of(file), offset, length, max_bytes, hasher);
    if (auto* err = std::get_if<file_error>(&changes))
      ADD_FAILURE() << err->message;
    return std::holds_alternative<disk_changes>(changes) ? std::get<disk_changes>(changes)
                                                         : disk_changes{};
  }

  // The whole disk, from `offset`, in calls of at most `max_bytes`, ranges merged.
  std::vector<byte_range> compare_in_steps(std::uint64_t offset, std::uint64_t max_bytes) {
    const std::uint64_t disk_size = std::filesystem::file_size(path());
    changed_ranges all(offset, disk_size);
    for (std::uint64_t at = offset; at < disk_size;) {
      auto changes = compare(at, disk_size - at, max_bytes);
      EXPECT_GT(changes.processed, 0u);
      if (changes.processed == 0)
        break;
      for (const auto& r : changes.ranges)
        all.add(r.offset, r.length);
      at += changes.processed;
    }
    return all.ranges();
  }

  block_map map_;
};

TEST_F(CompareFile, UnchangedFileHasNoRanges) {
  auto changes = compare(0, size);
  EXPECT_EQ(changes.disk_size, size);
  EXPECT_EQ(changes.processed, size);
  EXPECT_TRUE(changes.ranges.empty());
}

TEST_F(CompareFile, FirstBlockOverwritten) {
  change_block(0);
  EXPECT_EQ(compare(0, size).ranges, (std::vector<byte_range>{{0, bs}}));
}

TEST_F(CompareFile, LastPartialBlockOverwritten) {
  change_block(64);
  EXPECT_EQ(compare(0, size).ranges, (std::vector<byte_range>{{64 * bs, 1000}}));
}

TEST_F(CompareFile, AdjacentBlocksFormOneRange) {
  change_block(5);
  change_block(6);
  EXPECT_EQ(compare(0, size).ranges, (std::vector<byte_range>{{5 * bs, 2 * bs}}));
}

TEST_F(CompareFile, ScatteredBlocks) {
  for (std::uint64_t block : {1U, 7U, 8U, 30U, 63U})
    change_block(block);
  EXPECT_EQ(compare(0, size).ranges,
            (std::vector<byte_range>{{bs, bs}, {7 * bs, 2 * bs}, {30 * bs, bs}, {63 * bs, bs}}));
}

TEST_F(CompareFile, GrownFileChangesTheTail) {
  std::ofstream(path(), std::ios::binary | std::ios::app) << std::string(5000, 'x');
  auto changes = compare(0, size + 5000);
  EXPECT_EQ(changes.disk_size, size + 5000);
  // The old last block grew to a whole one, then new blocks follow.
  EXPECT_EQ(changes.ranges, (std::vector<byte_range>{{64 * bs, 6000}}));
}

TEST_F(CompareFile, TruncatedFileChangesTheNewLastBlock) {
  fs::resize_file(path(), 10 * bs + bs / 2);
  auto changes = compare(0, 10 * bs + bs / 2);
  EXPECT_EQ(changes.disk_size, 10 * bs + bs / 2);
  EXPECT_EQ(changes.ranges, (std::vector<byte_range>{{10 * bs, bs / 2}}));
}

TEST_F(CompareFile, UnalignedRequestIsClipped) {
  change_block(3);
  change_block(5);
  auto inside = compare(3 * bs + 100, 50);
  EXPECT_EQ(inside.processed, 50u);
  EXPECT_EQ(inside.ranges, (std::vector<byte_range>{{3 * bs + 100, 50}}));
  auto across = compare(3 * bs + 100, 2 * bs + 10);
  EXPECT_EQ(across.processed, 2 * bs + 10);
  EXPECT_EQ(across.ranges, (std::vector<byte_range>{{3 * bs + 100, bs - 100}, {5 * bs, 110}}));
}

TEST_F(CompareFile, MaxBytesLimitsTheCoveredPart) {
  change_block(2);
  change_block(4);
  auto first = compare(100, size - 100, 3 * bs);
  EXPECT_EQ(first.processed, 3 * bs - 100) << "ends at a block boundary";
  EXPECT_EQ(first.ranges, (std::vector<byte_range>{{2 * bs, bs}}));
  EXPECT_EQ(compare(0, size, 0).processed, bs) << "at least one block";
}

TEST_F(CompareFile, StepsOverProcessedGiveTheRangesOfOneCall) {
  for (std::uint64_t block : {0U, 4U, 5U, 6U, 20U, 41U, 42U, 64U})
    change_block(block);
  const auto whole = compare(0, size).ranges;
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(compare_in_steps(0, 5 * bs), whole);
  EXPECT_EQ(compare_in_steps(0, bs), whole);
  changed_ranges clipped(777, size);
  for (const auto& r : whole)
    clipped.add(r.offset, r.length);
  EXPECT_EQ(compare_in_steps(777, 3 * bs + 1), clipped.ranges());
}

TEST_F(CompareFile, FileShrunkDuringTheReadIsChanged) {
  auto file = open("a.img");
  fs::resize_file(path(), 10 * bs);
  block_hasher hasher(bs);
  auto changes = compare_file(file, map_, size, 0, size, size, hasher);
  ASSERT_TRUE(std::holds_alternative<file_error>(changes));
  EXPECT_EQ(std::get<file_error>(changes).what, file_error::kind::changed);
}
