/// bench_fingerprint: how fast the file backend reads image files.
///
/// bench_fingerprint DIR [GIB]          (default 2 GiB)
///   Writes a file of pseudo-random data in DIR, reads it once to warm the page cache,
///   then times, alternating, 3 rounds of each and keeps the best: (a) a plain sequential
///   read in 1 MiB preads, (b) `fingerprint_file` with 64 KiB blocks, (c) `xxhsum -H3` on
///   the file as a child process (skipped with a note when it is missing).
/// bench_fingerprint changes DIR [GIB]  (default 4 GiB)
///   Fingerprints a file, overwrites 1% of its 64 KiB blocks (fixed seed), then times a
///   loop of `compare_file` calls of at most 1 GiB each over the whole file (warm cache),
///   and checks that the changed blocks found are the ones written (exit status 1 if not).
///
/// Prints one `name value unit` line per figure; notes start with '#'. Deletes its file.

#include "actors/image_reader.hpp"
#include "actors/storage_root.hpp"
#include "protocol/block_map.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <random>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <variant>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace ac = refpoint::actors;
namespace pr = refpoint::protocol;
using bench_clock = std::chrono::steady_clock;

constexpr std::size_t read_size = std::size_t{1} << 20U;
constexpr std::uint32_t block_size = pr::default_block_size;
constexpr double gib = 1024.0 * 1024.0 * 1024.0;

/// Ends the benchmark (exit status 2), deleting its file on the way out.
struct bench_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& what) {
  throw bench_failure(what);
}

void print(const char* name, double value, const char* unit) {
  std::printf("%s %.3f %s\n", name, value, unit);
  std::fflush(stdout);
}

void print_count(const char* name, std::uint64_t value, const char* unit) {
  std::printf("%s %llu %s\n", name, static_cast<unsigned long long>(value), unit);
  std::fflush(stdout);
}

/// The file the benchmark writes, deleted on every way out.
struct bench_file {
  fs::path path;
  explicit bench_file(fs::path p) : path(std::move(p)) {}
  bench_file(const bench_file&) = delete;
  bench_file& operator=(const bench_file&) = delete;
  ~bench_file() {
    std::error_code ignored;
    fs::remove(path, ignored);
  }
};

/// Fills `buffer` with xorshift64 output: fast, and no two buffers alike.
void fill(std::vector<std::uint64_t>& buffer, std::uint64_t& state) {
  for (auto& word : buffer) {
    state ^= state << 13U;
    state ^= state >> 7U;
    state ^= state << 17U;
    word = state;
  }
}

void write_all(int fd, const void* data, std::size_t size, std::uint64_t offset) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t done = 0; done < size;) {
    ssize_t n = pwrite(fd, bytes + done, size - done, static_cast<off_t>(offset + done));
    if (n <= 0)
      fail("cannot write the benchmark file");
    done += static_cast<std::size_t>(n);
  }
}

/// Writes `size` bytes (a multiple of the read size) and flushes them, so that write-back
/// does not run during the measurements.
void create_file(const fs::path& path, std::uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    fail("cannot create " + path.string());
  std::vector<std::uint64_t> buffer(read_size / sizeof(std::uint64_t));
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  for (std::uint64_t at = 0; at < size; at += read_size) {
    fill(buffer, state);
    write_all(fd, buffer.data(), read_size, at);
  }
  if (fsync(fd) != 0)
    fail("cannot flush " + path.string());
  close(fd);
}

/// (a) A plain sequential read in 1 MiB preads; answers the bytes read.
std::uint64_t plain_read(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fail("cannot open " + path.string());
  std::vector<unsigned char> buffer(read_size);
  std::uint64_t total = 0;
  for (ssize_t n; (n = pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(total))) > 0;)
    total += static_cast<std::uint64_t>(n);
  close(fd);
  return total;
}

ac::image_file open_image(const fs::path& path) {
  auto root = ac::storage_root::open(path.parent_path().string());
  if (auto* err = std::get_if<std::string>(&root))
    fail(*err);
  auto file = std::get<ac::storage_root>(root).open_file(path.filename().string());
  if (auto* err = std::get_if<ac::file_error>(&file))
    fail(err->message);
  return std::move(std::get<ac::image_file>(file));
}

/// (b) The file backend's fingerprinting.
pr::block_map fingerprint(const fs::path& path) {
  auto file = open_image(path);
  ac::block_hasher hasher(block_size);
  auto map = ac::fingerprint_file(file, hasher, {}, {});
  if (auto* err = std::get_if<ac::file_error>(&map))
    fail(err->message);
  return std::move(std::get<pr::block_map>(map));
}

