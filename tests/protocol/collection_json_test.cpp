#include "expect_failure.hpp"
#include "protocol/cim_json.hpp"
#include "protocol/object_path.hpp"
#include "protocol/rest_json.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
namespace json = boost::json;

namespace {

constexpr std::string_view collection_id = "C0FFEE00-1111-4222-8333-444455556666";
constexpr std::string_view crp_id = "D00DFEED-AAAA-4BBB-8CCC-DDDDEEEEFFFF";
constexpr std::string_view member_a = "1A2B3C4D-0000-4000-8000-000000000001";
constexpr std::string_view member_b = "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80";
constexpr std::string_view rp_id = "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16";
constexpr std::string_view job_id = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";
constexpr rp::timestamp_us t0 = 1'795'307'292'123'456; // 2026-11-22T00:28:12.123456Z

json::value parsed(std::string_view text) {
  return json::parse(text);
}

rp::collection_info sample_collection() {
  return {std::string{collection_id}, "tier-1", {std::string{member_a}, std::string{member_b}}, t0};
}

rp::collection_reference_point sample_crp() {
  rp::collection_reference_point p;
  p.id = crp_id;
  p.collection_id = collection_id;
  p.element_name = "nightly";
  p.kind = rp::rp_kind::rct;
  p.consistency = rp::consistency_level::application;
  p.member_ids = {std::string{rp_id}, "5ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD17"};
  p.created_at = t0;
  p.job_id = job_id;
  return p;
}

rp::reference_point member_rp() {
  rp::reference_point p;
  p.id = rp_id;
  p.system_name = member_b;
  p.element_name = "nightly";
  p.created_at = t0;
  p.job_id = job_id;
  p.collection_rp_id = crp_id;
  return p;
}

rp::result<rp::collection_info> decode(std::string_view text) {
  return rp::decode_collection(json::parse(text));
}

} // namespace

using refpoint::protocol::testing::expect_failure;

// --- CIM: Msvm_VirtualSystemCollection ----------------------------------------------------

TEST(CimCollection, HasExactShape) {
  EXPECT_EQ(json::value(rp::cim_collection(sample_collection())), parsed(R"({
    "__CLASS": "Msvm_VirtualSystemCollection",
    "__PATH": "Msvm_VirtualSystemCollection.InstanceID=\"C0FFEE00-1111-4222-8333-444455556666\"",
    "InstanceID": "C0FFEE00-1111-4222-8333-444455556666",
    "ElementName": "tier-1",
    "Caption": "Virtual System Collection",
    "InstallDate": "20261122002812.123456+000"
  })"));
}

TEST(CimCollection, StartsWithClassThenPath) {
  auto o = rp::cim_collection(sample_collection());
  ASSERT_GE(o.size(), 2u);
  EXPECT_EQ(o.begin()->key(), "__CLASS");
  EXPECT_EQ(std::next(o.begin())->key(), "__PATH");
}

TEST(CimCollection, UnsetInstallDateIsNull) {
  auto c = sample_collection();
  c.created_at = 0;
  EXPECT_TRUE(rp::cim_collection(c).at("InstallDate").is_null());
}

TEST(CimCollection, PathIsTheCollectionPath) {
  EXPECT_EQ(rp::cim_collection(sample_collection()).at("__PATH"),
            json::value(rp::collection_path(collection_id)));
}

TEST(CimCollectedVirtualSystem, HasExactShapeWithEscapedAssociationPath) {
  EXPECT_EQ(json::value(rp::cim_collected_virtual_system(sample_collection(), member_b)),
            parsed(R"({
    "__CLASS": "Msvm_CollectedVirtualSystems",
    "__PATH": "Msvm_CollectedVirtualSystems.Collection=\"Msvm_VirtualSystemCollection.InstanceID=\\\"C0FFEE00-1111-4222-8333-444455556666\\\"\",Member=\"Msvm_ComputerSystem.CreationClassName=\\\"Msvm_ComputerSystem\\\",Name=\\\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\\\"\"",
    "Collection": "Msvm_VirtualSystemCollection.InstanceID=\"C0FFEE00-1111-4222-8333-444455556666\"",
    "Member": "Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\""
  })"));
}

