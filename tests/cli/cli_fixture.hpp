#pragma once
// Runs the refpoint CLI as a process against a real refpointd started on 127.0.0.1 with its
// own SQLite file. Every child (daemon, CLI) is killed by PID when the test ends, and every
// wait is bounded.

#include "support/http_client.hpp"
#include "support/process.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>

namespace refpoint::test {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

/// What one finished CLI run printed and answered.
struct cli_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Prints a run's output when an assertion about it fails.
inline std::ostream& operator<<(std::ostream& os, const cli_result& r) {
  return os << "exit " << r.exit_code << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err;
}

/// A table as `refpoint` prints it: rows of header → cell, cut at the header's column starts.
inline std::vector<std::map<std::string, std::string>> parse_table(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  std::vector<std::map<std::string, std::string>> rows;
  if (lines.empty())
    return rows;
  // Columns start at the header's first character and after every run of two spaces.
  const auto& header = lines.front();
  std::vector<std::size_t> starts{0};
  for (std::size_t i = 2; i < header.size(); ++i)
    if (header[i] != ' ' && header[i - 1] == ' ' && header[i - 2] == ' ')
      starts.push_back(i);
  const auto cell = [&](const std::string& line, std::size_t column) {
    if (starts[column] >= line.size())
      return std::string{};
    auto end = column + 1 < starts.size() ? starts[column + 1] : line.size();
    auto value = line.substr(starts[column], end - starts[column]);
    while (!value.empty() && value.back() == ' ')
      value.pop_back();
    return value;
  };
  for (std::size_t r = 1; r < lines.size(); ++r) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < starts.size(); ++c)
      row[cell(header, c)] = cell(lines[r], c);
    rows.push_back(std::move(row));
  }
  return rows;
}

/// The value of a "key: value" line printed by a show command ("" when absent).
inline std::string field(const std::string& text, const std::string& key) {
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(key + ":")) {
      auto value = line.substr(key.size() + 1);
      return value.substr(std::min(value.find_first_not_of(' '), value.size()));
    }
  return {};
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed again).
inline std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

class CliTest : public ::testing::Test {
protected:
  CliTest() {
    dir_ = fs::temp_directory_path() / ("refpoint-cli-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    db_ = (dir_ / "refpoint.db").string();
    ::unsetenv("REFPOINT_SERVER");
    ::unsetenv("REFPOINT_TOKEN");
  }

  ~CliTest() override {
    ::unsetenv("REFPOINT_SERVER");
    ::unsetenv("REFPOINT_TOKEN");
    daemon_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// Starts refpointd scanning sim disks at `bytes_per_second` with progress every 20 ms, plus
  /// `extra` config, on `port` (0: any free one). Fails the test when it does not come up.
  void start_daemon(std::uint64_t bytes_per_second = 10'000'000, const std::string& extra = {},
                    std::uint16_t port = 0) {
    const auto config = (dir_ / "refpointd.toml").string();
    {
      std::ofstream out{config};
      out << "[backend.sim]\nbytes_per_second = " << bytes_per_second
          << "\nprogress_interval_ms = 20\n"
          << extra;
    }
    daemon_.reset();
    daemon_ = std::make_unique<child_process>(
      child_process::start(REFPOINTD_PATH, {"--config", config, "--listen",
                                            "127.0.0.1:" + std::to_string(port), "--db", db_}));
    auto line = daemon_->wait_for_line("refpointd listening on http://", 20s);
    if (!line) {
      ADD_FAILURE() << "refpointd did not start: " << daemon_->stderr_text();
      throw std::runtime_error("refpointd did not start");
    }
    port_ = port_from_listening_line(*line);
    http_ = std::make_unique<http_client>("127.0.0.1", port_);
  }

  /// Kills the daemon at once (SIGKILL), as a crash would.
  void kill_daemon() {
    http_.reset();
    daemon_.reset();
  }

  std::string server() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// Starts `refpoint --server <daemon> args...` without waiting for it.
  child_process start_cli(std::vector<std::string> args, bool with_server = true) {
    if (with_server)
      args.insert(args.begin(), {"--server", server()});
    return child_process::start(REFPOINT_CLI_PATH, std::move(args), dir_.string());
  }

  /// Runs `refpoint --server <daemon> args...` to its end (at most `timeout`).
  cli_result run(std::vector<std::string> args, std::chrono::milliseconds timeout = 30s,
                 bool with_server = true) {
    auto child = start_cli(std::move(args), with_server);
    return finish(child, timeout);
  }

  /// Waits for a started CLI to end (killing it after `timeout`) and collects its output.
  static cli_result finish(child_process& child, std::chrono::milliseconds timeout = 30s) {
    auto code = child.wait(timeout);
    if (!code) {
      child.kill_hard();
      ADD_FAILURE() << "refpoint did not end within " << timeout.count() << " ms\n"
                    << child.stdout_text() << child.stderr_text();
    }
    return {code.value_or(-1), child.stdout_text(), child.stderr_text()};
  }

  http_client& http() { return *http_; }

  /// `GET path` on the daemon; its body (the test fails unless 200).
  std::string get_body(const std::string& path) {
    auto res = http().get(path);
    EXPECT_EQ(res.status, 200u) << path << ": " << res.body;
    return res.body;
  }

  json::object get_json(const std::string& path) { return json::parse(get_body(path)).as_object(); }

  /// Registers a system through the REST API; answers its name.
  std::string create_system(const std::string& element_name, const std::string& disks_json) {
    auto res = http().post(
      "/api/v1/systems", R"({"elementName":")" + element_name + R"(","disks":)" + disks_json + "}",
      {{"Content-Type", "application/json"}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string{json::parse(res.body).at("name").as_string()};
  }

  /// Starts an RCT reference point job through the REST API; answers the job id.
  std::string start_job(const std::string& system) {
    auto res = http().post("/api/v1/systems/" + system + "/reference-points", R"({"type":"rct"})",
                           {{"Content-Type", "application/json"}});
    EXPECT_EQ(res.status, 202u) << res.body;
    return std::string{json::parse(res.body).at("id").as_string()};
  }

  /// Polls the job until it is no longer running (at most 30 s); answers it.
  json::object wait_job(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto job = get_json("/api/v1/jobs/" + id);
      const auto state = job.at("jobState").to_number<int>();
      if (state != 4 && state != 6)
        return job;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "job " << id << " still running";
    return {};
  }

  /// Polls until the job reports status `status` (at most 10 s).
  void wait_status(const std::string& id, std::string_view status) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (get_json("/api/v1/jobs/" + id).at("status").as_string() == status)
        return;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "job " << id << " never reached status " << status;
  }

  fs::path dir_;
  std::string db_;
  std::unique_ptr<child_process> daemon_;
  std::uint16_t port_ = 0;
  std::unique_ptr<http_client> http_;
};

} // namespace refpoint::test
