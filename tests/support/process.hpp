#pragma once

// Child processes for end-to-end tests: start a program, watch its output, signal it, reap it.

#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace refpoint::test {

/// A child process started with fork/execv, its stdout and stderr captured by a reader thread.
///
/// Promises: the child runs in its own process group with stdin on /dev/null; it is killed
/// (SIGKILL to its group, so helpers it started die too) and reaped when this object is destroyed
/// while it still runs, and also if the thread that started it dies (PR_SET_PDEATHSIG: start it
/// from the test's own thread, not from a short-lived helper thread). Signals go to the child's
/// PID only while it is not reaped, so a recycled PID is never hit.
///
/// Threading: use an object from one thread; the reader thread only touches the shared buffers.
class child_process {
public:
  /// Starts `exe` (a path: no PATH search) with `args` in `cwd` (empty: the current one).
  /// Throws std::runtime_error when the program cannot be started.
  static child_process start(std::string exe, std::vector<std::string> args, std::string cwd = {}) {
    std::vector<std::string> argv_storage;
    argv_storage.push_back(exe);
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage)
      argv.push_back(arg.data());
    argv.push_back(nullptr);

    pipe_pair out = make_pipe();
    pipe_pair err = make_pipe();
    pipe_pair exec_status = make_pipe(); // closed by a successful exec, else carries errno
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();

    // Between fork and exec, only async-signal-safe calls: this process may have threads.
    const pid_t pid = ::fork();
    if (pid < 0)
      throw std::runtime_error("child_process: fork failed: " + std::string{std::strerror(errno)});
    if (pid == 0) {
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent)
        ::_exit(127);
      if (null_fd >= 0)
        ::dup2(null_fd, STDIN_FILENO);
      ::dup2(out.write, STDOUT_FILENO);
      ::dup2(err.write, STDERR_FILENO);
      if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
        report_errno_and_exit(exec_status.write);
      }
      ::execv(argv[0], argv.data());
      report_errno_and_exit(exec_status.write);
    }

    if (null_fd >= 0)
      ::close(null_fd);
    ::close(out.write);
    ::close(err.write);
    ::close(exec_status.write);
    int child_errno = 0;
    const auto got = read_fully(exec_status.read, &child_errno, sizeof child_errno);
    ::close(exec_status.read);
    if (got == sizeof child_errno) {
      ::waitpid(pid, nullptr, 0);
      ::close(out.read);
      ::close(err.read);
      throw std::runtime_error("child_process: cannot start " + exe +
                               (cwd.empty() ? "" : " in " + cwd) + ": " +
                               std::strerror(child_errno));
    }
    return child_process{pid, out.read, err.read};
  }

  child_process(child_process&&) noexcept = default;
  child_process& operator=(child_process&&) = delete;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  ~child_process() {
    if (!state_)
      return;
    kill_hard();
    char wake = 0;
    [[maybe_unused]] const auto ignored = ::write(state_->wake.write, &wake, 1);
    state_->reader.join();
    ::close(state_->wake.read);
    ::close(state_->wake.write);
  }

  pid_t pid() const { return state_->pid; }

  /// Reads stdout lines until one starts with `prefix` and returns it, or nullopt when `timeout`
  /// passes or stdout closes first. Lines already returned or passed over are not seen again.
  std::optional<std::string> wait_for_line(std::string_view prefix,
                                           std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock{state_->mutex};
    for (;;) {
      for (; state_->next_line < state_->lines.size(); ++state_->next_line) {
        const auto& line = state_->lines[state_->next_line];
        if (line.starts_with(prefix))
          return state_->lines[state_->next_line++];
      }
      if (state_->stdout_closed)
        return std::nullopt;
      if (state_->changed.wait_until(lock, deadline) == std::cv_status::timeout &&
          state_->next_line == state_->lines.size())
        return std::nullopt;
    }
  }

  /// Everything the child wrote to stdout so far.
  std::string stdout_text() const {
    std::lock_guard lock{state_->mutex};
    std::string text;
    for (const auto& line : state_->lines)
      text += line + "\n";
    return text + state_->partial_stdout;
  }

  /// Everything the child wrote to stderr so far (for failure messages).
  std::string stderr_text() const {
    std::lock_guard lock{state_->mutex};
    return state_->stderr_text;
  }

  /// Sends `signal_number` to the child, unless it was already reaped.
  void signal(int signal_number) {
    if (!state_->exit_code)
      ::kill(state_->pid, signal_number);
  }

  /// Waits up to `timeout` for the child to exit. Returns its exit code (128 + the signal number
  /// when a signal ended it), or nullopt if it still runs. Once it returns a code, the output
  /// the child wrote is all in `stdout_text`/`stderr_text` (unless a helper the child started
  /// keeps its pipes open: then after at most one more second).
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!state_->exit_code && !try_reap()) {
      if (std::chrono::steady_clock::now() >= deadline)
        return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    std::unique_lock lock{state_->mutex};
    state_->changed.wait_for(lock, std::chrono::seconds{1},
                             [this] { return state_->stdout_closed && state_->stderr_closed; });
    return state_->exit_code;
  }

  /// Kills the child and its process group with SIGKILL and reaps it (no-op once reaped).
  void kill_hard() {
    if (state_->exit_code)
      return;
    ::kill(-state_->pid, SIGKILL);
    ::kill(state_->pid, SIGKILL);
    int status = 0;
    while (::waitpid(state_->pid, &status, 0) < 0 && errno == EINTR) {
    }
    state_->exit_code = decode(status);
  }

