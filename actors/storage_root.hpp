#pragma once
/// The `file` backend's storage root (DESIGN §7): the one directory that file-backed disks
/// must live under. Disk paths are checked when a disk is registered and again each time
/// the file is opened, so a symlink changed later cannot lead outside either.
/// Blocking file-system calls: use it off the actor threads for anything but a quick check.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <variant>

namespace refpoint::actors {

/// Why a disk path could not be used.
struct file_error {
  enum class kind : std::uint8_t {
    outside_root, ///< resolves outside the storage root ("..", an absolute path elsewhere,
                  ///< a symlink pointing out)
    not_found,    ///< no such file (or a directory on the way is missing)
    not_regular,  ///< a directory, device, socket...
    changed,      ///< the file changed while it was being read
    io,           ///< any other system error (permissions, read error)
    cancelled,    ///< the caller asked to stop
  };
  kind what = kind::io;
  std::string message; ///< a full sentence naming the path, e.g. "'../x' resolves to ..."
};

/// What tells one version of a file from another: identity, size and change times.
struct file_stamp {
  dev_t device = 0;
  ino_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0; ///< last modification, ns since the epoch
  std::int64_t ctime_ns = 0; ///< last status change (cannot be set back by a user)
  friend bool operator==(const file_stamp&, const file_stamp&) = default;
};

/// A regular file under the storage root, open read-only. Move-only; closes on destruction.
class image_file {
public:
  image_file(int fd, std::string path) noexcept : fd_(fd), path_(std::move(path)) {}
  image_file(image_file&& other) noexcept;
  image_file& operator=(image_file&& other) noexcept;
  image_file(const image_file&) = delete;
  image_file& operator=(const image_file&) = delete;
  ~image_file();

  int fd() const noexcept { return fd_; }
  /// The canonical absolute path that was opened.
  const std::string& path() const noexcept { return path_; }
  /// The file's stamp now (fstat); a failure is `io`.
  std::variant<file_stamp, file_error> stamp() const;

private:
  int fd_ = -1;
  std::string path_;
};

class storage_root {
public:
  /// `dir` must name an existing directory (relative: against the working directory); it
  /// is made canonical (symlinks resolved). Otherwise: a one-line reason naming `dir`.
  static std::variant<storage_root, std::string> open(const std::string& dir);

  /// The canonical absolute path of the root.
  const std::string& path() const noexcept { return path_; }

  /// Resolves a disk path (relative to the root, or absolute) with every symlink followed;
  /// it must name a regular file inside the root. Answers the canonical absolute path.
  std::variant<std::string, file_error> resolve(const std::string& disk_path) const;

  /// Opens a disk path read-only, then checks (through /proc/self/fd) that what was
  /// opened is a regular file inside the root, so that a symlink swapped between a
  /// `resolve` and the open cannot escape.
  std::variant<image_file, file_error> open_file(const std::string& disk_path) const;

private:
  explicit storage_root(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

} // namespace refpoint::actors
