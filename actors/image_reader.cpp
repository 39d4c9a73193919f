#include "actors/image_reader.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <sys/resource.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace refpoint::actors {

namespace {

using wall_clock = std::chrono::system_clock;

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

// Appends the fingerprints of the blocks of `data`, the last one possibly partial.
void append_fingerprints(const unsigned char* data, std::size_t size, std::uint32_t block_size,
                         std::vector<std::uint64_t>& out) {
  for (std::size_t at = 0; at < size; at += block_size)
    out.push_back(
      protocol::block_fingerprint(data + at, std::min<std::size_t>(block_size, size - at)));
}

// Fingerprinting reads and hashes every byte of a disk: on one thread it would take the
// read time plus the hash time. Instead a reader thread preads the file ahead, in order,
// into a small ring of buffers while the calling thread hashes them, so that it takes about
// as long as reading alone. The reader runs at the caller's nice value and is joined by the
// destructor, whichever way the caller leaves. Should no thread start, `next` reads itself.
class read_ahead {
public:
  static constexpr std::size_t ring_size = 4;
  // The failure of a read that found the end of the file before the expected size.
  static constexpr int ended_early = -1;
  // How long a thread waiting for the other one polls before it sleeps: about a read from
  // the page cache. One thread usually waits for the other at every read, and waking a
  // sleeping thread costs a sizeable part of such a read; slower reads make it cheap.
  static constexpr std::chrono::microseconds poll_time{100};

  read_ahead(int fd, std::uint64_t size, std::size_t read_size)
      : fd_(fd), size_(size), read_size_(read_size), reads_((size + read_size - 1) / read_size),
        ring_(std::make_unique_for_overwrite<unsigned char[]>(ring_size * read_size)) {
    // Advice only: a failure changes nothing.
    posix_fadvise(fd, 0, static_cast<off_t>(size), POSIX_FADV_SEQUENTIAL);
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    const bool known = errno == 0;
    try {
      thread_ = std::thread([this, nice, known] {
        if (known)
          (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice);
        while (read_one()) {
        }
      });
    } catch (const std::system_error&) {
      // No thread to spare: `next` reads on the calling thread.
    }
  }

  read_ahead(const read_ahead&) = delete;
  read_ahead& operator=(const read_ahead&) = delete;

  ~read_ahead() {
    update([this] { stop_ = true; });
    if (thread_.joinable())
      thread_.join();
  }

  // The next read, in file order, or the errno of its failure (or `ended_early`). The read
  // before it may be overwritten from then on. REQUIRES: a read remains.
  std::variant<std::span<const unsigned char>, int> next() {
    if (!thread_.joinable())
      read_one();
    assert(taken_ < reads_);
    update([this] { released_ = taken_; });
    await([this] { return failure_ != 0 || filled_ > taken_; });
    if (failure_ != 0)
      return failure_.load();
    const std::uint64_t index = taken_++;
    return std::span<const unsigned char>(slot(index), length(index));
  }

private:
  // Changes the state, under the mutex so that a waiter cannot miss it, and wakes a waiter.
  template <class Change>
  void update(Change change) {
    {
      std::lock_guard lock{mutex_};
      change();
    }
    changed_.notify_all();
  }

  // Waits until `ready()`, polling for a while before sleeping.
  template <class Ready>
  void await(Ready ready) {
    const auto until = std::chrono::steady_clock::now() + poll_time;
    while (!ready() && std::chrono::steady_clock::now() < until)
      std::this_thread::yield();
    std::unique_lock lock{mutex_};
    changed_.wait(lock, ready);
  }

  unsigned char* slot(std::uint64_t index) const {
    return ring_.get() + static_cast<std::size_t>(index % ring_size) * read_size_;
  }
  std::size_t length(std::uint64_t index) const {
    return static_cast<std::size_t>(
      std::min<std::uint64_t>(read_size_, size_ - index * read_size_));
  }

  // Fills the next read's buffer once the hasher is done with it. False when there is
  // nothing more to read: the end of the file, a failure, or a stop.
  bool read_one() {
    await([this] { return stop_ || filled_ < released_ + ring_size; });
    const std::uint64_t index = filled_;
    if (stop_ || index == reads_)
      return false;
    const std::size_t size = length(index);
    auto read = read_fully(fd_, slot(index), size, index * read_size_);
    const int failure = std::holds_alternative<int>(read)    ? std::get<int>(read)
                        : std::get<std::size_t>(read) < size ? ended_early
                                                             : 0;
    update([this, failure] {
      if (failure != 0)
        failure_ = failure;
      else
        ++filled_;
    });
    return failure == 0;
  }

  const int fd_;
  const std::uint64_t size_;
  const std::size_t read_size_;
  const std::uint64_t reads_; // in all
  const std::unique_ptr<unsigned char[]> ring_;
  // Changed under the mutex, read also while polling.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<std::uint64_t> filled_ = 0;   // reads in the ring, from the start
  std::atomic<std::uint64_t> released_ = 0; // reads the hasher is done with: taken_ or one less
  std::atomic<int> failure_ = 0;
  std::atomic<bool> stop_ = false;
  std::uint64_t taken_ = 0; // reads handed to the hasher, which alone uses it
  std::thread thread_;
};

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
  read_ahead reader(file.fd(), size, hasher.read_size());
  for (std::uint64_t done = 0; done < size;) {
    if (stop_requested(observer))
      return file_error{file_error::kind::cancelled,
                        "Fingerprinting " + quoted(file.path()) + " was cancelled"};
    auto read = reader.next();
    if (auto* failure = std::get_if<int>(&read))
      return *failure == read_ahead::ended_early ? shrank_error(file) : read_error(file, *failure);
    const auto chunk = std::get<std::span<const unsigned char>>(read);
    append_fingerprints(chunk.data(), chunk.size(), hasher.block_size(), map.hashes);
    done += chunk.size();
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
    append_fingerprints(buffer_.data(), chunk, block_size_, out);
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
