#include "actors/image_reader.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>

namespace refpoint::actors {

namespace {

using wall_clock = std::chrono::system_clock;

// Bytes read between two progress reports (and cancellation polls) while fingerprinting:
// the default read size, so one read each time.
constexpr std::uint64_t fingerprint_step = std::uint64_t{1} << 20U;

std::uint64_t round_up(std::uint64_t n, std::uint64_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

file_error read_error(const image_file& file, int err) {
  return {file_error::kind::io,
          quoted(file.path()) + " could not be read: " + std::string(std::strerror(err))};
}

file_error shrank_error(const image_file& file) {
  return {file_error::kind::changed, quoted(file.path()) + " shrank while it was being read"};
}

// Reads `size` bytes at `offset`, fewer only when the file ends first. Answers the bytes
// read, or the errno of a failure.
std::variant<std::size_t, int> read_fully(int fd, unsigned char* data, std::size_t size,
                                          std::uint64_t offset) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd, data + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return errno;
    if (n == 0)
      break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

// The wall-clock time of a stamp's latest change, modification or status, leaving out
// times in the future (set by hand, or copied from a host whose clock runs ahead): a write
// now would set them back to now, which the stamp comparison sees anyway.
wall_clock::time_point latest_change(const file_stamp& stamp, wall_clock::time_point now) {
  auto at = [](std::int64_t ns) {
    return wall_clock::time_point(
      std::chrono::duration_cast<wall_clock::duration>(std::chrono::nanoseconds(ns)));
  };
  auto latest = wall_clock::time_point{};
  for (auto t : {at(stamp.mtime_ns), at(stamp.ctime_ns)})
    if (t <= now)
      latest = std::max(latest, t);
  return latest;
}

// The file's stamp once it has not changed for `quiet`, so that a write during the read
// gets a later timestamp than the stamp holds. Waits at most `quiet` in all: a file still
// changing then is `changed` (this attempt fails), since a write in the same timestamp tick
// as the stamp could otherwise go unnoticed.
std::variant<file_stamp, file_error> quiet_stamp(const image_file& file,
                                                 std::chrono::milliseconds quiet) {
  const auto deadline = wall_clock::now() + quiet;
  for (;;) {
    auto stamp = file.stamp();
    if (std::holds_alternative<file_error>(stamp))
      return stamp;
    const auto now = wall_clock::now();
    const auto quiet_at = latest_change(std::get<file_stamp>(stamp), now) + quiet;
    if (now >= quiet_at)
      return stamp;
    if (now >= deadline)
      return file_error{file_error::kind::changed, quoted(file.path()) + " is being written to"};
    std::this_thread::sleep_for(std::min(quiet_at, deadline) - now);
  }
}

bool stop_requested(const fingerprint_observer& observer) {
  return observer.cancelled && observer.cancelled();
}

// One attempt: the map, or `changed` when the stamp differs after the read.
std::variant<protocol::block_map, file_error> fingerprint_once(const image_file& file,
                                                               block_hasher& hasher,
                                                               const fingerprint_observer& observer,
                                                               std::chrono::milliseconds quiet) {
  auto before = quiet_stamp(file, quiet);
  if (auto* err = std::get_if<file_error>(&before))
    return std::move(*err);
  const std::uint64_t size = std::get<file_stamp>(before).size;
  protocol::block_map map{hasher.block_size(), size, {}};
  map.hashes.reserve(protocol::block_count(size, hasher.block_size()));
  for (std::uint64_t done = 0; done < size;) {
    if (stop_requested(observer))
      return file_error{file_error::kind::cancelled,
                        "Fingerprinting " + quoted(file.path()) + " was cancelled"};
    auto read = hasher.hash_blocks(file, size, map.hashes.size(), fingerprint_step, map.hashes);
    if (auto* err = std::get_if<file_error>(&read))
      return std::move(*err);
    done += std::get<std::uint64_t>(read);
    if (observer.progress)
      observer.progress(done, size);
  }
  auto after = file.stamp();
  if (auto* err = std::get_if<file_error>(&after))
    return std::move(*err);
  if (std::get<file_stamp>(after) != std::get<file_stamp>(before))
    return file_error{file_error::kind::changed, quoted(file.path()) + " changed"};
  return map;
}

file_error kept_changing(const image_file& file, int attempts) {
  return {file_error::kind::changed,
          quoted(file.path()) + " changed while it was being read (" + std::to_string(attempts) +
            (attempts == 1 ? " attempt" : " attempts") + "); stop writing to it and try again"};
}

} // namespace

block_hasher::block_hasher(std::uint32_t block_size, std::size_t read_size)
    : block_size_(block_size), buffer_(static_cast<std::size_t>(
                                 round_up(std::max<std::uint64_t>(read_size, 1), block_size))) {
  assert(protocol::valid_block_size(block_size));
}

std::variant<std::uint64_t, file_error> block_hasher::hash_blocks(const image_file& file,
                                                                  std::uint64_t file_size,
                                                                  std::uint64_t first_block,
                                                                  std::uint64_t max_bytes,
                                                                  std::vector<std::uint64_t>& out) {
  if (first_block >= protocol::block_count(file_size, block_size_))
    return std::uint64_t{0};
  const std::uint64_t start = first_block * block_size_;
  const std::uint64_t rest = file_size - start;
  const std::uint64_t end =
    start + std::min(round_up(std::clamp<std::uint64_t>(max_bytes, 1, rest), block_size_), rest);
  // Advice only: a failure changes nothing.
  posix_fadvise(file.fd(), static_cast<off_t>(start), static_cast<off_t>(end - start),
                POSIX_FADV_SEQUENTIAL);
  for (std::uint64_t pos = start; pos < end;) {
    const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(buffer_.size(), end - pos));
    auto read = read_fully(file.fd(), buffer_.data(), chunk, pos);
    if (auto* err = std::get_if<int>(&read))
      return read_error(file, *err);
    if (std::get<std::size_t>(read) < chunk)
      return shrank_error(file);
    for (std::size_t at = 0; at < chunk; at += block_size_)
      out.push_back(protocol::block_fingerprint(buffer_.data() + at,
                                                std::min<std::size_t>(block_size_, chunk - at)));
    pos += chunk;
  }
  return end - start;
}

std::variant<protocol::block_map, file_error> fingerprint_file(const image_file& file,
                                                               block_hasher& hasher,
                                                               const fingerprint_observer& observer,
                                                               const fingerprint_options& options) {
  const int attempts = std::max(options.attempts, 1);
  for (int attempt = 1;; ++attempt) {
    auto result = fingerprint_once(file, hasher, observer, options.quiet);
    auto* err = std::get_if<file_error>(&result);
    if (err == nullptr || err->what != file_error::kind::changed)
      return result;
    if (attempt == attempts)
      return kept_changing(file, attempts);
  }
}

std::variant<disk_changes, file_error> compare_file(const image_file& file,
                                                    const protocol::block_map& map,
                                                    std::uint64_t file_size, std::uint64_t offset,
                                                    std::uint64_t length, std::uint64_t max_bytes,
                                                    block_hasher& hasher) {
  assert(hasher.block_size() == map.block_size);
  assert(length > 0 && offset + length <= file_size);
  const std::uint64_t first_block = offset / map.block_size;
  const std::uint64_t start = first_block * map.block_size;
  const std::uint64_t request_end = offset + length;
  // Never read past the block holding the request's last byte.
  const std::uint64_t needed = std::min(round_up(request_end, map.block_size), file_size) - start;
  std::vector<std::uint64_t> current;
  auto read =
    hasher.hash_blocks(file, file_size, first_block, std::min(max_bytes, needed), current);
  if (auto* err = std::get_if<file_error>(&read))
    return std::move(*err);
  const std::uint64_t covered_end = std::min(start + std::get<std::uint64_t>(read), request_end);
  protocol::changed_ranges ranges(offset, covered_end);
  protocol::compare_blocks(map, file_size, first_block, current, ranges);
  return disk_changes{file_size, covered_end - offset, ranges.ranges()};
}

} // namespace refpoint::actors
