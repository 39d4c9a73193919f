// Collections end to end: inventory, the collection CreateReferencePoint method, the
// associations of a collection reference point, and all-or-nothing.

#include "daemon_fixture.hpp"

using namespace refpoint::test;
namespace json = boost::json;

namespace {
constexpr const char* create_path =
  "/cim/v2/Msvm_CollectionReferencePointService/CreateReferencePoint";
}

class CollectionsTest : public DaemonTest {
protected:
  std::string create_collection(const std::vector<std::string>& members) {
    json::array m;
    for (const auto& s : members)
      m.emplace_back(s);
    auto res = http().post("/api/v1/collections",
                           json::serialize(json::object{{"elementName", "group"}, {"members", m}}),
                           json_headers());
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string{res.json().at("id").as_string()};
  }

  static std::string collection_path(const std::string& id) {
    return "Msvm_VirtualSystemCollection.InstanceID=\"" + id + "\"";
  }

  json::object cim_collection_create(json::object params) {
    auto res = http().post(create_path, json::serialize(params), json_headers());
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_object();
  }

  json::array associators(const std::string& path, const std::string& filters) {
    auto res = http().get("/cim/v2/associators?object=" + path + filters);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_array();
  }
};

TEST_F(CollectionsTest, RestManagesCollectionsAndMembers) {
  start();
  auto a = create_system();
  auto b = create_system();
  auto id = create_collection({b, a});
  auto coll = http().get("/api/v1/collections/" + id).json();
  auto sorted = std::min(a, b);
  EXPECT_EQ(coll.at("members").as_array()[0].as_string(), sorted) << "members ascend by name";
  EXPECT_EQ(http().get("/api/v1/collections").json().at("items").as_array().size(), 1u);

  auto removed = http().del("/api/v1/collections/" + id + "/members/" + a);
  ASSERT_EQ(removed.status, 200u) << removed.body;
  EXPECT_EQ(removed.json().at("members").as_array().size(), 1u);
  auto added = http().put("/api/v1/collections/" + id + "/members/" + a, "", {});
  EXPECT_EQ(added.json().at("members").as_array().size(), 2u);
  EXPECT_EQ(http().put("/api/v1/collections/" + id + "/members/" + a, "", {}).status, 200u)
    << "adding a member twice is idempotent";

  auto unknown = http().post(
    "/api/v1/collections",
    R"({"elementName":"x","members":["00000000-0000-0000-0000-00000000000A"]})", json_headers());
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json().at("field"), "members[0]");
  // Named by its place in the body, though members are kept sorted (this one sorts first).
  auto second = http().post("/api/v1/collections",
                            R"({"elementName":"x","members":[")" + a +
                              R"(","00000000-0000-0000-0000-00000000000a"]})",
                            json_headers());
  EXPECT_EQ(second.status, 404u) << second.body;
  EXPECT_EQ(second.json().at("field"), "members[1]") << second.body;
  EXPECT_EQ(http().put("/api/v1/collections/" + id + "/members/nope", "", {}).status, 404u);
  EXPECT_EQ(http().del("/api/v1/collections/" + id).status, 204u);
  EXPECT_EQ(http().get("/api/v1/collections/" + id).status, 404u);
}