TEST(CimCollectedVirtualSystem, PathParsesBackToBothEnds) {
  auto o = rp::cim_collected_virtual_system(sample_collection(), member_a);
  auto path = rp::parse_object_path(o.at("__PATH").as_string());
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(path.value().class_name, "Msvm_CollectedVirtualSystems");
  EXPECT_EQ(path.value().key("Collection"), rp::collection_path(collection_id));
  EXPECT_EQ(path.value().key("Member"), rp::system_path(member_a));
}

// --- CIM: Msvm_ReferencePointCollection ---------------------------------------------------

TEST(CimReferencePointCollection, HasExactShape) {
  EXPECT_EQ(json::value(rp::cim_reference_point_collection(sample_crp())), parsed(R"({
    "__CLASS": "Msvm_ReferencePointCollection",
    "__PATH": "Msvm_ReferencePointCollection.CollectionID=\"D00DFEED-AAAA-4BBB-8CCC-DDDDEEEEFFFF\"",
    "CollectionID": "D00DFEED-AAAA-4BBB-8CCC-DDDDEEEEFFFF",
    "VirtualSystemCollectionId": "C0FFEE00-1111-4222-8333-444455556666",
    "ElementName": "nightly",
    "ReferencePointType": 2,
    "ConsistencyLevel": 2,
    "HasAssociatedLog": false,
    "CreationTime": "20261122002812.123456+000"
  })"));
}

TEST(CimReferencePointCollection, ConsistencyLevelUsesTheCollectionNumbering) {
  auto p = sample_crp();
  p.consistency = rp::consistency_level::application;
  EXPECT_EQ(rp::cim_reference_point_collection(p).at("ConsistencyLevel"), 2);
  p.consistency = rp::consistency_level::crash;
  EXPECT_EQ(rp::cim_reference_point_collection(p).at("ConsistencyLevel"), 1);
}

TEST(CimReferencePointCollection, LogBasedHasAssociatedLogAndTypeOne) {
  auto p = sample_crp();
  p.kind = rp::rp_kind::log;
  auto o = rp::cim_reference_point_collection(p);
  EXPECT_EQ(o.at("ReferencePointType"), 1);
  EXPECT_EQ(o.at("HasAssociatedLog"), true);
}

TEST(CimReferencePointCollection, UnsetCreationTimeIsNull) {
  auto p = sample_crp();
  p.created_at = 0;
  EXPECT_TRUE(rp::cim_reference_point_collection(p).at("CreationTime").is_null());
}

TEST(CimCollectedReferencePoint, HasExactShapeWithEscapedAssociationPath) {
  EXPECT_EQ(json::value(rp::cim_collected_reference_point(sample_crp(), member_rp())), parsed(R"({
    "__CLASS": "Msvm_CollectedReferencePoints",
    "__PATH": "Msvm_CollectedReferencePoints.Collection=\"Msvm_ReferencePointCollection.CollectionID=\\\"D00DFEED-AAAA-4BBB-8CCC-DDDDEEEEFFFF\\\"\",Member=\"Msvm_VirtualSystemReferencePoint.InstanceID=\\\"4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16\\\",VirtualSystemIdentifier=\\\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\\\"\"",
    "Collection": "Msvm_ReferencePointCollection.CollectionID=\"D00DFEED-AAAA-4BBB-8CCC-DDDDEEEEFFFF\"",
    "Member": "Msvm_VirtualSystemReferencePoint.InstanceID=\"4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16\",VirtualSystemIdentifier=\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\""
  })"));
}

TEST(CimReferencePointOfCollection, HasExactShapeWithEscapedAssociationPath) {
  EXPECT_EQ(json::value(rp::cim_reference_point_of_collection(sample_crp())), parsed(R"({
    "__CLASS": "Msvm_ReferencePointOfVirtualSystemCollection",
    "__PATH": "Msvm_ReferencePointOfVirtualSystemCollection.Antecedent=\"Msvm_VirtualSystemCollection.InstanceID=\\\"C0FFEE00-1111-4222-8333-444455556666\\\"\",Dependent=\"Msvm_ReferencePointCollection.CollectionID=\\\"D00DFEED-AAAA-4BBB-8CCC-DDDDEEEEFFFF\\\"\"",
    "Antecedent": "Msvm_VirtualSystemCollection.InstanceID=\"C0FFEE00-1111-4222-8333-444455556666\"",
    "Dependent": "Msvm_ReferencePointCollection.CollectionID=\"D00DFEED-AAAA-4BBB-8CCC-DDDDEEEEFFFF\""
  })"));
}

