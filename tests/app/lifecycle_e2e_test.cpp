// refpointd as a process: start-up failures, graceful stop, restart and crash recovery.

#include "daemon_fixture.hpp"

using namespace refpoint::test;
namespace json = boost::json;

namespace {

/// Runs refpointd to completion; answers its exit code and stderr.
std::pair<std::optional<int>, std::string> run_to_exit(std::vector<std::string> args) {
  auto p = child_process::start(REFPOINTD_PATH, std::move(args));
  auto code = p.wait(20s);
  return {code, p.stderr_text()};
}

/// True when `text` is exactly one line.
bool one_line(const std::string& text) {
  return !text.empty() && text.find('\n') == text.size() - 1;
}

} // namespace

TEST_F(DaemonTest, StopsWithExitZeroOnSigterm) {
  start();
  EXPECT_EQ(stop_gracefully(), 0);
}

TEST_F(DaemonTest, RefusesATakenPortWithOneLine) {
  auto& first = start();
  auto [code, err] = run_to_exit(
    {"--listen", "127.0.0.1:" + std::to_string(first.port), "--db", (dir_ / "other.db").string()});
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_TRUE(one_line(err)) << err;
  EXPECT_NE(err.find("in use"), std::string::npos) << err;
}

TEST_F(DaemonTest, RefusesAnUnusableDatabaseWithOneLine) {
  auto [code, err] = run_to_exit({"--listen", "127.0.0.1:0", "--db", dir_.string()});
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_TRUE(one_line(err)) << err;
  EXPECT_NE(err.find("database"), std::string::npos) << err;
}

TEST_F(DaemonTest, RefusesABadConfigWithOneLine) {
  auto bad = (dir_ / "bad.toml").string();
  std::ofstream{bad} << "[server]\nlisten = 8080\n";
  auto [code, err] = run_to_exit({"--config", bad});
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_TRUE(one_line(err)) << err;
  EXPECT_NE(err.find("listen"), std::string::npos) << err;
  auto [code2, err2] = run_to_exit({"--no-such-flag"});
  ASSERT_TRUE(code2);
  EXPECT_NE(*code2, 0);
  EXPECT_TRUE(one_line(err2)) << err2;
}

TEST_F(DaemonTest, RestartKeepsSystemsReferencePointsAndJobs) {
  start();
  auto vm = create_system();
  auto res =
    http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"rct"})", json_headers());
  ASSERT_EQ(res.status, 202u);
  auto job_id = std::string{res.json().at("id").as_string()};
  auto before_job = wait_rest_job(job_id);
  auto before_rps = http().get("/api/v1/systems/" + vm + "/reference-points").json();
  auto before_system = http().get("/api/v1/systems/" + vm).json();
  ASSERT_EQ(stop_gracefully(), 0);

  start();
  EXPECT_EQ(http().get("/api/v1/systems/" + vm).json(), before_system);
  EXPECT_EQ(http().get("/api/v1/systems/" + vm + "/reference-points").json(), before_rps);
  EXPECT_EQ(http().get("/api/v1/jobs/" + job_id).json(), json::value(before_job));
}

TEST_F(DaemonTest, SeedsTheInventoryOnceAcrossRestarts) {
  auto inventory = std::string{REFPOINT_SOURCE_DIR} + "/configs/demo-inventory.json";
  start({"--inventory", inventory});
  auto count = http().get("/api/v1/systems").json().at("items").as_array().size();
  EXPECT_EQ(count, 4u);
  ASSERT_EQ(stop_gracefully(), 0);
  start({"--inventory", inventory});
  EXPECT_EQ(http().get("/api/v1/systems").json().at("items").as_array().size(), count);
}

TEST_F(DaemonTest, AfterKillNineRunningJobFailsAndQueuedJobsRunInOrder) {
  // 2 MB/s: each 4 MB job runs for two seconds, so the kill lands while the first runs.
  start({"--config", write_config(2'000'000)});
  auto vm = create_system(R"([{"id":"d1","sizeBytes":4000000}])");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto res = http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"rct"})",
                           json_headers());
    ASSERT_EQ(res.status, 202u);
    ids.push_back(std::string{res.json().at("id").as_string()});
  }
  // Wait until the first job has really started, then crash the server.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (http().get("/api/v1/jobs/" + ids[0]).json().at("status").as_string() != "Running" &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  runs_.back()->process.kill_hard();

  start({"--config", write_config(50'000'000)});
  auto first = wait_rest_job(ids[0]);
  EXPECT_EQ(first.at("state").as_string(), "exception");
  EXPECT_EQ(first.at("error").at("description").as_string(), "interrupted by restart");
  auto second = wait_rest_job(ids[1]);
  auto third = wait_rest_job(ids[2]);
  EXPECT_EQ(second.at("state").as_string(), "completed");
  EXPECT_EQ(third.at("state").as_string(), "completed");
  EXPECT_LE(std::string{second.at("finishedAt").as_string()},
            std::string{third.at("startedAt").as_string()});
  // Exactly the completed jobs left reference points.
  auto rps = http().get("/api/v1/systems/" + vm + "/reference-points").json().at("items");
  ASSERT_EQ(rps.as_array().size(), 2u);
  std::set<std::string> creators;
  for (const auto& rp : rps.as_array())
    creators.insert(std::string{rp.at("jobId").as_string()});
  EXPECT_EQ(creators, (std::set<std::string>{ids[1], ids[2]}));
}

TEST_F(DaemonTest, AfterKillNineAnInterruptedCollectionJobLeavesNoMemberBehind) {
  start({"--config", write_config(2'000'000)}); // 2 MB/s: the scan lasts seconds
  auto a = create_system(R"([{"id":"d1","sizeBytes":4000000}])");
  auto b = create_system(R"([{"id":"d1","sizeBytes":4000000}])");
  auto coll = http().post("/api/v1/collections",
                          R"({"elementName":"pair","members":[")" + a + R"(",")" + b + R"("]})",
                          json_headers());
  ASSERT_EQ(coll.status, 201u) << coll.body;
  auto id = std::string{coll.json().at("id").as_string()};
  auto res = http().post("/api/v1/collections/" + id + "/reference-points", R"({"type":"rct"})",
                         json_headers());
  ASSERT_EQ(res.status, 202u) << res.body;
  auto job_id = std::string{res.json().at("id").as_string()};
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (http().get("/api/v1/jobs/" + job_id).json().at("percentComplete").to_number<int>() < 10 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  runs_.back()->process.kill_hard(); // mid-scan, with both members held

  start();
  auto job = wait_rest_job(job_id);
  EXPECT_EQ(job.at("state").as_string(), "exception");
  EXPECT_EQ(job.at("error").at("description").as_string(), "interrupted by restart");
  for (const auto& vm : {a, b})
    EXPECT_EQ(reference_point_count(vm), 0u);
  EXPECT_EQ(collection_reference_point_count(id), 0u);
  // The members were not left reserved: a new collection job completes.
  auto again = http().post("/api/v1/collections/" + id + "/reference-points", R"({"type":"rct"})",
                           json_headers());
  ASSERT_EQ(again.status, 202u);
  EXPECT_EQ(wait_rest_job(std::string{again.json().at("id").as_string()}).at("state"), "completed");
}