private:
  struct pipe_pair {
    int read = -1;
    int write = -1;
  };

  /// Shared with the reader thread; heap-allocated so that the object can move.
  struct state_t {
    pid_t pid = -1;
    std::optional<int> exit_code; // set once reaped; test thread only
    pipe_pair wake;               // written by the destructor to stop the reader
    std::thread reader;

    // Protected by mutex.
    mutable std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> lines;
    std::size_t next_line = 0;
    std::string partial_stdout;
    std::string stderr_text;
    bool stdout_closed = false;
    bool stderr_closed = false;
  };

  child_process(pid_t pid, int stdout_fd, int stderr_fd) : state_(std::make_unique<state_t>()) {
    state_->pid = pid;
    state_->wake = make_pipe();
    state_->reader = std::thread{
      [state = state_.get(), stdout_fd, stderr_fd] { read_output(*state, stdout_fd, stderr_fd); }};
  }

  static pipe_pair make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error("child_process: pipe failed: " + std::string{std::strerror(errno)});
    return pipe_pair{fds[0], fds[1]};
  }

  [[noreturn]] static void report_errno_and_exit(int fd) {
    const int error = errno;
    [[maybe_unused]] const auto ignored = ::write(fd, &error, sizeof error);
    ::_exit(127);
  }

  static std::size_t read_fully(int fd, void* data, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
      const auto n = ::read(fd, static_cast<char*>(data) + done, size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

  static int decode(int status) {
    if (WIFEXITED(status))
      return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
      return 128 + WTERMSIG(status);
    return -1;
  }

  bool try_reap() {
    int status = 0;
    const pid_t reaped = ::waitpid(state_->pid, &status, WNOHANG);
    if (reaped != state_->pid)
      return false;
    state_->exit_code = decode(status);
    return true;
  }

  /// Reader thread: appends stdout lines and stderr text until both close or the wake pipe fires.
  static void read_output(state_t& state, int stdout_fd, int stderr_fd) {
    pollfd fds[3] = {{stdout_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}, {state.wake.read, POLLIN, 0}};
    char chunk[4096];
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
      if (::poll(fds, 3, -1) < 0) {
        if (errno == EINTR)
          continue;
        break;
      }
      if (fds[2].revents != 0)
        break;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0)
          continue;
        const auto n = ::read(fds[i].fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
          continue;
        std::lock_guard lock{state.mutex};
        if (n <= 0) {
          ::close(fds[i].fd);
          fds[i].fd = -1; // poll ignores negative descriptors
          if (i == 0)
            close_stdout(state);
          else
            state.stderr_closed = true;
        } else if (i == 0) {
          append_stdout(state, std::string_view{chunk, static_cast<std::size_t>(n)});
        } else {
          state.stderr_text.append(chunk, static_cast<std::size_t>(n));
        }
        state.changed.notify_all();
      }
    }
    for (int i = 0; i < 2; ++i)
      if (fds[i].fd >= 0)
        ::close(fds[i].fd);
    std::lock_guard lock{state.mutex};
    if (!state.stdout_closed)
      close_stdout(state);
    state.stderr_closed = true;
    state.changed.notify_all();
  }

  // REQUIRES: state.mutex is held.
  static void append_stdout(state_t& state, std::string_view text) {
    state.partial_stdout.append(text);
    std::size_t newline;
    while ((newline = state.partial_stdout.find('\n')) != std::string::npos) {
      state.lines.push_back(state.partial_stdout.substr(0, newline));
      state.partial_stdout.erase(0, newline + 1);
    }
  }

  // REQUIRES: state.mutex is held.
  static void close_stdout(state_t& state) {
    if (!state.partial_stdout.empty())
      state.lines.push_back(std::exchange(state.partial_stdout, {}));
    state.stdout_closed = true;
  }

  std::unique_ptr<state_t> state_;
};

/// The port of a "... listening on http://HOST:PORT" line (the digits after the last ':').
/// Throws std::invalid_argument when the line holds no port.
inline std::uint16_t port_from_listening_line(std::string_view line) {
  const auto colon = line.rfind(':');
  if (colon != std::string_view::npos) {
    std::uint16_t port = 0;
    const char* first = line.data() + colon + 1;
    const char* last = line.data() + line.size();
    const auto [end, ec] = std::from_chars(first, last, port);
    if (ec == std::errc{} && end != first)
      return port;
  }
  throw std::invalid_argument("no port in line: " + std::string{line});
}

} // namespace refpoint::test