// --- REST encoders --------------------------------------------------------------------------

TEST(RestCollection, HasExactShape) {
  EXPECT_EQ(json::value(rp::rest_collection(sample_collection())), parsed(R"({
    "id": "C0FFEE00-1111-4222-8333-444455556666",
    "elementName": "tier-1",
    "members": ["1A2B3C4D-0000-4000-8000-000000000001", "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80"],
    "createdAt": "2026-11-22T00:28:12.123456Z"
  })"));
}

TEST(RestCollection, EmptyCollectionHasEmptyMembersAndNoUnsetCreatedAt) {
  rp::collection_info c{std::string{collection_id}, "empty", {}, 0};
  EXPECT_EQ(json::value(rp::rest_collection(c)), parsed(R"({
    "id": "C0FFEE00-1111-4222-8333-444455556666", "elementName": "empty", "members": []
  })"));
}

TEST(RestCollectionReferencePoint, HasExactShape) {
  EXPECT_EQ(json::value(rp::rest_collection_reference_point(sample_crp())), parsed(R"({
    "id": "D00DFEED-AAAA-4BBB-8CCC-DDDDEEEEFFFF",
    "collectionId": "C0FFEE00-1111-4222-8333-444455556666",
    "elementName": "nightly",
    "type": "rct",
    "consistencyLevel": "application",
    "memberIds": ["4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16", "5ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD17"],
    "createdAt": "2026-11-22T00:28:12.123456Z",
    "jobId": "8A496B9C-AF4D-4E98-BD3C-1128CD85320D"
  })"));
}

TEST(RestCollectionReferencePoint, LogCrashSpelledInRestTermsAndUnsetCreatedAtOmitted) {
  auto p = sample_crp();
  p.kind = rp::rp_kind::log;
  p.consistency = rp::consistency_level::crash;
  p.created_at = 0;
  auto o = rp::rest_collection_reference_point(p);
  EXPECT_EQ(o.at("type"), "log");
  EXPECT_EQ(o.at("consistencyLevel"), "crash");
  EXPECT_FALSE(o.contains("createdAt"));
}

TEST(RestReferencePoint, MemberOfACollectionNamesItsCollectionReferencePoint) {
  auto o = rp::rest_reference_point(member_rp());
  EXPECT_EQ(o.at("collectionReferencePointId"), json::value(crp_id));
}

TEST(RestReferencePoint, StandaloneReferencePointHasNoCollectionReferencePointId) {
  auto p = member_rp();
  p.collection_rp_id.clear();
  EXPECT_FALSE(rp::rest_reference_point(p).contains("collectionReferencePointId"));
}

// --- decode_collection: accepted bodies ------------------------------------------------------

TEST(DecodeCollection, MinimalBodyTakesDefaults) {
  auto r = decode(R"({"elementName":"tier-1"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), (rp::collection_info{"", "tier-1", {}, 0}));
}

TEST(DecodeCollection, FullBodyIsDecoded) {
  auto r = decode(R"({"id":"C0FFEE00-1111-4222-8333-444455556666","elementName":"tier-1",
                      "members":["1A2B3C4D-0000-4000-8000-000000000001"]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), (rp::collection_info{
                         std::string{collection_id}, "tier-1", {std::string{member_a}}, 0}));
}

TEST(DecodeCollection, IdIsCanonicalizedToUpperCase) {
  auto r = decode(R"({"id":"{c0ffee00-1111-4222-8333-444455556666}","elementName":"x"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().id, collection_id);
}

TEST(DecodeCollection, MembersAreCanonicalizedAndSortedAscending) {
  auto r = decode(R"({"elementName":"x","members":[
    "9b6d3f1e-2c4a-4e8b-a1d2-3c4b5a6f7e80", "{1A2B3C4D-0000-4000-8000-000000000001}",
    "00000000-0000-0000-0000-00000000000a"]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().members,
            (std::vector<std::string>{"00000000-0000-0000-0000-00000000000A", std::string{member_a},
                                      std::string{member_b}}));
}

TEST(DecodeCollection, EmptyMembersAreAccepted) {
  auto r = decode(R"({"elementName":"x","members":[]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r.value().members.empty());
}

TEST(DecodeCollection, ElementNameOf256CharactersIsAccepted) {
  json::object body{{"elementName", std::string(256, 'n')}};
  EXPECT_TRUE(rp::decode_collection(body).ok());
}

TEST(DecodeCollection, ElementNameLimitCountsCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 256; ++i)
    name += "\xC3\xA9"; // é
  EXPECT_TRUE(rp::decode_collection(json::object{{"elementName", name}}).ok());
  expect_failure(rp::decode_collection(json::object{{"elementName", name + "\xC3\xA9"}}),
                 "elementName", {"at most 256 characters", "found 257"});
}

