#include "actors/storage_root.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

// Choices the interface leaves open:
// - An empty disk path (or one containing a NUL byte, which the system would cut short)
//   names no file: `not_found`, as `open("")` answers ENOENT. It is never taken to mean
//   the root itself.
// - A path that cannot be resolved (a missing file) is judged by where it points
//   lexically: outside the root it is `outside_root`, like an existing file there, so
//   that the answers do not tell which files exist outside the root.
// - The containment check comes before the file-type check for the same reason. The root
//   itself passes it and is then refused as a directory (`not_regular`), which tells the
//   user more than "outside the root" would.

namespace refpoint::actors {

namespace {

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

std::string system_message(int err) {
  return std::strerror(err);
}

file_error make_error(file_error::kind what, std::string message) {
  return file_error{what, std::move(message)};
}

std::int64_t to_ns(const timespec& t) {
  return std::int64_t{t.tv_sec} * 1'000'000'000 + std::int64_t{t.tv_nsec};
}

// The canonical form of an existing path, or the errno of the failure.
std::variant<std::string, int> canonical(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(realpath(path.c_str(), nullptr), &std::free);
  if (!resolved)
    return errno;
  return std::string(resolved.get());
}

// The root itself or anything under it. The root is a directory, so the file-type check
// refuses it. Canonical paths have no trailing slash, except "/" itself.
bool within(const std::string& root, const std::string& path) {
  if (root == "/")
    return path.starts_with('/');
  return path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/');
}

const char* type_name(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "a device";
  if (S_ISFIFO(mode))
    return "a pipe";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a regular file";
}

file_error outside_error(const std::string& disk_path, const std::string& resolved,
                         const std::string& root) {
  return make_error(file_error::kind::outside_root, quoted(disk_path) + " resolves to " +
                                                      quoted(resolved) +
                                                      ", outside the storage root " + quoted(root));
}

file_error not_regular_error(const std::string& disk_path, const std::string& resolved,
                             mode_t mode) {
  return make_error(file_error::kind::not_regular, quoted(disk_path) + " resolves to " +
                                                     quoted(resolved) + ", which is " +
                                                     type_name(mode) + ", not a regular file");
}

file_error system_error(const std::string& disk_path, const std::string& root, int err) {
  if (err == ENOENT || err == ENOTDIR)
    return make_error(file_error::kind::not_found,
                      quoted(disk_path) + " does not exist under the storage root " + quoted(root));
  return make_error(file_error::kind::io,
                    quoted(disk_path) + " cannot be used: " + system_message(err));
}

// Where `resolve` looks for a disk path: relative paths are relative to the root.
std::string joined(const std::string& root, const std::string& disk_path) {
  if (disk_path.starts_with('/'))
    return disk_path;
  return root == "/" ? root + disk_path : root + "/" + disk_path;
}

// A path that could not be resolved: outside the root if it points there lexically.
file_error unresolvable(const std::string& disk_path, const std::string& root, int err) {
  std::string lexical = std::filesystem::path(joined(root, disk_path)).lexically_normal();
  if (lexical.size() > 1 && lexical.ends_with('/'))
    lexical.pop_back();
  if (!within(root, lexical))
    return outside_error(disk_path, lexical, root);
  return system_error(disk_path, root, err);
}

// The path an open descriptor refers to now, as the kernel sees it.
std::variant<std::string, int> descriptor_path(int fd) {
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  std::string target(PATH_MAX, '\0');
  ssize_t n = readlink(link.c_str(), target.data(), target.size());
  if (n < 0)
    return errno;
  if (static_cast<std::size_t>(n) == target.size())
    return ENAMETOOLONG;
  target.resize(static_cast<std::size_t>(n));
  return target;
}

// Checks what an open descriptor refers to: a regular file inside the root.
std::variant<std::string, file_error> check_opened(int fd, const std::string& disk_path,
                                                   const std::string& root) {
  auto path = descriptor_path(fd);
  if (auto* err = std::get_if<int>(&path))
    return system_error(disk_path, root, *err);
  const auto& opened = std::get<std::string>(path);
  if (!within(root, opened))
    return outside_error(disk_path, opened, root);
  struct stat st {};
  if (fstat(fd, &st) != 0)
    return system_error(disk_path, root, errno);
  if (!S_ISREG(st.st_mode))
    return not_regular_error(disk_path, opened, st.st_mode);
  return opened;
}

} // namespace

image_file::image_file(image_file&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

image_file& image_file::operator=(image_file&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

image_file::~image_file() {
  if (fd_ >= 0)
    close(fd_);
}

std::variant<file_stamp, file_error> image_file::stamp() const {
  struct stat st {};
  if (fstat(fd_, &st) != 0)
    return make_error(file_error::kind::io, "The status of " + quoted(path_) +
                                              " cannot be read: " + system_message(errno));
  return file_stamp{st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size), to_ns(st.st_mtim),
                    to_ns(st.st_ctim)};
}

std::variant<storage_root, std::string> storage_root::open(const std::string& dir) {
  auto path = canonical(dir);
  if (auto* err = std::get_if<int>(&path))
    return "The storage root " + quoted(dir) + " cannot be used: " + system_message(*err);
  auto& resolved = std::get<std::string>(path);
  struct stat st {};
  if (stat(resolved.c_str(), &st) != 0)
    return "The storage root " + quoted(dir) + " cannot be used: " + system_message(errno);
  if (!S_ISDIR(st.st_mode))
    return "The storage root " + quoted(dir) + " is not a directory";
  return storage_root(std::move(resolved));
}

std::variant<std::string, file_error> storage_root::resolve(const std::string& disk_path) const {
  if (disk_path.empty() || disk_path.find('\0') != std::string::npos)
    return make_error(file_error::kind::not_found,
                      "The disk path " + quoted(disk_path) + " names no file");
  auto path = canonical(joined(path_, disk_path));
  if (auto* err = std::get_if<int>(&path))
    return unresolvable(disk_path, path_, *err);
  auto& resolved = std::get<std::string>(path);
  if (!within(path_, resolved))
    return outside_error(disk_path, resolved, path_);
  struct stat st {};
  if (stat(resolved.c_str(), &st) != 0)
    return system_error(disk_path, path_, errno);
  if (!S_ISREG(st.st_mode))
    return not_regular_error(disk_path, resolved, st.st_mode);
  return std::move(resolved);
}

std::variant<image_file, file_error> storage_root::open_file(const std::string& disk_path) const {
  // Resolving first means nothing outside the root is ever opened (opening a device can
  // have effects); the check after the open catches a swap in between.
  auto resolved = resolve(disk_path);
  if (auto* err = std::get_if<file_error>(&resolved))
    return std::move(*err);
  // O_NONBLOCK: a pipe swapped in must not block the open; it changes nothing for reads
  // of a regular file.
  int fd =
    ::open(std::get<std::string>(resolved).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return system_error(disk_path, path_, errno);
  auto opened = check_opened(fd, disk_path, path_);
  if (auto* err = std::get_if<file_error>(&opened)) {
    close(fd);
    return std::move(*err);
  }
  return image_file(fd, std::move(std::get<std::string>(opened)));
}

} // namespace refpoint::actors
