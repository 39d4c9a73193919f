// The whole job lifecycle end to end: cancellation, errors, listing, idempotency, removal.

#include "daemon_fixture.hpp"

#include <set>

using namespace refpoint::test;
namespace json = boost::json;

namespace {

/// A system whose jobs take `seconds` at the fixture's default 50 MB/s scan rate.
std::string disk_of_seconds(int seconds) {
  return R"([{"id":"d1","sizeBytes":)" + std::to_string(50'000'000LL * seconds) + "}]";
}

} // namespace

class JobsTest : public DaemonTest {
protected:
  std::string start_job(const std::string& vm, http_client::header_list extra = {}) {
    auto headers = json_headers();
    headers.insert(headers.end(), extra.begin(), extra.end());
    auto res =
      http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"rct"})", headers);
    EXPECT_EQ(res.status, 202u) << res.body;
    return std::string{res.json().at("id").as_string()};
  }

  json::object state_change(const std::string& id, int requested) {
    auto res =
      http().post("/cim/v2/Msvm_ConcreteJob/" + id + "/RequestStateChange",
                  R"({"RequestedState":)" + std::to_string(requested) + "}", json_headers());
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_object();
  }

  void wait_status(const std::string& id, std::string_view status) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (http().get("/api/v1/jobs/" + id).json().at("status").as_string() == status)
        return;
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "job " << id << " never reached status " << status;
  }
};

TEST_F(JobsTest, TerminateAndKillStopRunningAndQueuedJobs) {
  start();
  auto vm = create_system(disk_of_seconds(30));
  auto running = start_job(vm);
  auto queued = start_job(vm);
  wait_status(running, "Running");

  auto answer = state_change(queued, 5); // Kill a queued job: at once
  EXPECT_EQ(answer.at("ReturnValue").to_number<int>(), 0) << json::serialize(answer);
  EXPECT_EQ(http().get("/cim/v2/Msvm_ConcreteJob/" + queued).json().at("JobState"), 9);

  answer = state_change(running, 4); // Terminate the running one
  EXPECT_EQ(answer.at("ReturnValue").to_number<int>(), 0) << json::serialize(answer);
  auto job = http().get("/cim/v2/Msvm_ConcreteJob/" + running).json();
  EXPECT_EQ(job.at("JobState"), 8);
  EXPECT_EQ(job.at("Cancellable"), false);

  // Nothing was left behind, and finished jobs refuse another transition.
  EXPECT_EQ(reference_point_count(vm), 0u);
  EXPECT_EQ(state_change(running, 4).at("ReturnValue").to_number<int>(), 4097);
}

TEST_F(JobsTest, RequestStateChangeRefusesOtherStatesAndUnknownJobs) {
  start();
  auto vm = create_system(disk_of_seconds(30));
  auto id = start_job(vm);
  EXPECT_EQ(state_change(id, 3).at("ReturnValue").to_number<int>(), 1);
  EXPECT_EQ(state_change(id, 2).at("ReturnValue").to_number<int>(), 1);
  auto bad = http().post("/cim/v2/Msvm_ConcreteJob/" + id + "/RequestStateChange",
                         R"({"RequestedState":"four"})", json_headers());
  EXPECT_EQ(bad.json().at("ReturnValue").to_number<int>(), 4);
  auto unknown =
    http().post("/cim/v2/Msvm_ConcreteJob/00000000-0000-0000-0000-000000000000/RequestStateChange",
                R"({"RequestedState":4})", json_headers());
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(state_change(id, 4).at("ReturnValue").to_number<int>(), 0);
}

