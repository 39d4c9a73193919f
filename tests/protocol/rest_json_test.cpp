#include "expect_failure.hpp"
#include "protocol/rest_json.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
namespace json = boost::json;

namespace {

constexpr std::string_view system_name = "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80";
constexpr std::string_view rp_id = "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16";
constexpr std::string_view job_id = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";
constexpr rp::timestamp_us t0 = 1'795'307'292'123'456; // 2026-11-22T00:28:12.123456Z
constexpr std::int64_t second = 1'000'000;

json::value parsed(std::string_view text) {
  return json::parse(text);
}

rp::result<rp::system_info> decode_system(std::string_view text) {
  return rp::decode_system(json::parse(text));
}

rp::result<rp::rest_create_rp> decode_create_rp(std::string_view text) {
  return rp::decode_create_rp(json::parse(text));
}

} // namespace

using refpoint::protocol::testing::expect_failure;

// --- encoders -------------------------------------------------------------------------

TEST(RestDisk, SimDiskOmitsPathAndUnsetSimFailAt) {
  rp::disk d{"disk0", "sim", "", 1 << 20, true, std::nullopt};
  EXPECT_EQ(json::value(rp::rest_disk(d)),
            parsed(R"({"id":"disk0","backend":"sim","sizeBytes":1048576,"changeTracking":true})"));
}

TEST(RestDisk, SimDiskShowsSimFailAtWhenSet) {
  rp::disk d{"disk0", "sim", "", 10, false, 0.5};
  EXPECT_EQ(json::value(rp::rest_disk(d)),
            parsed(R"({"id":"disk0","backend":"sim","sizeBytes":10,"changeTracking":false,
                       "simFailAt":0.5})"));
}

TEST(RestDisk, FileDiskShowsPath) {
  rp::disk d{"d", "file", "/srv/images/d.img", 4096, true, std::nullopt};
  EXPECT_EQ(json::value(rp::rest_disk(d)),
            parsed(R"({"id":"d","backend":"file","path":"/srv/images/d.img","sizeBytes":4096,
                       "changeTracking":true})"));
}

TEST(RestSystem, HasExactShape) {
  rp::system_info s;
  s.name = system_name;
  s.element_name = "db01";
  s.state = rp::enabled_state::disabled;
  s.replication_enabled = true;
  s.disks = {{"disk0", "sim", "", 100, true, std::nullopt}};
  s.created_at = t0;
  EXPECT_EQ(json::value(rp::rest_system(s)), parsed(R"({
    "name": "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80",
    "elementName": "db01",
    "enabledState": "disabled",
    "replicationEnabled": true,
    "disks": [{"id":"disk0","backend":"sim","sizeBytes":100,"changeTracking":true}],
    "createdAt": "2026-11-22T00:28:12.123456Z"
  })"));
}

TEST(RestSystem, EnabledStateSpelledEnabledAndUnsetCreatedAtOmitted) {
  rp::system_info s;
  s.name = system_name;
  auto o = rp::rest_system(s);
  EXPECT_EQ(o.at("enabledState"), "enabled");
  EXPECT_EQ(o.at("disks"), json::array{});
  EXPECT_FALSE(o.contains("createdAt"));
}

TEST(RestReferencePoint, HasExactShape) {
  rp::reference_point p;
  p.id = rp_id;
  p.system_name = system_name;
  p.element_name = "nightly";
  p.kind = rp::rp_kind::rct;
  p.consistency = rp::consistency_level::crash;
  p.disk_ids = {"disk0"};
  p.rct_ids = {"rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00000001"};
  p.created_at = t0;
  p.job_id = job_id;
  EXPECT_EQ(json::value(rp::rest_reference_point(p)), parsed(R"({
    "id": "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16",
    "systemId": "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80",
    "elementName": "nightly",
    "type": "rct",
    "consistencyLevel": "crash",
    "diskIds": ["disk0"],
    "rctIds": ["rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00000001"],
    "createdAt": "2026-11-22T00:28:12.123456Z",
    "jobId": "8A496B9C-AF4D-4E98-BD3C-1128CD85320D"
  })"));
}

