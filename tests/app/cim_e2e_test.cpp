// The CIM surface end to end: a real refpointd process, real HTTP on 127.0.0.1.

#include "daemon_fixture.hpp"

using namespace refpoint::test;
namespace json = boost::json;

namespace {
constexpr const char* create_path =
  "/cim/v2/Msvm_VirtualSystemReferencePointService/CreateReferencePoint";
}

TEST_F(DaemonTest, CimClientCreatesWatchesAndFindsTheReferencePoint) {
  start();
  auto vm = create_system();
  auto answer = cim_create({{"AffectedSystem", system_path(vm)},
                            {"ReferencePointSettings", ""},
                            {"ReferencePointType", 1}});
  ASSERT_EQ(answer.at("ReturnValue").to_number<int>(), 4096) << json::serialize(answer);
  EXPECT_TRUE(answer.at("ResultingReferencePoint").is_null());
  auto job_path = std::string{answer.at("Job").as_string()};
  EXPECT_EQ(job_path.rfind("Msvm_ConcreteJob.InstanceID=\"", 0), 0u) << job_path;
  auto job = wait_cim_job(job_id_of(answer.at("Job")));
  EXPECT_EQ(job.at("JobState").to_number<int>(), 7);
  EXPECT_EQ(job.at("PercentComplete").to_number<int>(), 100);
  EXPECT_EQ(job.at("ErrorCode").to_number<int>(), 0);
  EXPECT_EQ(job.at("JobType").to_number<int>(), 201);

  // ASSOCIATORS OF {job} WHERE ResultClass = Msvm_VirtualSystemReferencePoint: exactly one.
  auto assoc = http().get("/cim/v2/associators?object=" + job_path +
                          "&ResultClass=Msvm_VirtualSystemReferencePoint");
  ASSERT_EQ(assoc.status, 200u) << assoc.body;
  auto rps = assoc.json().as_array();
  ASSERT_EQ(rps.size(), 1u) << assoc.body;
  auto rp = rps[0].as_object();
  EXPECT_EQ(rp.at("__CLASS").as_string(), "Msvm_VirtualSystemReferencePoint");
  EXPECT_EQ(rp.at("VirtualSystemIdentifier").as_string(), vm);
  EXPECT_EQ(rp.at("ReferencePointType").to_number<int>(), 2); // RCT property value
  EXPECT_EQ(rp.at("ResilientChangeTrackingIdentifiers").as_array().size(), 1u);

  // The association instance itself, with ElementEffects = [5] (Create). This time the
  // path is percent-encoded, as careful clients send it (above it went raw).
  auto encoded =
    std::string{"Msvm_ConcreteJob.InstanceID=%22"} + job_id_of(answer.at("Job")) + "%22";
  auto refs = http().get("/cim/v2/references?object=" + encoded);
  ASSERT_EQ(refs.status, 200u) << refs.body;
  auto links = refs.json().as_array();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].at("ElementEffects").as_array(), (json::array{5}));

  // The reference point by key, and through its machine.
  auto id = std::string{rp.at("InstanceID").as_string()};
  auto single = http().get("/cim/v2/Msvm_VirtualSystemReferencePoint/" + id);
  EXPECT_EQ(single.status, 200u);
  auto of_system = http().get("/cim/v2/associators?object=" + system_path(vm) +
                              "&AssocClass=Msvm_ReferencePointOfVirtualSystem");
  ASSERT_EQ(of_system.status, 200u) << of_system.body;
  ASSERT_EQ(of_system.json().as_array().size(), 1u);
  EXPECT_EQ(of_system.json().as_array()[0].at("InstanceID").as_string(), id);
}

TEST_F(DaemonTest, CimEnumeratesAndGetsComputerSystems) {
  start();
  auto vm = create_system();
  auto all = http().get("/cim/v2/Msvm_ComputerSystem");
  ASSERT_EQ(all.status, 200u);
  ASSERT_EQ(all.json().as_array().size(), 1u);
  auto one = http().get("/cim/v2/Msvm_ComputerSystem/" + vm);
  ASSERT_EQ(one.status, 200u);
  EXPECT_EQ(one.json().at("Name").as_string(), vm);
  EXPECT_EQ(http().get("/cim/v2/Msvm_ComputerSystem/00000000-0000-0000-0000-000000000001").status,
            404u);
}

