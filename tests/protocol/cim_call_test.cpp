#include "protocol/cim_call.hpp"
#include "protocol/object_path.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
namespace json = boost::json;
using rp::consistency_level;
using rp::return_code;
using rp::rp_kind;

namespace {

constexpr const char* guid = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";
constexpr const char* lower_guid = "8a496b9c-af4d-4e98-bd3c-1128cd85320d";

json::object system_body() {
  return {{"AffectedSystem", rp::system_path(guid)},
          {"ReferencePointSettings", ""},
          {"ReferencePointType", 1}};
}

json::object collection_body() {
  return {{"Collection", std::string("Msvm_VirtualSystemCollection.InstanceID=\"") + guid + "\""},
          {"ReferencePointSettings", ""},
          {"ReferencePointType", 2}};
}

rp::system_create_call system_call(const json::value& body) {
  auto r = rp::decode_system_create_call(body);
  EXPECT_TRUE(r.ok()) << json::serialize(body) << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::system_create_call{};
}

rp::collection_create_call collection_call(const json::value& body) {
  auto r = rp::decode_collection_create_call(body);
  EXPECT_TRUE(r.ok()) << json::serialize(body) << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::collection_create_call{};
}

rp::failure system_error(const json::value& body) {
  auto r = rp::decode_system_create_call(body);
  EXPECT_FALSE(r.ok()) << json::serialize(body);
  return r.ok() ? rp::failure{} : r.error();
}

rp::failure collection_error(const json::value& body) {
  auto r = rp::decode_collection_create_call(body);
  EXPECT_FALSE(r.ok()) << json::serialize(body);
  return r.ok() ? rp::failure{} : r.error();
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

/// `body` with parameter `name` removed.
json::object without(json::object body, std::string_view name) {
  body.erase(name);
  return body;
}

/// `body` with parameter `name` set to `value`.
json::object with(json::object body, std::string_view name, json::value value) {
  body[name] = std::move(value);
  return body;
}

} // namespace

// ---- system: success -------------------------------------------------------------------

TEST(SystemCreateCall, DecodesAWellFormedCall) {
  auto call = system_call(system_body());
  EXPECT_EQ(call.system_name, guid);
  EXPECT_EQ(call.kind, rp_kind::rct);
  EXPECT_EQ(call.settings, rp::rp_settings{});
}

TEST(SystemCreateCall, TypeZeroIsLogBased) {
  EXPECT_EQ(system_call(with(system_body(), "ReferencePointType", 0)).kind, rp_kind::log);
}

TEST(SystemCreateCall, AcceptsABareGuidTarget) {
  EXPECT_EQ(system_call(with(system_body(), "AffectedSystem", lower_guid)).system_name, guid);
}

TEST(SystemCreateCall, AcceptsAPrefixedTargetPath) {
  auto path = std::string(R"(\\HV01\root\virtualization\v2:)") + rp::system_path(guid);
  EXPECT_EQ(system_call(with(system_body(), "AffectedSystem", json::string(path))).system_name,
            guid);
}

TEST(SystemCreateCall, ParameterNamesAreCaseInsensitive) {
  json::object body{{"affectedsystem", guid},
                    {"REFERENCEPOINTTYPE", 0},
                    {"referencePointSettings", R"({"ConsistencyLevel": 2})"},
                    {"resultingreferencepoint", nullptr}};
  auto call = system_call(body);
  EXPECT_EQ(call.system_name, guid);
  EXPECT_EQ(call.kind, rp_kind::log);
  EXPECT_EQ(call.settings.consistency, consistency_level::crash);
}

TEST(SystemCreateCall, MissingSettingsGiveDefaults) {
  EXPECT_EQ(system_call(without(system_body(), "ReferencePointSettings")).settings,
            rp::rp_settings{});
}

TEST(SystemCreateCall, NullSettingsGiveDefaults) {
  EXPECT_EQ(system_call(with(system_body(), "ReferencePointSettings", nullptr)).settings,
            rp::rp_settings{});
}

TEST(SystemCreateCall, DecodesSettingsWithSystemNumbering) {
  auto xml = "<INSTANCE CLASSNAME=\"Msvm_VirtualSystemReferencePointSettingData\">"
             "<PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE>2</VALUE></PROPERTY>"
             "<PROPERTY NAME=\"ElementName\" TYPE=\"string\"><VALUE>nightly</VALUE></PROPERTY>"
             "</INSTANCE>";
  auto call = system_call(with(system_body(), "ReferencePointSettings", xml));
  EXPECT_EQ(call.settings.consistency, consistency_level::crash);
  EXPECT_EQ(call.settings.element_name, "nightly");
}

TEST(SystemCreateCall, AcceptsSettingsAsAJsonObject) {
  auto settings = json::object{{"ElementName", "n"}, {"ConsistencyLevel", 1}};
  auto call = system_call(with(system_body(), "ReferencePointSettings", settings));
  EXPECT_EQ(call.settings.element_name, "n");
  EXPECT_EQ(call.settings.consistency, consistency_level::application);
}

TEST(SystemCreateCall, ResultingReferencePointMayBeNullOrAnyStringAndIsIgnored) {
  for (const json::value& v : {json::value(nullptr), json::value(""), json::value("garbage"),
                               json::value(rp::reference_point_path(guid, guid))})
    EXPECT_EQ(system_call(with(system_body(), "ResultingReferencePoint", v)).system_name, guid);
}

// ---- system: errors --------------------------------------------------------------------

TEST(SystemCreateCall, BodyThatIsNotAnObjectIsInvalidParameter) {
  for (const json::value& v :
       {json::value(nullptr), json::value(1), json::value("x"), json::value(json::array{})}) {
    auto e = system_error(v);
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_TRUE(contains(e.message, "JSON object")) << e.message;
  }
}

TEST(SystemCreateCall, UnknownParameterIsInvalidParameterNamingIt) {
  auto e = system_error(with(system_body(), "AffectedSytem", guid));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedSytem");
  EXPECT_TRUE(contains(e.message, "unknown parameter AffectedSytem")) << e.message;
}

TEST(SystemCreateCall, SeveralUnknownParametersAreAllNamedWithTheExpectedOnes) {
  auto e = system_error(with(with(system_body(), "Foo", 1), "Bar", 2));
  EXPECT_EQ(e.field, "Foo");
  EXPECT_TRUE(contains(e.message, "unknown parameters Foo, Bar")) << e.message;
  EXPECT_TRUE(contains(e.message, "expected AffectedSystem, ReferencePointSettings, "
                                  "ReferencePointType, ResultingReferencePoint"))
    << e.message;
}

TEST(SystemCreateCall, CollectionParameterIsUnknownForSystems) {
  auto e = system_error(with(system_body(), "Collection", guid));
  EXPECT_EQ(e.field, "Collection");
}

TEST(SystemCreateCall, UnknownParameterIsReportedBeforeAnyOtherProblem) {
  json::object body{{"ReferencePointType", "bad"}, {"Extra", 1}};
  EXPECT_EQ(system_error(body).field, "Extra");
}

TEST(SystemCreateCall, ParameterGivenTwiceInDifferentCaseIsInvalidParameter) {
  auto e = system_error(with(system_body(), "affectedSystem", guid));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedSystem");
  EXPECT_TRUE(contains(e.message, "more than once")) << e.message;
}

TEST(SystemCreateCall, MissingTargetIsInvalidParameter) {
  for (const auto& body :
       {without(system_body(), "AffectedSystem"), with(system_body(), "AffectedSystem", nullptr)}) {
    auto e = system_error(body);
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_EQ(e.field, "AffectedSystem");
    EXPECT_TRUE(contains(e.message, "AffectedSystem is required")) << e.message;
  }
}

TEST(SystemCreateCall, NonStringTargetIsInvalidParameter) {
  for (const json::value& v : {json::value(5), json::value(json::object{{"Name", guid}})}) {
    auto e = system_error(with(system_body(), "AffectedSystem", v));
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_EQ(e.field, "AffectedSystem");
  }
}

TEST(SystemCreateCall, EmptyTargetIsInvalidParameter) {
  auto e = system_error(with(system_body(), "AffectedSystem", ""));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedSystem");
}

TEST(SystemCreateCall, UnparsableTargetIsInvalidParameter) {
  auto e = system_error(with(system_body(), "AffectedSystem", "Msvm_ComputerSystem.Name="));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedSystem");
  EXPECT_TRUE(contains(e.message, "offset")) << e.message;
}

TEST(SystemCreateCall, TargetOfAnotherClassIsInvalidType) {
  auto e = system_error(with(system_body(), "AffectedSystem", json::string(rp::job_path(guid))));
  EXPECT_EQ(e.code, return_code::invalid_type);
  EXPECT_EQ(e.field, "AffectedSystem");
  EXPECT_TRUE(contains(e.message, "Msvm_ConcreteJob")) << e.message;
  EXPECT_TRUE(contains(e.message, "Msvm_ComputerSystem")) << e.message;
}

TEST(SystemCreateCall, TargetWithoutNameKeyIsInvalidParameter) {
  auto path = R"(Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem")";
  auto e = system_error(with(system_body(), "AffectedSystem", path));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedSystem");
}

