#include "protocol/method_params.hpp"
#include "protocol/object_path.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
namespace json = boost::json;
using rp::return_code;

namespace {

constexpr const char* guid = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";

rp::failure check_error(const json::value& body) {
  auto r = rp::method_params::check(body, {"Alpha", "Beta"});
  EXPECT_FALSE(r.ok()) << json::serialize(body);
  return r.ok() ? rp::failure{} : r.error();
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST(MethodParams, FindsParametersInAnyCase) {
  json::value body = json::object{{"alpha", 1}, {"BETA", 2}};
  auto r = rp::method_params::check(body, {"Alpha", "Beta"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_NE(r.value().find("Alpha"), nullptr);
  EXPECT_EQ(*r.value().find("Alpha"), 1);
  EXPECT_EQ(*r.value().find("beta"), 2);
}

TEST(MethodParams, AbsentParameterIsNull) {
  json::value body = json::object{{"Alpha", 1}};
  auto r = rp::method_params::check(body, {"Alpha", "Beta"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().find("Beta"), nullptr);
}

TEST(MethodParams, EmptyObjectIsAccepted) {
  EXPECT_TRUE(rp::method_params::check(json::object{}, {"Alpha"}).ok());
}

TEST(MethodParams, BodyMustBeAnObject) {
  for (const json::value& body :
       {json::value(nullptr), json::value(json::array{}), json::value("Alpha"), json::value(1)}) {
    auto e = check_error(body);
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_EQ(e.field, "");
    EXPECT_TRUE(contains(e.message, "must be a JSON object")) << e.message;
  }
}

TEST(MethodParams, UnknownParameterIsNamedWithTheExpectedOnes) {
  auto e = check_error(json::object{{"Alpha", 1}, {"Gamma", 2}});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "Gamma");
  EXPECT_EQ(e.message, "unknown parameter Gamma (expected Alpha, Beta)");
}

TEST(MethodParams, SeveralUnknownParametersAreAllNamedFieldIsTheFirst) {
  auto e = check_error(json::object{{"Delta", 1}, {"Alpha", 1}, {"Gamma", 2}});
  EXPECT_EQ(e.field, "Delta");
  EXPECT_EQ(e.message, "unknown parameters Delta, Gamma (expected Alpha, Beta)");
}

TEST(MethodParams, RepeatedParameterIsNamedAsSpeltInKnown) {
  auto e = check_error(json::object{{"alpha", 1}, {"ALPHA", 2}});
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "Alpha");
  EXPECT_EQ(e.message, "parameter Alpha is given more than once");
}

TEST(MethodParams, UnknownParametersAreReportedBeforeRepeatedOnes) {
  EXPECT_EQ(check_error(json::object{{"alpha", 1}, {"ALPHA", 2}, {"Gamma", 3}}).field, "Gamma");
}

TEST(DecodeReferenceParam, ResolvesAPathOrABareGuid) {
  json::value path(rp::system_path(guid));
  auto r = rp::decode_reference_param(&path, "AffectedSystem", "Msvm_ComputerSystem", "Name");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), guid);
  json::value bare = "8a496b9c-af4d-4e98-bd3c-1128cd85320d";
  EXPECT_EQ(rp::decode_reference_param(&bare, "P", "Msvm_ComputerSystem", "Name").value(), guid);
}

TEST(DecodeReferenceParam, AbsentOrNullIsRequired) {
  const json::value null_value = nullptr;
  for (const json::value* v : {static_cast<const json::value*>(nullptr), &null_value}) {
    auto r = rp::decode_reference_param(v, "P", "C", "K");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, return_code::invalid_parameter);
    EXPECT_EQ(r.error().field, "P");
    EXPECT_EQ(r.error().message, "P is required");
  }
}

TEST(DecodeReferenceParam, NonStringIsInvalidParameterShowingTheValue) {
  json::value v = json::array{1};
  auto r = rp::decode_reference_param(&v, "P", "C", "K");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, return_code::invalid_parameter);
  EXPECT_EQ(r.error().field, "P");
  EXPECT_EQ(r.error().message, "P must be a string (an object path or a GUID), not [1]");
}

TEST(DecodeReferenceParam, PathOfAnotherClassIsInvalidType) {
  json::value v(rp::job_path(guid));
  auto r = rp::decode_reference_param(&v, "P", "Msvm_ComputerSystem", "Name");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, return_code::invalid_type);
  EXPECT_EQ(r.error().field, "P");
}