TEST_F(DaemonTest, CimAnswersBadParametersWithTheirReturnCodes) {
  start();
  auto vm = create_system();
  auto code = [&](json::object params) {
    auto out = cim_create(params);
    EXPECT_TRUE(out.at("Job").is_null());
    EXPECT_FALSE(out.at("ErrorDescription").as_string().empty());
    return out.at("ReturnValue").to_number<int>();
  };
  // Unknown system: Invalid Parameter.
  EXPECT_EQ(code({{"AffectedSystem", system_path("11111111-2222-3333-4444-555555555555")},
                  {"ReferencePointType", 1}}),
            4);
  // A reference of the wrong class: Invalid Type.
  EXPECT_EQ(
    code({{"AffectedSystem",
           "Msvm_VirtualSystemReferencePoint.InstanceID=\"x\",VirtualSystemIdentifier=\"y\""},
          {"ReferencePointType", 1}}),
    6);
  // DMTF reserved, vendor specific, and not a number.
  EXPECT_EQ(code({{"AffectedSystem", vm}, {"ReferencePointType", 2}}), 4);
  EXPECT_EQ(code({{"AffectedSystem", vm}, {"ReferencePointType", 32768}}), 1);
  EXPECT_EQ(code({{"AffectedSystem", vm}, {"ReferencePointType", "one"}}), 4);
  // Log based while replication is disabled: Invalid State.
  EXPECT_EQ(code({{"AffectedSystem", vm}, {"ReferencePointType", 0}}), 5);
  // Malformed settings.
  EXPECT_EQ(code({{"AffectedSystem", vm},
                  {"ReferencePointType", 1},
                  {"ReferencePointSettings", "<INSTANCE CLASSNAME="}}),
            4);
  // Missing target.
  EXPECT_EQ(code({{"ReferencePointType", 1}}), 4);
}

TEST_F(DaemonTest, CimAcceptsRealClientSettingsAndBareGuid) {
  start();
  auto vm = create_system();
  auto settings = std::string{
    R"(<INSTANCE CLASSNAME="Msvm_VirtualSystemReferencePointSettingData">)"
    R"(<PROPERTY NAME="ElementName" TYPE="string"><VALUE>nightly</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="ConsistencyLevel" TYPE="uint8"><VALUE>2</VALUE></PROPERTY></INSTANCE>)"};
  auto answer = cim_create(
    {{"AffectedSystem", vm}, {"ReferencePointSettings", settings}, {"ReferencePointType", 1}});
  ASSERT_EQ(answer.at("ReturnValue").to_number<int>(), 4096) << json::serialize(answer);
  wait_cim_job(job_id_of(answer.at("Job")));
  auto rps = http().get("/cim/v2/Msvm_VirtualSystemReferencePoint").json().as_array();
  ASSERT_EQ(rps.size(), 1u);
  EXPECT_EQ(rps[0].at("ElementName").as_string(), "nightly");
  EXPECT_EQ(rps[0].at("ConsistencyLevel").to_number<int>(), 2); // Crash
}

TEST_F(DaemonTest, CimRejectsNonJsonBodyWith400AndUnknownNamesWith404) {
  start();
  auto bad = http().post(create_path, "{not json", json_headers());
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(
    http().post("/cim/v2/Msvm_NoSuchService/CreateReferencePoint", "{}", json_headers()).status,
    404u);
  EXPECT_EQ(
    http()
      .post("/cim/v2/Msvm_VirtualSystemReferencePointService/NoSuchMethod", "{}", json_headers())
      .status,
    404u);
  EXPECT_EQ(http().get("/cim/v2/Msvm_NoSuchClass").status, 404u);
  EXPECT_EQ(http().get("/cim/v2/Msvm_ConcreteJob/00000000-0000-0000-0000-000000000000").status,
            404u);
}

TEST_F(DaemonTest, CimJobThatFailsReportsException) {
  start();
  auto vm = create_system(R"([{"id":"d1","sizeBytes":5000000,"simFailAt":0.5}])");
  auto answer = cim_create({{"AffectedSystem", vm}, {"ReferencePointType", 1}});
  ASSERT_EQ(answer.at("ReturnValue").to_number<int>(), 4096);
  auto job = wait_cim_job(job_id_of(answer.at("Job")));
  EXPECT_EQ(job.at("JobState").to_number<int>(), 10);
  EXPECT_NE(job.at("ErrorCode").to_number<int>(), 0);
  EXPECT_FALSE(job.at("ErrorDescription").as_string().empty());
  auto assoc =
    http().get("/cim/v2/associators?object=" + std::string{answer.at("Job").as_string()});
  EXPECT_TRUE(assoc.json().as_array().empty());
}