TEST_F(CollectionsTest, CimCreatesACollectionReferencePointWithOneMemberPerSystem) {
  start();
  auto a = create_system();
  auto b = create_system();
  auto id = create_collection({a, b});
  auto answer = cim_collection_create({{"Collection", collection_path(id)},
                                       {"ReferencePointType", 2},
                                       {"ReferencePointSettings", ""}});
  ASSERT_EQ(answer.at("ReturnValue").to_number<int>(), 4096) << json::serialize(answer);
  EXPECT_TRUE(answer.at("ResultingReferencePointCollection").is_null());
  auto job_path = std::string{answer.at("Job").as_string()};
  auto job = wait_cim_job(job_id_of(answer.at("Job")));
  EXPECT_EQ(job.at("JobState").to_number<int>(), 7);
  EXPECT_EQ(job.at("JobType").to_number<int>(), 205);

  auto rpcs = associators(job_path, "&ResultClass=Msvm_ReferencePointCollection");
  ASSERT_EQ(rpcs.size(), 1u);
  auto rpc = rpcs[0].as_object();
  EXPECT_EQ(rpc.at("VirtualSystemCollectionId").as_string(), id);
  EXPECT_EQ(rpc.at("ReferencePointType").to_number<int>(), 2);
  EXPECT_EQ(rpc.at("ConsistencyLevel").to_number<int>(), 2); // Application, collection numbering
  auto rpc_path = std::string{rpc.at("__PATH").as_string()};
  auto members = associators(rpc_path, "&AssocClass=Msvm_CollectedReferencePoints");
  ASSERT_EQ(members.size(), 2u);
  std::set<std::string> systems;
  for (const auto& m : members)
    systems.insert(std::string{m.at("VirtualSystemIdentifier").as_string()});
  EXPECT_EQ(systems, (std::set<std::string>{a, b}));
  auto of_collection =
    associators(collection_path(id), "&AssocClass=Msvm_ReferencePointOfVirtualSystemCollection");
  EXPECT_EQ(of_collection.size(), 1u);
  EXPECT_EQ(associators(collection_path(id), "&AssocClass=Msvm_CollectedVirtualSystems").size(),
            2u);
  EXPECT_EQ(http().get("/cim/v2/Msvm_VirtualSystemCollection/" + id).status, 200u);
  EXPECT_EQ(http()
              .get("/cim/v2/Msvm_ReferencePointCollection/" +
                   std::string{rpc.at("CollectionID").as_string()})
              .status,
            200u);
}

TEST_F(CollectionsTest, CimAnswersCollectionParametersWithTheirCodes) {
  start();
  auto a = create_system();
  auto id = create_collection({a});
  auto empty = create_collection({});
  auto code = [&](json::object params) {
    return cim_collection_create(std::move(params)).at("ReturnValue").to_number<int>();
  };
  EXPECT_EQ(code({{"Collection", id}, {"ReferencePointType", 0}}), 4);     // Unknown
  EXPECT_EQ(code({{"Collection", id}, {"ReferencePointType", 3}}), 4);     // reserved
  EXPECT_EQ(code({{"Collection", id}, {"ReferencePointType", 32768}}), 1); // vendor
  EXPECT_EQ(code({{"Collection", id}, {"ReferencePointType", 1}}), 5);     // log, no replication
  EXPECT_EQ(code({{"Collection", empty}, {"ReferencePointType", 2}}), 5);  // no members
  EXPECT_EQ(code({{"Collection", system_path(a)}, {"ReferencePointType", 2}}), 6);
  EXPECT_EQ(
    code({{"Collection", "00000000-0000-0000-0000-0000000000AB"}, {"ReferencePointType", 2}}), 4);
}

TEST_F(CollectionsTest, FailingMemberLeavesNoReferencePointOnAnyMember) {
  start();
  auto good = create_system();
  auto bad = create_system(R"([{"id":"d1","sizeBytes":5000000,"simFailAt":0.5}])");
  auto id = create_collection({good, bad});
  auto res = http().post("/api/v1/collections/" + id + "/reference-points", R"({"type":"rct"})",
                         json_headers());
  ASSERT_EQ(res.status, 202u) << res.body;
  auto job = wait_rest_job(std::string{res.json().at("id").as_string()});
  EXPECT_EQ(job.at("state"), "exception");
  EXPECT_NE(std::string{job.at("error").at("description").as_string()}.find(bad),
            std::string::npos);
  for (const auto& vm : {good, bad})
    EXPECT_EQ(reference_point_count(vm), 0u);
  EXPECT_EQ(collection_reference_point_count(id), 0u);
}