/// (c) `xxhsum -H3 FILE`, output discarded: false when it cannot run.
bool run_xxhsum(const fs::path& path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  std::string program = "xxhsum", option = "-H3", file = path.string();
  char* argv[] = {program.data(), option.data(), file.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "xxhsum", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  return spawned == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

template <class F>
double seconds(F&& work) {
  const auto start = bench_clock::now();
  work();
  return std::chrono::duration<double>(bench_clock::now() - start).count();
}

int speed_mode(const fs::path& path, std::uint64_t size) {
  plain_read(path);
  bool have_xxhsum = true;
  double best_read = 1e9, best_fingerprint = 1e9, best_xxhsum = 1e9;
  for (int round = 0; round < 3; ++round) {
    best_read = std::min(best_read, seconds([&] { plain_read(path); }));
    best_fingerprint = std::min(best_fingerprint, seconds([&] { fingerprint(path); }));
    if (have_xxhsum)
      best_xxhsum = std::min(best_xxhsum, seconds([&] { have_xxhsum = run_xxhsum(path); }));
  }
  const double gigs = static_cast<double>(size) / gib;
  print("file_size", gigs, "GiB");
  print("read", gigs / best_read, "GiB/s");
  print("fingerprint", gigs / best_fingerprint, "GiB/s");
  print("fingerprint_over_read", best_read / best_fingerprint, "ratio");
  if (!have_xxhsum) {
    std::printf("# xxhsum is missing or failed: its figures are skipped\n");
    return 0;
  }
  print("xxhsum", gigs / best_xxhsum, "GiB/s");
  print("fingerprint_over_xxhsum", best_xxhsum / best_fingerprint, "ratio");
  return 0;
}

/// 1% of the file's blocks, distinct, in ascending order, always the same ones.
std::vector<std::uint64_t> pick_blocks(std::uint64_t blocks) {
  std::vector<std::uint64_t> all(blocks);
  std::iota(all.begin(), all.end(), std::uint64_t{0});
  std::mt19937_64 random(20240601);
  std::shuffle(all.begin(), all.end(), random);
  all.resize(blocks / 100);
  std::sort(all.begin(), all.end());
  return all;
}

void overwrite_blocks(const fs::path& path, const std::vector<std::uint64_t>& picked) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    fail("cannot open " + path.string());
  std::vector<std::uint64_t> buffer(block_size / sizeof(std::uint64_t));
  std::uint64_t state = 0xD1B54A32D192ED03ULL;
  for (auto block : picked) {
    fill(buffer, state);
    write_all(fd, buffer.data(), block_size, block * block_size);
  }
  close(fd);
}

/// The whole file in `compare_file` calls of at most 1 GiB, ranges merged across calls.
std::vector<pr::byte_range> compare_all(const fs::path& path, const pr::block_map& map) {
  auto file = open_image(path);
  ac::block_hasher hasher(block_size);
  pr::changed_ranges all(0, map.disk_size);
  for (std::uint64_t at = 0; at < map.disk_size;) {
    auto changes = ac::compare_file(file, map, map.disk_size, at, map.disk_size - at,
                                    std::uint64_t{1} << 30U, hasher);
    if (auto* err = std::get_if<ac::file_error>(&changes))
      fail(err->message);
    for (const auto& r : std::get<ac::disk_changes>(changes).ranges)
      all.add(r.offset, r.length);
    at += std::get<ac::disk_changes>(changes).processed;
  }
  return all.ranges();
}

int changes_mode(const fs::path& path, std::uint64_t size) {
  plain_read(path);
  pr::block_map map;
  const double fingerprint_s = seconds([&] { map = fingerprint(path); });
  const auto picked = pick_blocks(map.hashes.size());
  overwrite_blocks(path, picked);
  plain_read(path);
  std::vector<pr::byte_range> ranges;
  const double compare_s = seconds([&] { ranges = compare_all(path, map); });
  std::uint64_t changed_bytes = 0;
  for (const auto& r : ranges)
    changed_bytes += r.length;
  const std::uint64_t found = changed_bytes / block_size;
  print("file_size", static_cast<double>(size) / gib, "GiB");
  print("fingerprint_seconds", fingerprint_s, "s");
  print_count("blocks_written", picked.size(), "blocks");
  print("compare_seconds", compare_s, "s");
  print("compare_rate", static_cast<double>(size) / gib / compare_s, "GiB/s");
  print_count("ranges_found", ranges.size(), "ranges");
  print_count("blocks_found", found, "blocks");
  if (found != picked.size() || changed_bytes % block_size != 0) {
    std::printf("# the changed blocks found differ from those written\n");
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const bool changes = !args.empty() && args.front() == "changes";
  if (changes)
    args.erase(args.begin());
  if (args.empty() || args.size() > 2) {
    std::cerr << "usage: bench_fingerprint [changes] DIR [GIB]\n";
    return 2;
  }
  const double gigs = args.size() > 1 ? std::stod(args[1]) : (changes ? 4.0 : 2.0);
  // A whole number of 1 MiB reads, at least one.
  const auto mib = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(gigs * 1024.0));
  const std::uint64_t size = mib * read_size;
  const fs::path dir = fs::canonical(args[0]);
  try {
    const bench_file file(dir / ("refpoint-bench-" + std::to_string(getpid()) + ".img"));
    create_file(file.path, size);
    return changes ? changes_mode(file.path, size) : speed_mode(file.path, size);
  } catch (const bench_failure& e) {
    std::cerr << "bench_fingerprint: " << e.what() << "\n";
    return 2;
  }
}
