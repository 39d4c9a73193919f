#pragma once
// A child process whose stdin, stdout and stderr are a pseudo-terminal, for testing what a
// program does when a person sits at it (Ctrl-C questions, progress bars). Killed by PID.

#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>
#include <poll.h>
#include <pty.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace refpoint::test {

/// Starts `exe args...` on a new pseudo-terminal. Use from one thread.
class pty_process {
public:
  pty_process(const std::string& exe, std::vector<std::string> args) {
    std::vector<std::string> storage{exe};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : storage)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0)
      throw std::runtime_error("forkpty failed: " + std::string{std::strerror(errno)});
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent)
        ::_exit(127);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }

  ~pty_process() {
    if (!exit_code_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    ::close(master_);
  }

  pty_process(const pty_process&) = delete;
  pty_process& operator=(const pty_process&) = delete;

  /// Reads the terminal until its output contains `text` (true) or `timeout` passes (false).
  bool wait_for(std::string_view text, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output_.find(text, seen_) == std::string::npos) {
      if (std::chrono::steady_clock::now() >= deadline || !read_some(deadline))
        return false;
    }
    seen_ = output_.find(text, seen_) + text.size();
    return true;
  }

  /// Types `text` on the terminal ("\x03" is Ctrl-C).
  void type(std::string_view text) {
    [[maybe_unused]] const auto ignored = ::write(master_, text.data(), text.size());
  }

  /// Waits up to `timeout` for the child to exit, reading its output meanwhile.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline)
        return std::nullopt;
      read_some(
        std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds{20}));
    }
    while (read_some(std::chrono::steady_clock::now() + std::chrono::milliseconds{50})) {
    }
    return exit_code_;
  }

  const std::string& output() const { return output_; }

private:
  /// Reads what is there until `deadline`; false once the terminal is closed or nothing came.
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    pollfd fd{master_, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0))) <= 0)
      return false;
    char chunk[4096];
    const auto n = ::read(master_, chunk, sizeof chunk);
    if (n <= 0)
      return false;
    output_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  std::string output_;
  std::size_t seen_ = 0;
  std::optional<int> exit_code_;
};

} // namespace refpoint::test
