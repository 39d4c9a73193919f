// Resource limits (docs/OPERATIONS.md): a bound on the operations waiting on one machine and
// on the jobs held in memory. Over either, new work is refused with CIM 32774 ("System is in
// use") or REST 429 with Retry-After, nothing is recorded, and the server takes work again
// once jobs have finished.

#include "daemon_fixture.hpp"

#include <unistd.h>

namespace refpoint::test {
namespace {

namespace json = boost::json;

class LimitsTest : public DaemonTest {
protected:
  /// Starts refpointd whose sim disks scan at 1 MB/s (a 5 MB disk: five seconds) under
  /// `limits` (lines of its [jobs] table).
  void start_limited(const std::string& limits) {
    start({"--config", write_config(1'000'000, "[jobs]\n" + limits)});
  }

  test_response post_rp(const std::string& system) {
    return http().post("/api/v1/systems/" + system + "/reference-points", R"({"type":"rct"})",
                       json_headers());
  }

  std::string accepted(const std::string& system) {
    auto res = post_rp(system);
    EXPECT_EQ(res.status, 202u) << res.body;
    return res.status == 202u ? std::string{res.json().at("id").as_string()} : std::string{};
  }

  void kill_job(const std::string& id) {
    auto res = http().post("/api/v1/jobs/" + id + "/cancel?mode=kill", "", {});
    EXPECT_EQ(res.status, 200u) << res.body;
  }

  std::size_t jobs_listed() { return count_items("/api/v1/jobs?limit=1000"); }