TEST(RestReferencePoint, LogBasedApplicationConsistent) {
  rp::reference_point p;
  p.kind = rp::rp_kind::log;
  p.consistency = rp::consistency_level::application;
  auto o = rp::rest_reference_point(p);
  EXPECT_EQ(o.at("type"), "log");
  EXPECT_EQ(o.at("consistencyLevel"), "application");
  EXPECT_EQ(o.at("diskIds"), json::array{});
  EXPECT_EQ(o.at("rctIds"), json::array{});
  EXPECT_FALSE(o.contains("createdAt"));
}

TEST(RestJob, QueuedJobOmitsStartFinishAndError) {
  rp::job_record j;
  j.id = job_id;
  j.request.target = system_name;
  j.submitted_at = t0;
  EXPECT_EQ(json::value(rp::rest_job(j)), parsed(R"({
    "id": "8A496B9C-AF4D-4E98-BD3C-1128CD85320D",
    "type": "createReferencePoint",
    "target": "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80",
    "state": "running",
    "jobState": 4,
    "percentComplete": 0,
    "status": "Queued",
    "submittedAt": "2026-11-22T00:28:12.123456Z",
    "cancellable": true,
    "affectedElements": []
  })"));
}

TEST(RestJob, CompletedJobHasTimesAndAffectedElements) {
  rp::job_record j;
  j.id = job_id;
  j.request.target = system_name;
  j.state = rp::job_state::completed;
  j.status = "Completed";
  j.percent_complete = 100;
  j.submitted_at = t0;
  j.started_at = t0 + second;
  j.finished_at = t0 + 2 * second;
  j.cancellable = false;
  j.affected = {{"Msvm_VirtualSystemReferencePoint.InstanceID=\"X\"", rp::element_effects::create}};
  EXPECT_EQ(json::value(rp::rest_job(j)), parsed(R"({
    "id": "8A496B9C-AF4D-4E98-BD3C-1128CD85320D",
    "type": "createReferencePoint",
    "target": "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80",
    "state": "completed",
    "jobState": 7,
    "percentComplete": 100,
    "status": "Completed",
    "submittedAt": "2026-11-22T00:28:12.123456Z",
    "startedAt": "2026-11-22T00:28:13.123456Z",
    "finishedAt": "2026-11-22T00:28:14.123456Z",
    "cancellable": false,
    "affectedElements": [
      {"element": "Msvm_VirtualSystemReferencePoint.InstanceID=\"X\"", "effects": [5]}
    ]
  })"));
}

TEST(RestJob, FailedJobCarriesError) {
  rp::job_record j;
  j.id = job_id;
  j.type = rp::job_type::create_collection_reference_point;
  j.state = rp::job_state::exception;
  j.error_code = 32768;
  j.error_description = "member m1 failed";
  j.error_summary = "Failed";
  auto o = rp::rest_job(j);
  EXPECT_EQ(o.at("type"), "createCollectionReferencePoint");
  EXPECT_EQ(o.at("state"), "exception");
  EXPECT_EQ(o.at("jobState"), 10);
  EXPECT_EQ(o.at("error"),
            parsed(R"({"code": 32768, "description": "member m1 failed", "summary": "Failed"})"));
}

TEST(RestJob, NoErrorWhenErrorCodeIsZero) {
  rp::job_record j;
  j.error_description = "ignored";
  EXPECT_FALSE(rp::rest_job(j).contains("error"));
  EXPECT_FALSE(rp::rest_job(j).contains("submittedAt"));
}

// --- problem+json ---------------------------------------------------------------------

TEST(Problem, WithoutFieldIsAboutBlank) {
  EXPECT_EQ(json::value(rp::problem(404, "Not Found", "no system X")),
            parsed(R"({"type":"about:blank","title":"Not Found","status":404,
                       "detail":"no system X"})"));
}

TEST(Problem, WithFieldUsesInvalidFieldTypeAndNamesTheField) {
  EXPECT_EQ(json::value(rp::problem(400, "Bad Request", "x is required", "disks[0].id")),
            parsed(R"({"type":"urn:refpoint:problem:invalid-field","title":"Bad Request",
                       "status":400,"detail":"x is required","field":"disks[0].id"})"));
}

// --- decode_system: accepted bodies ---------------------------------------------------

