#pragma once
/// The refpointd under test, as a child process the soak driver starts, kills and restarts
/// on one fixed loopback port. Its stdout and stderr are appended to a log file.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace soak {

struct server_options {
  std::string binary;      ///< the refpointd executable
  std::string config_path; ///< its `--config`
  std::string log_path;    ///< where its output goes
  std::uint16_t port = 0;  ///< its `--listen` port on 127.0.0.1
};

class server_process {
public:
  explicit server_process(server_options options);
  ~server_process(); ///< kills a server still running

  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  /// Starts the server and waits (up to `ready_within`) until `/healthz` answers 200.
  bool start(std::string& error, std::chrono::seconds ready_within = std::chrono::seconds{120});
  /// SIGKILL, then reaps it.
  void kill_hard();
  /// SIGTERM and waits up to `within` for it to exit: its exit status, or nothing when it
  /// had to be killed.
  std::optional<int> stop_gracefully(std::chrono::seconds within);
  /// False, with the way it ended in `how`, once the server ended without being told to.
  bool alive(std::string& how);
  /// Resident set size in KiB (0 when not running).
  long rss_kib() const;
  std::uint16_t port() const { return options_.port; }

private:
  const server_options options_;
  std::atomic<pid_t> pid_{0};
};

/// A TCP port on 127.0.0.1 free right now.
std::uint16_t pick_free_port();

/// "exit 3" or "signal 9".
std::string describe_status(int status);

} // namespace soak