  /// Checks that a reference point of `system` is refused as busy, naming `limit`.
  void expect_busy(const std::string& system, const std::string& limit) {
    auto refused = post_rp(system);
    EXPECT_EQ(refused.status, 429u) << refused.body;
    EXPECT_EQ(refused.header("Retry-After"), "1");
    EXPECT_NE(refused.body.find(limit), std::string::npos) << refused.body;
  }
};

TEST_F(LimitsTest, AMachineWithAFullQueueRefusesNewWorkUntilItMovesOn) {
  start_limited("max_queued_per_system = 1\n");
  auto vm = create_system();
  auto running = accepted(vm);
  auto queued = accepted(vm);

  expect_busy(vm, "max_queued_per_system");
  auto cim = cim_create({{"AffectedSystem", system_path(vm)},
                         {"ReferencePointSettings", ""},
                         {"ReferencePointType", 1}});
  EXPECT_EQ(cim.at("ReturnValue").to_number<int>(), 32774) << json::serialize(cim);
  EXPECT_TRUE(cim.at("Job").is_null());
  // A collection job would wait in the same queue: refused the same way, before any job.
  auto coll = http().post("/api/v1/collections",
                          R"({"elementName":"c","members":[")" + vm + R"("]})", json_headers());
  ASSERT_EQ(coll.status, 201u) << coll.body;
  auto coll_rp = http().post("/api/v1/collections/" +
                               std::string{coll.json().at("id").as_string()} + "/reference-points",
                             R"({"type":"rct"})", json_headers());
  EXPECT_EQ(coll_rp.status, 429u) << coll_rp.body;
  EXPECT_EQ(jobs_listed(), 2u) << "a refused request records nothing";

  // The queue moves on: the machine takes work again.
  kill_job(running);
  EXPECT_EQ(wait_rest_job(running).at("state"), "killed");
  auto next = accepted(vm);
  kill_job(queued);
  kill_job(next);
}

TEST_F(LimitsTest, JobsHeldInMemoryAreBoundedAcrossMachines) {
  start_limited("max_jobs_in_memory = 2\n");
  auto a = create_system();
  auto b = create_system();
  auto first = accepted(a);
  auto second = accepted(b);

  expect_busy(a, "max_jobs_in_memory");
  EXPECT_EQ(jobs_listed(), 2u);

  // A finished job gives its place back.
  kill_job(first);
  EXPECT_EQ(wait_rest_job(first).at("state"), "killed");
  std::string third;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (third.empty() && std::chrono::steady_clock::now() < deadline) {
    auto res = post_rp(a);
    if (res.status == 202u)
      third = std::string{res.json().at("id").as_string()};
    else
      std::this_thread::sleep_for(20ms); // the job actor exits just after its answer
  }
  EXPECT_FALSE(third.empty());
  kill_job(second);
  if (!third.empty())
    kill_job(third);
}

TEST_F(LimitsTest, ADatabaseThatCannotGrowRefusesNewWorkAndLosesNothing) {
  start({"--config", write_config(50'000'000, "[storage]\nmax_size_mb = 1\n")});
  // Systems with many disks until the database is full.
  std::string disks = "[";
  for (int d = 0; d < 40; ++d)
    disks +=
      std::string{d ? "," : ""} + R"({"id":"disk-)" + std::to_string(d) + R"(","sizeBytes":1000})";
  disks += "]";
  std::vector<std::string> stored;
  test_response full;
  for (int i = 0; i < 2000 && full.status == 0; ++i) {
    auto res = http().post("/api/v1/systems", R"({"elementName":"filler","disks":)" + disks + "}",
                           json_headers());
    if (res.status == 201u)
      stored.push_back(std::string{res.json().at("name").as_string()});
    else
      full = res;
  }
  ASSERT_EQ(full.status, 507u) << full.body;
  EXPECT_NE(full.body.find("the database is full"), std::string::npos) << full.body;
  ASSERT_FALSE(stored.empty());
  // Jobs are refused the same way once their rows no longer fit either (CIM: 2, naming
  // why), and reads go on.
  test_response refused_job;
  for (int i = 0; i < 2000 && refused_job.status != 507u; ++i)
    refused_job = post_rp(stored.front());
  EXPECT_EQ(refused_job.status, 507u) << refused_job.body;
  auto cim = cim_create({{"AffectedSystem", system_path(stored.front())},
                         {"ReferencePointSettings", ""},
                         {"ReferencePointType", 1}});
  EXPECT_EQ(cim.at("ReturnValue").to_number<int>(), 2) << json::serialize(cim);
  EXPECT_NE(json::serialize(cim).find("the database is full"), std::string::npos)
    << json::serialize(cim);
  EXPECT_EQ(http().get("/api/v1/systems/" + stored.back()).status, 200u);

  // With room again (restarted without the limit), everything committed is there and new
  // work is taken.
  ASSERT_EQ(stop_gracefully(), 0);
  start();
  EXPECT_EQ(count_items("/api/v1/systems"), stored.size());
  auto job = wait_rest_job(accepted(stored.front()));
  EXPECT_EQ(job.at("state"), "completed") << json::serialize(job);
}

TEST_F(LimitsTest, AReadOnlyDatabaseServesWhatItHasAndRefusesNewWorkClearly) {
  start();
  auto vm = create_system();
  EXPECT_EQ(wait_rest_job(accepted(vm)).at("state"), "completed");
  ASSERT_EQ(stop_gracefully(), 0);

  // The file is write-protected. Root writes it anyway, so a root test runs refpointd
  // without the capabilities that override file permissions.
  fs::permissions(db_, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  if (::geteuid() == 0)
    launcher_ = {"/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"};
  start();
  EXPECT_EQ(reference_point_count(vm), 1u);
  EXPECT_EQ(http().get("/api/v1/systems/" + vm).status, 200u);
  auto refused_job = post_rp(vm);
  EXPECT_EQ(refused_job.status, 507u) << refused_job.body;
  EXPECT_NE(refused_job.body.find("read-only"), std::string::npos) << refused_job.body;
  auto cim = cim_create({{"AffectedSystem", system_path(vm)},
                         {"ReferencePointSettings", ""},
                         {"ReferencePointType", 1}});
  EXPECT_EQ(cim.at("ReturnValue").to_number<int>(), 2) << json::serialize(cim);
  EXPECT_NE(json::serialize(cim).find("read-only"), std::string::npos) << json::serialize(cim);
  auto refused_system = http().post("/api/v1/systems", R"({"elementName":"new"})", json_headers());
  EXPECT_EQ(refused_system.status, 507u) << refused_system.body;
  EXPECT_EQ(jobs_listed(), 1u) << "a refused request records nothing";
  ASSERT_EQ(stop_gracefully(), 0);

  // Writable again (restarted), everything committed is there and new work is taken.
  fs::permissions(db_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                         fs::perms::others_read);
  launcher_.clear();
  start();
  EXPECT_EQ(count_items("/api/v1/systems"), 1u);
  EXPECT_EQ(wait_rest_job(accepted(vm)).at("state"), "completed");
  EXPECT_EQ(reference_point_count(vm), 2u);
}

} // namespace
} // namespace refpoint::test