TEST_F(JobsTest, GetErrorDescribesFailedJobsOnly) {
  start();
  auto failing = create_system(R"([{"id":"d1","sizeBytes":1000000,"simFailAt":0.5}])");
  auto healthy = create_system(R"([{"id":"d1","sizeBytes":1000}])");
  auto failed = start_job(failing);
  auto completed = start_job(healthy);
  EXPECT_EQ(wait_rest_job(failed).at("state"), "exception");
  EXPECT_EQ(wait_rest_job(completed).at("state"), "completed");

  auto error =
    http().post("/cim/v2/Msvm_ConcreteJob/" + failed + "/GetError", "{}", json_headers());
  ASSERT_EQ(error.status, 200u) << error.body;
  auto xml = std::string{error.json().at("Error").as_string()};
  EXPECT_NE(xml.find(R"(<INSTANCE CLASSNAME="Msvm_Error")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<PROPERTY NAME="Message")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("d1"), std::string::npos) << xml;
  auto ex = http().post("/cim/v2/Msvm_ConcreteJob/" + failed + "/GetErrorEx", "{}", json_headers());
  EXPECT_EQ(ex.json().at("Errors").as_array().size(), 1u);

  auto none =
    http().post("/cim/v2/Msvm_ConcreteJob/" + completed + "/GetError", "{}", json_headers());
  EXPECT_TRUE(none.json().at("Error").is_null());
  auto none_ex =
    http().post("/cim/v2/Msvm_ConcreteJob/" + completed + "/GetErrorEx", "{}", json_headers());
  EXPECT_TRUE(none_ex.json().at("Errors").as_array().empty());
}

TEST_F(JobsTest, RestCancelAnswersTheStoppedJobOr409) {
  start();
  auto vm = create_system(disk_of_seconds(30));
  auto id = start_job(vm);
  auto bad_mode = http().post("/api/v1/jobs/" + id + "/cancel?mode=pause", "", {});
  EXPECT_EQ(bad_mode.status, 400u);
  EXPECT_EQ(bad_mode.json().at("field"), "mode");
  auto res = http().post("/api/v1/jobs/" + id + "/cancel?mode=kill", "", {});
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("state"), "killed");
  EXPECT_EQ(http().post("/api/v1/jobs/" + id + "/cancel", "", {}).status, 409u);
  EXPECT_EQ(http().post("/api/v1/jobs/nope/cancel", "", {}).status, 404u);
}

TEST_F(JobsTest, ListingPagesThroughEveryJobOnceInSubmissionOrder) {
  start();
  auto a = create_system(R"([{"id":"d1","sizeBytes":1000}])");
  auto b = create_system(R"([{"id":"d1","sizeBytes":1000}])");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(start_job(i % 2 == 0 ? a : b));
  for (const auto& id : ids)
    wait_rest_job(id);

  std::vector<std::string> seen;
  std::string next;
  for (int page = 0; page < 10; ++page) {
    auto res = http().get("/api/v1/jobs?limit=2" + (next.empty() ? "" : "&after=" + next));
    ASSERT_EQ(res.status, 200u) << res.body;
    auto body = res.json().as_object();
    for (const auto& job : body.at("items").as_array())
      seen.emplace_back(job.at("id").as_string());
    EXPECT_LE(body.at("items").as_array().size(), 2u);
    if (!body.contains("next"))
      break;
    next = std::string{body.at("next").as_string()};
  }
  EXPECT_EQ(seen, ids);

  auto of_a = http().get("/api/v1/jobs?target=" + a).json().at("items").as_array();
  EXPECT_EQ(of_a.size(), 3u);
  auto completed = http().get("/api/v1/jobs?state=completed").json().at("items").as_array();
  EXPECT_EQ(completed.size(), 5u);
  auto running = http().get("/api/v1/jobs?state=running").json().at("items").as_array();
  EXPECT_TRUE(running.empty());

  EXPECT_EQ(http().get("/api/v1/jobs?limit=0").json().at("field"), "limit");
  EXPECT_EQ(http().get("/api/v1/jobs?after=%%%garbage").status, 400u);
  EXPECT_EQ(http().get("/api/v1/jobs?state=sleeping").json().at("field"), "state");
}

TEST_F(JobsTest, SameIdempotencyKeyReturnsTheSameJob) {
  start();
  auto vm = create_system(R"([{"id":"d1","sizeBytes":1000}])");
  auto first = start_job(vm, {{"Idempotency-Key", "nightly-2026-11-22"}});
  auto again = start_job(vm, {{"Idempotency-Key", "nightly-2026-11-22"}});
  EXPECT_EQ(first, again);
  auto other = start_job(vm, {{"Idempotency-Key", "nightly-2026-11-23"}});
  EXPECT_NE(first, other);
  wait_rest_job(first);
  wait_rest_job(other);
  auto jobs = http().get("/api/v1/jobs?target=" + vm).json().at("items").as_array();
  EXPECT_EQ(jobs.size(), 2u);
  EXPECT_EQ(reference_point_count(vm), 2u);
  auto bad = http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"rct"})",
                         {{"Content-Type", "application/json"}, {"Idempotency-Key", ""}});
  EXPECT_EQ(bad.status, 400u);
}

TEST_F(JobsTest, FinishedJobIsGoneAfterTimeBeforeRemoval) {
  start({"--config", write_config(50'000'000, "[jobs]\ntime_before_removal_s = 0\n")});
  auto vm = create_system(R"([{"id":"d1","sizeBytes":1000}])");
  auto res =
    http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"rct"})", json_headers());
  ASSERT_EQ(res.status, 202u);
  auto id = std::string{res.json().at("id").as_string()};
  auto deadline = std::chrono::steady_clock::now() + 10s;
  unsigned status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    status = http().get("/api/v1/jobs/" + id).status;
    if (status == 410u)
      break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(status, 410u);
  auto cim = http().get("/cim/v2/Msvm_ConcreteJob/" + id);
  EXPECT_EQ(cim.status, 410u);
  EXPECT_EQ(cim.header("Content-Type"), "application/problem+json");
  EXPECT_TRUE(http().get("/api/v1/jobs").json().at("items").as_array().empty());
  // The reference point it made stays.
  EXPECT_EQ(reference_point_count(vm), 1u);
}