TEST(SystemCreateCall, TargetIsCheckedBeforeType) {
  auto body = with(with(system_body(), "AffectedSystem", json::string(rp::job_path(guid))),
                   "ReferencePointType", 40000);
  EXPECT_EQ(system_error(body).field, "AffectedSystem");
}

TEST(SystemCreateCall, MissingTypeIsInvalidParameter) {
  for (const auto& body : {without(system_body(), "ReferencePointType"),
                           with(system_body(), "ReferencePointType", nullptr)}) {
    auto e = system_error(body);
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_EQ(e.field, "ReferencePointType");
    EXPECT_TRUE(contains(e.message, "required")) << e.message;
  }
}

TEST(SystemCreateCall, NonIntegerTypeIsInvalidParameter) {
  for (const json::value& v :
       {json::value("1"), json::value(1.0), json::value(true), json::value(json::array{1}),
        json::value(json::object{}), json::value(std::uint64_t{18446744073709551615u})}) {
    auto e = system_error(with(system_body(), "ReferencePointType", v));
    EXPECT_EQ(e.code, return_code::invalid_parameter) << json::serialize(v);
    EXPECT_EQ(e.field, "ReferencePointType");
  }
}

TEST(SystemCreateCall, ReservedTypeIsInvalidParameter) {
  for (std::int64_t v : {2, 100, 32767, -1, 65536}) {
    auto e = system_error(with(system_body(), "ReferencePointType", v));
    EXPECT_EQ(e.code, return_code::invalid_parameter) << v;
    EXPECT_EQ(e.field, "ReferencePointType");
    EXPECT_TRUE(contains(e.message, std::to_string(v))) << e.message;
  }
}