TEST(DecodeSystem, MinimalBodyTakesDefaults) {
  auto r = decode_system(R"({"elementName":"db01"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  rp::system_info expected;
  expected.element_name = "db01";
  EXPECT_EQ(r.value(), expected);
  EXPECT_TRUE(r.value().name.empty());
  EXPECT_EQ(r.value().state, rp::enabled_state::enabled);
  EXPECT_FALSE(r.value().replication_enabled);
  EXPECT_TRUE(r.value().disks.empty());
}

TEST(DecodeSystem, FullBodyIsDecoded) {
  auto r = decode_system(R"({
    "name": "{9b6d3f1e-2c4a-4e8b-a1d2-3c4b5a6f7e80}",
    "elementName": "db01",
    "enabledState": "disabled",
    "replicationEnabled": true,
    "disks": [
      {"id": "d0", "sizeBytes": 1073741824},
      {"id": "d1", "backend": "sim", "sizeBytes": 0, "changeTracking": false, "simFailAt": 0.25},
      {"id": "d2", "backend": "file", "path": "/srv/d2.img"},
      {"id": "d3", "backend": "file", "path": "/srv/d3.img", "sizeBytes": 18446744073709551615}
    ]
  })");
  ASSERT_TRUE(r.ok()) << r.error().message;
  rp::system_info expected;
  expected.name = system_name;
  expected.element_name = "db01";
  expected.state = rp::enabled_state::disabled;
  expected.replication_enabled = true;
  expected.disks = {{"d0", "sim", "", 1073741824, true, std::nullopt},
                    {"d1", "sim", "", 0, false, 0.25},
                    {"d2", "file", "/srv/d2.img", 0, true, std::nullopt},
                    {"d3", "file", "/srv/d3.img", 18446744073709551615u, true, std::nullopt}};
  EXPECT_EQ(r.value(), expected);
}

TEST(DecodeSystem, NameIsCanonicalizedToUpperCase) {
  auto r = decode_system(R"({"name":"9b6d3f1e-2c4a-4e8b-a1d2-3c4b5a6f7e80","elementName":"x"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().name, system_name);
}

TEST(DecodeSystem, ElementNameLimitCountsCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 256; ++i)
    name += "\xC3\xA9"; // é: two bytes, one character
  auto body = json::object{{"elementName", name}};
  EXPECT_TRUE(rp::decode_system(body).ok());
  body["elementName"] = name + "e";
  expect_failure(rp::decode_system(body), "elementName", {"at most 256", "257"});
}

TEST(DecodeSystem, SimFailAtAcceptsIntegerBounds) {
  auto r = decode_system(R"({"elementName":"x","disks":[
    {"id":"a","sizeBytes":1,"simFailAt":0},{"id":"b","sizeBytes":1,"simFailAt":1}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().disks[0].sim_fail_at, 0.0);
  EXPECT_EQ(r.value().disks[1].sim_fail_at, 1.0);
}

TEST(DecodeSystem, SimFailAtIsValidatedButDroppedForFileDisks) {
  auto r = decode_system(R"({"elementName":"x","disks":[
    {"id":"a","backend":"file","path":"/p","simFailAt":0.5}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r.value().disks[0].sim_fail_at);
  expect_failure(decode_system(R"({"elementName":"x","disks":[
    {"id":"a","backend":"file","path":"/p","simFailAt":2}]})"),
                 "disks[0].simFailAt", {"between 0 and 1", "number 2"});
}

TEST(DecodeSystem, DistinctDiskIdsAreAccepted) {
  EXPECT_TRUE(decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1},
                                                          {"id":"b","sizeBytes":1}]})")
                .ok());
}

// --- decode_system: refused bodies ----------------------------------------------------

TEST(DecodeSystem, BodyMustBeAnObject) {
  expect_failure(decode_system("[]"), "", {"JSON object", "found array"});
  expect_failure(decode_system("null"), "", {"found null"});
  expect_failure(decode_system(R"("x")"), "", {R"(found string "x")"});
}

TEST(DecodeSystem, UnknownFieldsAreNamed) {
  expect_failure(decode_system(R"({"elementName":"x","colour":"red"})"), "colour",
                 {"unknown field colour", "allowed: name, elementName"});
}

TEST(DecodeSystem, SeveralUnknownFieldsAreAllNamed) {
  expect_failure(decode_system(R"({"elementName":"x","colour":"red","size":1})"), "colour",
                 {"unknown fields colour, size"});
}

TEST(DecodeSystem, UnknownFieldsAreReportedBeforeOtherErrors) {
  expect_failure(decode_system(R"({"elementName":5,"host":"n1"})"), "host", {"unknown field host"});
}