// --- decode_collection: refused bodies --------------------------------------------------------

TEST(DecodeCollection, BodyMustBeAnObject) {
  expect_failure(decode("[]"), "", {"must be a JSON object", "found array"});
  expect_failure(decode("null"), "", {"found null"});
}

TEST(DecodeCollection, UnknownFieldsAreNamed) {
  expect_failure(decode(R"({"elementName":"x","member":[]})"), "member",
                 {"unknown field member", "allowed: id, elementName, members"});
}

TEST(DecodeCollection, SeveralUnknownFieldsAreAllNamed) {
  expect_failure(decode(R"({"elementName":"x","a":1,"b":2})"), "a", {"unknown fields a, b"});
}

TEST(DecodeCollection, UnknownFieldsAreReportedBeforeOtherErrors) {
  expect_failure(decode(R"({"id":5,"zzz":1})"), "zzz", {"unknown field zzz"});
}

TEST(DecodeCollection, IdMustBeAGuidString) {
  expect_failure(decode(R"({"id":"tier","elementName":"x"})"), "id",
                 {"id must be a GUID", R"(found string "tier")"});
  expect_failure(decode(R"({"id":7,"elementName":"x"})"), "id",
                 {"id must be a string", "found number 7"});
  expect_failure(decode(R"({"id":null,"elementName":"x"})"), "id", {"found null"});
}

TEST(DecodeCollection, ElementNameIsRequiredNonEmptyString) {
  expect_failure(decode(R"({})"), "elementName", {"elementName is required"});
  expect_failure(decode(R"({"elementName":""})"), "elementName", {"must not be empty"});
  expect_failure(decode(R"({"elementName":1})"), "elementName", {"must be a string"});
  expect_failure(decode(R"({"elementName":null})"), "elementName", {"found null"});
}

TEST(DecodeCollection, ElementNameOf257CharactersIsRefused) {
  expect_failure(rp::decode_collection(json::object{{"elementName", std::string(257, 'n')}}),
                 "elementName", {"at most 256 characters"});
}

TEST(DecodeCollection, MembersMustBeAnArray) {
  expect_failure(decode(R"({"elementName":"x","members":"A"})"), "members",
                 {"members must be an array", "found string"});
  expect_failure(decode(R"({"elementName":"x","members":null})"), "members", {"found null"});
}

TEST(DecodeCollection, EachMemberMustBeAGuidStringNamedByIndex) {
  expect_failure(decode(R"({"elementName":"x","members":[
                   "1A2B3C4D-0000-4000-8000-000000000001", "db01"]})"),
                 "members[1]", {"members[1] must be a GUID", R"(found string "db01")"});
  expect_failure(decode(R"({"elementName":"x","members":[42]})"), "members[0]",
                 {"members[0] must be a string", "found number 42"});
  expect_failure(decode(R"({"elementName":"x","members":[null]})"), "members[0]", {"found null"});
  expect_failure(decode(R"({"elementName":"x","members":[{}]})"), "members[0]", {"found object"});
}

TEST(DecodeCollection, DuplicateMemberNamesTheLaterIndexAndTheEarlierOne) {
  expect_failure(decode(R"({"elementName":"x","members":[
                   "1A2B3C4D-0000-4000-8000-000000000001",
                   "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80",
                   "1a2b3c4d-0000-4000-8000-000000000001"]})"),
                 "members[2]",
                 {"members[2] duplicates members[0]", "1A2B3C4D-0000-4000-8000-000000000001"});
}

TEST(DecodeCollection, DuplicateInBracedSpellingIsStillADuplicate) {
  expect_failure(decode(R"({"elementName":"x","members":[
                   "{9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80}",
                   "9b6d3f1e-2c4a-4e8b-a1d2-3c4b5a6f7e80"]})"),
                 "members[1]", {"duplicates members[0]"});
}

TEST(DecodeCollection, FirstBadMemberIsReported) {
  expect_failure(decode(R"({"elementName":"x","members":["bad", 1]})"), "members[0]", {"bad"});
}