TEST(SystemCreateCall, VendorTypeIsNotSupported) {
  for (std::int64_t v : {32768, 65535}) {
    auto e = system_error(with(system_body(), "ReferencePointType", v));
    EXPECT_EQ(e.code, return_code::not_supported) << v;
    EXPECT_EQ(e.field, "ReferencePointType");
  }
}

TEST(SystemCreateCall, TypeIsCheckedBeforeSettings) {
  auto body = with(with(system_body(), "ReferencePointType", 40000), "ReferencePointSettings", 5);
  EXPECT_EQ(system_error(body).code, return_code::not_supported);
}

TEST(SystemCreateCall, BadSettingsAreInvalidParameter) {
  for (const json::value& v :
       {json::value(5), json::value("<INSTANCE"), json::value(R"({"ConsistencyLevel": 3})"),
        json::value("<INSTANCE CLASSNAME=\"Msvm_CollectionReferencePointSettingData\"/>")}) {
    auto e = system_error(with(system_body(), "ReferencePointSettings", v));
    EXPECT_EQ(e.code, return_code::invalid_parameter) << json::serialize(v);
    EXPECT_EQ(e.field, "ReferencePointSettings");
  }
}

TEST(SystemCreateCall, SettingsAreCheckedBeforeResultingReferencePoint) {
  auto body = with(with(system_body(), "ReferencePointSettings", 5), "ResultingReferencePoint", 5);
  EXPECT_EQ(system_error(body).field, "ReferencePointSettings");
}