TEST(DecodeSystem, TheHomeNodeIsAString) {
  EXPECT_TRUE(decode_system(R"({"elementName":"x","node":"n1"})"));
  expect_failure(decode_system(R"({"elementName":"x","node":1})"), "node",
                 {"must be a string", "found number 1"});
}

TEST(DecodeSystem, NameMustBeAString) {
  expect_failure(decode_system(R"({"name":42,"elementName":"x"})"), "name",
                 {"must be a string", "found number 42"});
}

TEST(DecodeSystem, NameMustBeAGuid) {
  expect_failure(decode_system(R"({"name":"db01","elementName":"x"})"), "name",
                 {"must be a GUID", R"(found string "db01")"});
}

TEST(DecodeSystem, NullNameIsATypeErrorNotAbsence) {
  expect_failure(decode_system(R"({"name":null,"elementName":"x"})"), "name",
                 {"must be a string", "found null"});
}

TEST(DecodeSystem, ElementNameIsRequired) {
  expect_failure(decode_system(R"({})"), "elementName", {"elementName is required"});
}

TEST(DecodeSystem, ElementNameMustBeAString) {
  expect_failure(decode_system(R"({"elementName":["x"]})"), "elementName",
                 {"must be a string", "found array"});
}

TEST(DecodeSystem, ElementNameMustNotBeEmpty) {
  expect_failure(decode_system(R"({"elementName":""})"), "elementName", {"must not be empty"});
}

TEST(DecodeSystem, EnabledStateMustBeEnabledOrDisabled) {
  expect_failure(decode_system(R"({"elementName":"x","enabledState":"on"})"), "enabledState",
                 {R"(must be "enabled" or "disabled")", R"(found string "on")"});
  expect_failure(decode_system(R"({"elementName":"x","enabledState":2})"), "enabledState",
                 {"found number 2"});
}

TEST(DecodeSystem, ReplicationEnabledMustBeABoolean) {
  expect_failure(decode_system(R"({"elementName":"x","replicationEnabled":"yes"})"),
                 "replicationEnabled", {"must be a boolean", R"(found string "yes")"});
}

TEST(DecodeSystem, DisksMustBeAnArray) {
  expect_failure(decode_system(R"({"elementName":"x","disks":{}})"), "disks",
                 {"must be an array", "found object"});
}

TEST(DecodeSystem, EachDiskMustBeAnObject) {
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1},"b"]})"),
                 "disks[1]", {"disks[1] must be an object", R"(found string "b")"});
}

TEST(DecodeSystem, DiskUnknownFieldsAreNamedWithTheirPath) {
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1,"format":"vhdx"}]})"),
    "disks[0].format", {"unknown field disks[0].format", "allowed: id, backend, path"});
}

TEST(DecodeSystem, DiskIdIsRequired) {
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"sizeBytes":1}]})"), "disks[0].id",
                 {"disks[0].id is required"});
}

TEST(DecodeSystem, DiskIdMustBeANonEmptyString) {
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"id":7,"sizeBytes":1}]})"),
                 "disks[0].id", {"must be a string", "found number 7"});
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"id":"","sizeBytes":1}]})"),
                 "disks[0].id", {"must not be empty"});
}

TEST(DecodeSystem, DiskIdsMustBeUniqueWithinTheSystem) {
  expect_failure(decode_system(R"({"elementName":"x","disks":[
    {"id":"a","sizeBytes":1},{"id":"b","sizeBytes":1},{"id":"a","sizeBytes":1}]})"),
                 "disks[2].id", {R"(duplicates disks[0].id "a")"});
}

TEST(DecodeSystem, BackendMustBeSimOrFile) {
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","backend":"nfs","sizeBytes":1}]})"),
    "disks[0].backend", {R"(must be "sim" or "file")", R"(found string "nfs")"});
}

TEST(DecodeSystem, SimDiskNeedsSizeBytes) {
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"id":"a"}]})"), "disks[0].sizeBytes",
                 {"is required for backend \"sim\""});
}

TEST(DecodeSystem, SizeBytesMustBeANonNegativeInteger) {
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":-1}]})"),
                 "disks[0].sizeBytes", {"non-negative integer", "found number -1"});
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1.5}]})"),
                 "disks[0].sizeBytes", {"non-negative integer", "found number 1.5"});
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":"1"}]})"),
                 "disks[0].sizeBytes", {"non-negative integer", R"(found string "1")"});
}

