#include "bench/soak/server_process.hpp"

#include "bench/soak/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace soak {

namespace {

constexpr auto poll_interval = std::chrono::milliseconds{50};

} // namespace

server_process::server_process(server_options options) : options_(std::move(options)) {}

server_process::~server_process() {
  if (pid_ != 0)
    kill_hard();
}

bool server_process::start(std::string& error, std::chrono::seconds ready_within) {
  const std::string listen = "127.0.0.1:" + std::to_string(options_.port);
  const pid_t pid = fork();
  if (pid < 0) {
    error = "fork failed";
    return false;
  }
  if (pid == 0) {
    const int log = open(options_.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      close(log);
    }
    execl(options_.binary.c_str(), options_.binary.c_str(), "--config",
          options_.config_path.c_str(), "--listen", listen.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = pid;

  http_client probe{"127.0.0.1", options_.port, std::chrono::seconds{2}};
  const auto deadline = std::chrono::steady_clock::now() + ready_within;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string how;
    if (!alive(how)) {
      error = "refpointd ended while starting (" + how + "); see " + options_.log_path;
      return false;
    }
    if (probe.send(boost::beast::http::verb::get, "/healthz").status == 200)
      return true;
    std::this_thread::sleep_for(poll_interval);
  }
  error = "refpointd did not answer /healthz in time";
  kill_hard();
  return false;
}

void server_process::kill_hard() {
  const pid_t pid = pid_.exchange(0);
  if (pid == 0)
    return;
  ::kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

std::optional<int> server_process::stop_gracefully(std::chrono::seconds within) {
  const pid_t pid = pid_.load();
  if (pid == 0)
    return std::nullopt;
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid_ = 0;
      return status;
    }
    std::this_thread::sleep_for(poll_interval);
  }
  kill_hard();
  return std::nullopt;
}

bool server_process::alive(std::string& how) {
  const pid_t pid = pid_.load();
  if (pid == 0) {
    how = "not started";
    return false;
  }
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) != pid)
    return true;
  pid_ = 0;
  how = describe_status(status);
  return false;
}

long server_process::rss_kib() const {
  const pid_t pid = pid_.load();
  if (pid == 0)
    return 0;
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(4096, '\n');
  }
  return 0;
}

std::uint16_t pick_free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

std::string describe_status(int status) {
  if (WIFEXITED(status))
    return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

} // namespace soak
