#pragma once
// Starts refpointd as a real process on 127.0.0.1:0 with its own SQLite file, and talks
// HTTP to it. The process is killed and reaped (by PID) when the fixture ends.

#include "support/http_client.hpp"
#include "support/process.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

namespace refpoint::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// A running refpointd and a client bound to it.
struct daemon_run {
  child_process process;
  std::uint16_t port = 0;
  std::unique_ptr<http_client> client;
};

class DaemonTest : public ::testing::Test {
protected:
  DaemonTest() {
    dir_ = fs::temp_directory_path() / ("refpoint-e2e-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    db_ = (dir_ / "refpoint.db").string();
  }

  ~DaemonTest() override {
    runs_.clear();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// Writes a config whose sim backend scans at `bytes_per_second`.
  std::string write_config(std::uint64_t bytes_per_second, std::string extra = {}) {
    auto path = (dir_ / "refpointd.toml").string();
    std::ofstream out{path};
    out << "[backend.sim]\nbytes_per_second = " << bytes_per_second
        << "\nprogress_interval_ms = 20\n"
        << extra;
    return path;
  }

  /// Starts refpointd with `args` (plus --listen 127.0.0.1:0 --db <file>) and waits for
  /// its listening line. Fails the test when it does not come up.
  daemon_run& start(std::vector<std::string> args = {}) {
    if (std::find(args.begin(), args.end(), "--config") == args.end()) {
      args.push_back("--config");
      args.push_back(write_config(50'000'000));
    }
    args.insert(args.end(), {"--listen", "127.0.0.1:0", "--db", db_});
    std::string exe = REFPOINTD_PATH;
    if (!launcher_.empty()) {
      args.insert(args.begin(), exe);
      args.insert(args.begin(), launcher_.begin() + 1, launcher_.end());
      exe = launcher_.front();
    }
    auto run =
      std::make_unique<daemon_run>(daemon_run{child_process::start(exe, args), 0, nullptr});
    auto line = run->process.wait_for_line("refpointd listening on http://", 20s);
    if (!line) {
      ADD_FAILURE() << "refpointd did not start: " << run->process.stderr_text();
      throw std::runtime_error("refpointd did not start");
    }
    run->port = port_from_listening_line(*line);
    run->client = std::make_unique<http_client>("127.0.0.1", run->port);
    runs_.push_back(std::move(run));
    return *runs_.back();
  }

  /// Stops the latest run with SIGTERM and answers its exit code.
  std::optional<int> stop_gracefully() {
    auto& run = *runs_.back();
    run.process.signal(SIGTERM);
    return run.process.wait(20s);
  }

  http_client& http() { return *runs_.back()->client; }

  static const http_client::header_list& json_headers() {
    static const http_client::header_list h{{"Content-Type", "application/json"}};
    return h;
  }

  /// Registers a system through the REST API; answers its name.
  std::string create_system(std::string disks_json = R"([{"id":"d1","sizeBytes":5000000}])",
                            bool replication = false) {
    auto body = std::string{R"({"elementName":"vm","replicationEnabled":)"} +
                (replication ? "true" : "false") + R"(,"disks":)" + disks_json + "}";
    auto res = http().post("/api/v1/systems", body, json_headers());
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string{res.json().at("name").as_string()};
  }

  static std::string system_path(const std::string& name) {
    return R"(Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name=")" + name + "\"";
  }

  /// Calls the CIM CreateReferencePoint method with `params`.
  boost::json::object cim_create(const boost::json::object& params) {
    auto res = http().post("/cim/v2/Msvm_VirtualSystemReferencePointService/CreateReferencePoint",
                           boost::json::serialize(params), json_headers());
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_object();
  }

  /// Polls the CIM job "while JobState == 4", as real clients do; answers the final job.
  boost::json::object wait_cim_job(const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto res = http().get("/cim/v2/Msvm_ConcreteJob/" + id);
      EXPECT_EQ(res.status, 200u) << res.body;
      auto job = res.json().as_object();
      if (job.at("JobState").to_number<int>() != 4)
        return job;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "job " << id << " still running";
    return {};
  }

  /// Polls the REST job (through `via`, by default the latest run) until it is no longer
  /// running; answers it.
  boost::json::object wait_rest_job(const std::string& id, http_client* via = nullptr) {
    auto& client = via ? *via : http();
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto job = client.get("/api/v1/jobs/" + id).json().as_object();
      if (job.at("jobState").to_number<int>() != 4)
        return job;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "job " << id << " still running";
    return {};
  }

  /// How many items `GET <path>` lists (e.g. a system's reference points).
  std::size_t count_items(const std::string& path) {
    auto res = http().get(path);
    EXPECT_EQ(res.status, 200u) << path << ": " << res.body;
    return res.json().at("items").as_array().size();
  }

  std::size_t reference_point_count(const std::string& system) {
    return count_items("/api/v1/systems/" + system + "/reference-points");
  }

  std::size_t collection_reference_point_count(const std::string& collection) {
    return count_items("/api/v1/collections/" + collection + "/reference-points");
  }

  /// InstanceID out of `Msvm_ConcreteJob.InstanceID="…"`.
  static std::string job_id_of(const boost::json::value& path) {
    std::string p{path.as_string()};
    auto first = p.find('"');
    return p.substr(first + 1, p.rfind('"') - first - 1);
  }

  fs::path dir_;
  std::string db_;
  /// A program and its arguments that start() runs refpointd through (empty: directly).
  std::vector<std::string> launcher_;
  std::vector<std::unique_ptr<daemon_run>> runs_;
};

} // namespace refpoint::test
