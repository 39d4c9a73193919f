#include "protocol/destroy_call.hpp"
#include "protocol/object_path.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
namespace json = boost::json;
using rp::hyperv_return_code;
using rp::return_code;

namespace {

constexpr const char* guid = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";
constexpr const char* lower_guid = "8a496b9c-af4d-4e98-bd3c-1128cd85320d";
constexpr const char* system_name = "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80";

std::string system_rp(const json::value& body) {
  auto r = rp::decode_destroy_system_rp_call(body);
  EXPECT_TRUE(r.ok()) << json::serialize(body) << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : std::string{};
}

std::string collection_rp(const json::value& body) {
  auto r = rp::decode_destroy_collection_rp_call(body);
  EXPECT_TRUE(r.ok()) << json::serialize(body) << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : std::string{};
}

rp::failure system_error(const json::value& body) {
  auto r = rp::decode_destroy_system_rp_call(body);
  EXPECT_FALSE(r.ok()) << json::serialize(body);
  return r.ok() ? rp::failure{} : r.error();
}

rp::failure collection_error(const json::value& body) {
  auto r = rp::decode_destroy_collection_rp_call(body);
  EXPECT_FALSE(r.ok()) << json::serialize(body);
  return r.ok() ? rp::failure{} : r.error();
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace

// ---- to_hyperv -------------------------------------------------------------------------

TEST(ToHyperv, MapsEveryDmtfCodeOntoTheHypervFamily) {
  EXPECT_EQ(rp::to_hyperv(return_code::completed), hyperv_return_code::completed);
  EXPECT_EQ(rp::to_hyperv(return_code::not_supported), hyperv_return_code::not_supported);
  EXPECT_EQ(rp::to_hyperv(return_code::failed), hyperv_return_code::failed);
  EXPECT_EQ(rp::to_hyperv(return_code::timeout), hyperv_return_code::timeout);
  EXPECT_EQ(rp::to_hyperv(return_code::invalid_parameter), hyperv_return_code::invalid_parameter);
  EXPECT_EQ(rp::to_hyperv(return_code::invalid_state), hyperv_return_code::invalid_state);
  EXPECT_EQ(rp::to_hyperv(return_code::invalid_type), hyperv_return_code::incorrect_data_type);
  EXPECT_EQ(rp::to_hyperv(return_code::job_started), hyperv_return_code::job_started);
  EXPECT_EQ(rp::to_hyperv(return_code::invalid_state_transition),
            hyperv_return_code::invalid_state);
}

TEST(ToHyperv, NumbersAreHypervs) {
  auto n = [](return_code c) { return static_cast<std::uint32_t>(rp::to_hyperv(c)); };
  EXPECT_EQ(n(return_code::completed), 0u);
  EXPECT_EQ(n(return_code::not_supported), 32770u);
  EXPECT_EQ(n(return_code::failed), 32768u);
  EXPECT_EQ(n(return_code::timeout), 32772u);
  EXPECT_EQ(n(return_code::invalid_parameter), 32773u);
  EXPECT_EQ(n(return_code::invalid_state), 32775u);
  EXPECT_EQ(n(return_code::invalid_type), 32776u);
  EXPECT_EQ(n(return_code::job_started), 4096u);
}

TEST(ToHyperv, ValueOutsideTheEnumerationIsFailed) {
  EXPECT_EQ(rp::to_hyperv(static_cast<return_code>(99)), hyperv_return_code::failed);
}

TEST(HypervReturnCode, EnumeratorsHaveHypervNumbers) {
  EXPECT_EQ(static_cast<std::uint32_t>(hyperv_return_code::access_denied), 32769u);
  EXPECT_EQ(static_cast<std::uint32_t>(hyperv_return_code::status_unknown), 32771u);
  EXPECT_EQ(static_cast<std::uint32_t>(hyperv_return_code::system_in_use), 32774u);
  EXPECT_EQ(static_cast<std::uint32_t>(hyperv_return_code::system_not_available), 32777u);
  EXPECT_EQ(static_cast<std::uint32_t>(hyperv_return_code::out_of_memory), 32778u);
  EXPECT_EQ(static_cast<std::uint32_t>(hyperv_return_code::file_not_found), 32779u);
}

// ---- system reference point: accepted ----------------------------------------------------

TEST(DestroySystemRpCall, GivesTheInstanceIdOfAFullPath) {
  EXPECT_EQ(system_rp(json::object{
              {"AffectedReferencePoint", rp::reference_point_path(guid, system_name)}}),
            guid);
}

TEST(DestroySystemRpCall, AcceptsAPrefixedPathWithKeysInAnyOrderAndCase) {
  auto path = std::string(R"(\\HOST\root\virtualization\v2:msvm_virtualsystemreferencepoint.)") +
              R"(virtualsystemidentifier=")" + system_name + R"(",instanceid=")" + lower_guid +
              "\"";
  EXPECT_EQ(system_rp(json::object{{"AffectedReferencePoint", path}}), guid);
}

TEST(DestroySystemRpCall, AcceptsABareGuidInAnyCase) {
  EXPECT_EQ(system_rp(json::object{{"AffectedReferencePoint", lower_guid}}), guid);
}

TEST(DestroySystemRpCall, ParameterNameIsCaseInsensitive) {
  EXPECT_EQ(system_rp(json::object{{"affectedreferencepoint", guid}}), guid);
}

// ---- system reference point: refused -----------------------------------------------------

TEST(DestroySystemRpCall, BodyMustBeAnObject) {
  auto e = system_error(json::array{guid});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "");
}