TEST(DecodeSystem, FileDiskNeedsAPath) {
  expect_failure(decode_system(R"({"elementName":"x","disks":[{"id":"a","backend":"file"}]})"),
                 "disks[0].path", {"is required for backend \"file\""});
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","backend":"file","path":""}]})"),
    "disks[0].path", {"must not be empty"});
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","backend":"file","path":false}]})"),
    "disks[0].path", {"must be a string", "found boolean false"});
}

TEST(DecodeSystem, SimDiskRefusesAPath) {
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1,"path":"/p"}]})"),
    "disks[0].path", {"only allowed with backend \"file\""});
}

TEST(DecodeSystem, ChangeTrackingMustBeABoolean) {
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1,"changeTracking":1}]})"),
    "disks[0].changeTracking", {"must be a boolean", "found number 1"});
}

TEST(DecodeSystem, SimFailAtMustBeANumberBetweenZeroAndOne) {
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1,"simFailAt":1.5}]})"),
    "disks[0].simFailAt", {"between 0 and 1", "found number 1.5"});
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1,"simFailAt":-0.1}]})"),
    "disks[0].simFailAt", {"found number -0.1"});
  expect_failure(
    decode_system(R"({"elementName":"x","disks":[{"id":"a","sizeBytes":1,"simFailAt":"half"}]})"),
    "disks[0].simFailAt", {R"(found string "half")"});
}

TEST(DecodeSystem, FirstFailingDiskIsReported) {
  expect_failure(decode_system(R"({"elementName":"x","disks":[
    {"id":"a","sizeBytes":1},{"id":"b"},{"id":"c","sizeBytes":-1}]})"),
                 "disks[1].sizeBytes", {"is required"});
}

// --- decode_create_rp -----------------------------------------------------------------

TEST(DecodeCreateRp, TypeAloneTakesDefaults) {
  auto r = decode_create_rp(R"({"type":"rct"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(),
            (rp::rest_create_rp{rp::rp_kind::rct, "", rp::consistency_level::application}));
}

TEST(DecodeCreateRp, FullBodyIsDecoded) {
  auto r = decode_create_rp(R"({"type":"log","elementName":"nightly","consistencyLevel":"crash"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(),
            (rp::rest_create_rp{rp::rp_kind::log, "nightly", rp::consistency_level::crash}));
}

TEST(DecodeCreateRp, EmptyElementNameMeansDefault) {
  auto r = decode_create_rp(R"({"type":"rct","elementName":""})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().element_name, "");
}

TEST(DecodeCreateRp, BodyMustBeAnObject) {
  expect_failure(decode_create_rp("42"), "", {"JSON object", "found number 42"});
}

TEST(DecodeCreateRp, TypeIsRequired) {
  expect_failure(decode_create_rp(R"({"elementName":"x"})"), "type", {"type is required"});
}

TEST(DecodeCreateRp, TypeMustBeRctOrLogInLowerCase) {
  expect_failure(decode_create_rp(R"({"type":"RCT"})"), "type",
                 {R"(must be "rct" or "log")", R"(found string "RCT")"});
  expect_failure(decode_create_rp(R"({"type":1})"), "type", {"found number 1"});
}

TEST(DecodeCreateRp, ElementNameMustBeAStringOfAtMost256Characters) {
  expect_failure(decode_create_rp(R"({"type":"rct","elementName":1})"), "elementName",
                 {"must be a string", "found number 1"});
  auto body = json::object{{"type", "rct"}, {"elementName", std::string(257, 'x')}};
  expect_failure(rp::decode_create_rp(body), "elementName", {"at most 256"});
  body["elementName"] = std::string(256, 'x');
  EXPECT_TRUE(rp::decode_create_rp(body).ok());
}

TEST(DecodeCreateRp, ConsistencyLevelMustBeApplicationOrCrash) {
  expect_failure(decode_create_rp(R"({"type":"rct","consistencyLevel":"App"})"), "consistencyLevel",
                 {R"(must be "application" or "crash")", R"(found string "App")"});
  expect_failure(decode_create_rp(R"({"type":"rct","consistencyLevel":1})"), "consistencyLevel",
                 {"found number 1"});
}

TEST(DecodeCreateRp, UnknownFieldsAreNamed) {
  expect_failure(
    decode_create_rp(R"({"type":"rct","ReferencePointType":1})"), "ReferencePointType",
    {"unknown field ReferencePointType", "allowed: type, elementName, consistencyLevel"});
}