TEST(SystemCreateCall, NonStringResultingReferencePointIsInvalidParameter) {
  for (const json::value& v : {json::value(1), json::value(false), json::value(json::object{})}) {
    auto e = system_error(with(system_body(), "ResultingReferencePoint", v));
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_EQ(e.field, "ResultingReferencePoint");
  }
}

// ---- collection ------------------------------------------------------------------------

TEST(CollectionCreateCall, DecodesAWellFormedCall) {
  auto call = collection_call(collection_body());
  EXPECT_EQ(call.collection_id, guid);
  EXPECT_EQ(call.kind, rp_kind::rct);
  EXPECT_EQ(call.settings, rp::rp_settings{});
}

TEST(CollectionCreateCall, TypeOneIsLogBased) {
  EXPECT_EQ(collection_call(with(collection_body(), "ReferencePointType", 1)).kind, rp_kind::log);
}

TEST(CollectionCreateCall, AcceptsABareGuidCollection) {
  EXPECT_EQ(collection_call(with(collection_body(), "Collection", lower_guid)).collection_id, guid);
}

TEST(CollectionCreateCall, UnknownTypeIsInvalidParameter) {
  auto e = collection_error(with(collection_body(), "ReferencePointType", 0));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "ReferencePointType");
}

TEST(CollectionCreateCall, UsesCollectionTypeEncoding) {
  EXPECT_EQ(collection_error(with(collection_body(), "ReferencePointType", 3)).code,
            return_code::invalid_parameter);
  EXPECT_EQ(collection_error(with(collection_body(), "ReferencePointType", 32768)).code,
            return_code::not_supported);
}

TEST(CollectionCreateCall, DecodesSettingsWithCollectionNumbering) {
  auto xml = "<INSTANCE CLASSNAME=\"Msvm_CollectionReferencePointSettingData\">"
             "<PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE>1</VALUE></PROPERTY>"
             "</INSTANCE>";
  EXPECT_EQ(
    collection_call(with(collection_body(), "ReferencePointSettings", xml)).settings.consistency,
    consistency_level::crash);
}

TEST(CollectionCreateCall, SystemSettingsClassIsInvalidParameter) {
  auto xml = "<INSTANCE CLASSNAME=\"Msvm_VirtualSystemReferencePointSettingData\"/>";
  auto e = collection_error(with(collection_body(), "ReferencePointSettings", xml));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "ReferencePointSettings");
}

TEST(CollectionCreateCall, MissingCollectionIsInvalidParameter) {
  auto e = collection_error(without(collection_body(), "Collection"));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "Collection");
}

TEST(CollectionCreateCall, SystemPathAsCollectionIsInvalidType) {
  auto e =
    collection_error(with(collection_body(), "Collection", json::string(rp::system_path(guid))));
  EXPECT_EQ(e.code, return_code::invalid_type);
  EXPECT_EQ(e.field, "Collection");
  EXPECT_TRUE(contains(e.message, "Msvm_VirtualSystemCollection")) << e.message;
}

TEST(CollectionCreateCall, AffectedSystemIsAnUnknownParameter) {
  auto e = collection_error(with(collection_body(), "AffectedSystem", guid));
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedSystem");
}

TEST(CollectionCreateCall, AcceptsResultingReferencePointCollection) {
  auto body = with(collection_body(), "ResultingReferencePointCollection", nullptr);
  EXPECT_EQ(collection_call(body).collection_id, guid);
  auto e = collection_error(with(collection_body(), "ResultingReferencePointCollection", 1));
  EXPECT_EQ(e.field, "ResultingReferencePointCollection");
  EXPECT_EQ(collection_error(with(collection_body(), "ResultingReferencePoint", nullptr)).field,
            "ResultingReferencePoint");
}
