// The REST surface end to end.

#include "daemon_fixture.hpp"

using namespace refpoint::test;
namespace json = boost::json;

TEST_F(DaemonTest, HealthzAnswersOk) {
  start();
  auto res = http().get("/healthz");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.json().at("status").as_string(), "ok");
}

TEST_F(DaemonTest, RestCreatesReferencePointWith202AndLocation) {
  start();
  auto vm = create_system();
  auto res = http().post("/api/v1/systems/" + vm + "/reference-points",
                         R"({"type":"rct","elementName":"nightly","consistencyLevel":"crash"})",
                         json_headers());
  ASSERT_EQ(res.status, 202u) << res.body;
  auto job = res.json().as_object();
  auto id = std::string{job.at("id").as_string()};
  EXPECT_EQ(res.header("Location"), "/api/v1/jobs/" + id);
  EXPECT_EQ(job.at("jobState").to_number<int>(), 4);
  auto done = wait_rest_job(id);
  EXPECT_EQ(done.at("state").as_string(), "completed");
  EXPECT_EQ(done.at("percentComplete").to_number<int>(), 100);
  auto list = http().get("/api/v1/systems/" + vm + "/reference-points").json();
  auto items = list.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("elementName").as_string(), "nightly");
  EXPECT_EQ(items[0].at("consistencyLevel").as_string(), "crash");
  EXPECT_EQ(items[0].at("type").as_string(), "rct");
}

TEST_F(DaemonTest, RestListsAndGetsSystems) {
  start();
  auto vm = create_system();
  auto list = http().get("/api/v1/systems");
  ASSERT_EQ(list.status, 200u);
  ASSERT_EQ(list.json().at("items").as_array().size(), 1u);
  auto one = http().get("/api/v1/systems/" + vm);
  ASSERT_EQ(one.status, 200u);
  EXPECT_EQ(one.json().at("disks").as_array().size(), 1u);
}

TEST_F(DaemonTest, RestErrorsAreProblemJsonNamingTheField) {
  start();
  auto vm = create_system();
  auto missing = http().get("/api/v1/systems/00000000-0000-0000-0000-000000000009");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(missing.json().at("status").to_number<int>(), 404);

  auto bad_type = http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"full"})",
                              json_headers());
  EXPECT_EQ(bad_type.status, 400u);
  EXPECT_EQ(bad_type.json().at("field").as_string(), "type");

  auto bad_disk =
    http().post("/api/v1/systems", R"({"elementName":"x","disks":[{"id":"d","sizeBytes":-1}]})",
                json_headers());
  EXPECT_EQ(bad_disk.status, 400u);
  EXPECT_EQ(bad_disk.json().at("field").as_string(), "disks[0].sizeBytes");

  auto not_json = http().post("/api/v1/systems", "{", json_headers());
  EXPECT_EQ(not_json.status, 400u);
  auto wrong_media = http().post("/api/v1/systems", "{}", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong_media.status, 415u);

  auto log_without_replication =
    http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"log"})", json_headers());
  EXPECT_EQ(log_without_replication.status, 409u);

  auto unknown_system =
    http().post("/api/v1/systems/00000000-0000-0000-0000-000000000009/reference-points",
                R"({"type":"rct"})", json_headers());
  EXPECT_EQ(unknown_system.status, 404u);
  EXPECT_EQ(
    http().get("/api/v1/systems/00000000-0000-0000-0000-000000000009/reference-points").status,
    404u);
  EXPECT_EQ(http().get("/api/v1/jobs/nope").status, 404u);
  EXPECT_EQ(http().del("/api/v1/systems").status, 405u);
}

TEST_F(DaemonTest, DuplicateSystemNameIsRefusedWith409) {
  start();
  auto body = R"({"name":"AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE","elementName":"a"})";
  EXPECT_EQ(http().post("/api/v1/systems", body, json_headers()).status, 201u);
  auto again = http().post("/api/v1/systems", body, json_headers());
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.json().at("field").as_string(), "name");
}
