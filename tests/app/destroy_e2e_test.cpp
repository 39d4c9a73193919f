// DestroyReferencePoint on both services and the REST DELETEs: the reference point goes
// in the same transaction that completes its job.

#include "daemon_fixture.hpp"

using namespace refpoint::test;
namespace json = boost::json;

class DestroyTest : public DaemonTest {
protected:
  /// Takes a reference point of `vm` and answers its id once the job completed.
  std::string make_reference_point(const std::string& vm) {
    auto res = http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"rct"})",
                           json_headers());
    EXPECT_EQ(res.status, 202u) << res.body;
    auto job = wait_rest_job(std::string{res.json().at("id").as_string()});
    auto element = std::string{job.at("affectedElements").at(0).at("element").as_string()};
    auto first = element.find('"');
    return element.substr(first + 1, element.find('"', first + 1) - first - 1);
  }

  /// Takes a collection reference point of a new collection of `members`; answers its id.
  std::string make_collection_reference_point(const std::vector<std::string>& members) {
    json::array m(members.begin(), members.end());
    auto coll = http().post("/api/v1/collections",
                            json::serialize(json::object{{"elementName", "g"}, {"members", m}}),
                            json_headers());
    auto id = std::string{coll.json().at("id").as_string()};
    auto res = http().post("/api/v1/collections/" + id + "/reference-points", R"({"type":"rct"})",
                           json_headers());
    EXPECT_EQ(res.status, 202u) << res.body;
    wait_rest_job(std::string{res.json().at("id").as_string()});
    auto rpcs = http().get("/api/v1/collections/" + id + "/reference-points").json();
    return std::string{rpcs.at("items").at(0).at("id").as_string()};
  }

  json::object call(const std::string& service, const json::object& params) {
    auto res = http().post("/cim/v2/" + service + "/DestroyReferencePoint", json::serialize(params),
                           json_headers());
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_object();
  }
};

TEST_F(DestroyTest, CimDestroysAReferencePointThroughAJob) {
  start();
  auto vm = create_system();
  auto rp = make_reference_point(vm);
  auto path = "Msvm_VirtualSystemReferencePoint.InstanceID=\"" + rp +
              "\",VirtualSystemIdentifier=\"" + vm + "\"";
  auto answer = call("Msvm_VirtualSystemReferencePointService", {{"AffectedReferencePoint", path}});
  ASSERT_EQ(answer.at("ReturnValue").to_number<int>(), 4096) << json::serialize(answer);
  auto job = wait_cim_job(job_id_of(answer.at("Job")));
  EXPECT_EQ(job.at("JobState").to_number<int>(), 7);
  EXPECT_EQ(job.at("JobType").to_number<int>(), 202);
  EXPECT_EQ(http().get("/cim/v2/Msvm_VirtualSystemReferencePoint/" + rp).status, 404u);
  EXPECT_EQ(reference_point_count(vm), 0u);
  // Hyper-V's codes for this method: gone → Invalid Parameter, wrong class → Incorrect Type.
  EXPECT_EQ(call("Msvm_VirtualSystemReferencePointService", {{"AffectedReferencePoint", path}})
              .at("ReturnValue")
              .to_number<int>(),
            32773);
  EXPECT_EQ(
    call("Msvm_VirtualSystemReferencePointService", {{"AffectedReferencePoint", system_path(vm)}})
      .at("ReturnValue")
      .to_number<int>(),
    32776);
}

TEST_F(DestroyTest, MembersGoOnlyWithTheirCollectionReferencePoint) {
  start();
  auto a = create_system();
  auto b = create_system();
  auto rpc = make_collection_reference_point({a, b});
  auto member = http().get("/api/v1/systems/" + a + "/reference-points").json();
  auto member_id = std::string{member.at("items").at(0).at("id").as_string()};
  EXPECT_EQ(call("Msvm_VirtualSystemReferencePointService", {{"AffectedReferencePoint", member_id}})
              .at("ReturnValue")
              .to_number<int>(),
            32775); // Invalid State
  EXPECT_EQ(http().del("/api/v1/reference-points/" + member_id).status, 409u);

  auto answer = call("Msvm_CollectionReferencePointService",
                     {{"AffectedReferencePointCollection",
                       "Msvm_ReferencePointCollection.CollectionID=\"" + rpc + "\""}});
  ASSERT_EQ(answer.at("ReturnValue").to_number<int>(), 4096) << json::serialize(answer);
  auto job = wait_cim_job(job_id_of(answer.at("Job")));
  EXPECT_EQ(job.at("JobType").to_number<int>(), 208);
  EXPECT_EQ(job.at("JobState").to_number<int>(), 7);
  EXPECT_EQ(http().get("/api/v1/reference-point-collections/" + rpc).status, 404u);
  for (const auto& vm : {a, b})
    EXPECT_EQ(reference_point_count(vm), 0u);
  // Gone now: the collection service answers DMTF codes.
  EXPECT_EQ(
    call("Msvm_CollectionReferencePointService", {{"AffectedReferencePointCollection", rpc}})
      .at("ReturnValue")
      .to_number<int>(),
    4);
}

TEST_F(DestroyTest, RestDeletesAnswer202WithTheJob) {
  start();
  auto vm = create_system();
  auto rp = make_reference_point(vm);
  auto res = http().del("/api/v1/reference-points/" + rp);
  ASSERT_EQ(res.status, 202u) << res.body;
  EXPECT_EQ(res.json().at("type"), "destroyReferencePoint");
  auto job = wait_rest_job(std::string{res.json().at("id").as_string()});
  EXPECT_EQ(job.at("state"), "completed");
  EXPECT_EQ(http().get("/api/v1/reference-points/" + rp).status, 404u);
  EXPECT_EQ(http().del("/api/v1/reference-points/" + rp).status, 404u);

  auto rpc = make_collection_reference_point({vm});
  auto deleted = http().del("/api/v1/reference-point-collections/" + rpc);
  ASSERT_EQ(deleted.status, 202u) << deleted.body;
  EXPECT_EQ(wait_rest_job(std::string{deleted.json().at("id").as_string()}).at("state"),
            "completed");
  EXPECT_EQ(http().del("/api/v1/reference-point-collections/" + rpc).status, 404u);
}