TEST(DestroySystemRpCall, MissingOrNullReferenceIsInvalidParameter) {
  for (const auto& body : {json::object{}, json::object{{"AffectedReferencePoint", nullptr}}}) {
    auto e = system_error(body);
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_EQ(e.field, "AffectedReferencePoint");
    EXPECT_TRUE(contains(e.message, "AffectedReferencePoint is required")) << e.message;
  }
}

TEST(DestroySystemRpCall, NonStringReferenceIsInvalidParameter) {
  for (const json::value& v : {json::value(1), json::value(true), json::value(json::object{})}) {
    auto e = system_error(json::object{{"AffectedReferencePoint", v}});
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_EQ(e.field, "AffectedReferencePoint");
    EXPECT_TRUE(contains(e.message, "must be a string")) << e.message;
  }
}

TEST(DestroySystemRpCall, EmptyOrUnparsableReferenceIsInvalidParameter) {
  for (const char* text :
       {"", "   ", "not a path", "Msvm_VirtualSystemReferencePoint.InstanceID="}) {
    auto e = system_error(json::object{{"AffectedReferencePoint", text}});
    EXPECT_EQ(e.code, return_code::invalid_parameter) << text;
    EXPECT_EQ(e.field, "AffectedReferencePoint") << text;
  }
}

TEST(DestroySystemRpCall, PathWithoutInstanceIdIsInvalidParameter) {
  auto e = system_error(
    json::object{{"AffectedReferencePoint",
                  std::string("Msvm_VirtualSystemReferencePoint.VirtualSystemIdentifier=\"") +
                    system_name + "\""}});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_TRUE(contains(e.message, "has no InstanceID key")) << e.message;
}

TEST(DestroySystemRpCall, PathOfAnotherClassIsInvalidType) {
  for (const auto& path : {rp::system_path(system_name), rp::collection_reference_point_path(guid),
                           rp::job_path(guid)}) {
    auto e = system_error(json::object{{"AffectedReferencePoint", path}});
    EXPECT_EQ(e.code, return_code::invalid_type) << path;
    EXPECT_EQ(e.field, "AffectedReferencePoint");
    EXPECT_TRUE(contains(e.message, "expected a Msvm_VirtualSystemReferencePoint")) << e.message;
  }
}

TEST(DestroySystemRpCall, InvalidTypeBecomesIncorrectDataTypeForHyperv) {
  auto e = system_error(json::object{{"AffectedReferencePoint", rp::system_path(system_name)}});
  EXPECT_EQ(static_cast<std::uint32_t>(rp::to_hyperv(e.code)), 32776u);
}

TEST(DestroySystemRpCall, UnknownParameterIsNamed) {
  auto e = system_error(json::object{{"AffectedReferencePoint", guid}, {"Force", true}});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "Force");
  EXPECT_TRUE(contains(e.message, "unknown parameter Force")) << e.message;
}

TEST(DestroySystemRpCall, CollectionParameterIsUnknownHere) {
  auto e = system_error(json::object{{"AffectedReferencePointCollection", guid}});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedReferencePointCollection");
}

TEST(DestroySystemRpCall, ParameterGivenTwiceInDifferentCaseIsRefused) {
  auto e =
    system_error(json::object{{"AffectedReferencePoint", guid}, {"affectedReferencePoint", guid}});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedReferencePoint");
  EXPECT_TRUE(contains(e.message, "more than once")) << e.message;
}

// ---- collection reference point --------------------------------------------------------------

TEST(DestroyCollectionRpCall, GivesTheCollectionIdOfAFullPath) {
  EXPECT_EQ(collection_rp(json::object{{"AffectedReferencePointCollection",
                                        rp::collection_reference_point_path(lower_guid)}}),
            guid);
}

TEST(DestroyCollectionRpCall, AcceptsABareGuid) {
  EXPECT_EQ(collection_rp(json::object{{"AffectedReferencePointCollection", lower_guid}}), guid);
}

TEST(DestroyCollectionRpCall, KeepsANonGuidKeyAsWritten) {
  EXPECT_EQ(collection_rp(json::object{{"AffectedReferencePointCollection",
                                        "Msvm_ReferencePointCollection.CollectionID=\"abc\""}}),
            "abc");
}

TEST(DestroyCollectionRpCall, MissingReferenceIsInvalidParameter) {
  auto e = collection_error(json::object{});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedReferencePointCollection");
  EXPECT_TRUE(contains(e.message, "is required")) << e.message;
}

TEST(DestroyCollectionRpCall, PathOfAnotherClassIsInvalidType) {
  for (const auto& path :
       {rp::reference_point_path(guid, system_name), rp::collection_path(guid)}) {
    auto e = collection_error(json::object{{"AffectedReferencePointCollection", path}});
    EXPECT_EQ(e.code, return_code::invalid_type) << path;
    EXPECT_EQ(e.field, "AffectedReferencePointCollection");
  }
}

TEST(DestroyCollectionRpCall, PathWithoutCollectionIdIsInvalidParameter) {
  auto e = collection_error(
    json::object{{"AffectedReferencePointCollection", "Msvm_ReferencePointCollection.X=\"1\""}});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_TRUE(contains(e.message, "has no CollectionID key")) << e.message;
}

TEST(DestroyCollectionRpCall, SystemParameterIsUnknownHere) {
  auto e = collection_error(json::object{{"AffectedReferencePoint", guid}});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedReferencePoint");
  EXPECT_TRUE(contains(e.message, "unknown parameter AffectedReferencePoint")) << e.message;
}
