#include "protocol/job_call.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
namespace json = boost::json;
using rp::return_code;

namespace {

constexpr std::int64_t second = 1'000'000;

rp::state_change_call call(const json::value& body) {
  auto r = rp::decode_request_state_change(body);
  EXPECT_TRUE(r.ok()) << json::serialize(body) << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::state_change_call{};
}

rp::failure error(const json::value& body) {
  auto r = rp::decode_request_state_change(body);
  EXPECT_FALSE(r.ok()) << json::serialize(body);
  return r.ok() ? rp::failure{} : r.error();
}

/// Expects an Invalid Parameter failure blaming `field` whose message contains `part`.
void expect_invalid(const json::value& body, std::string_view field, std::string_view part) {
  auto e = error(body);
  EXPECT_EQ(e.code, return_code::invalid_parameter) << json::serialize(body);
  EXPECT_EQ(e.field, field) << json::serialize(body);
  EXPECT_NE(e.message.find(part), std::string::npos) << e.message << "\nmissing: " << part;
}

} // namespace

// ---- accepted --------------------------------------------------------------------------

TEST(RequestStateChangeCall, TerminateWithoutTimeout) {
  EXPECT_EQ(call(json::object{{"RequestedState", 4}}), (rp::state_change_call{4, std::nullopt}));
}

TEST(RequestStateChangeCall, KillWithNullTimeout) {
  EXPECT_EQ(call(json::object{{"RequestedState", 5}, {"TimeoutPeriod", nullptr}}),
            (rp::state_change_call{5, std::nullopt}));
}

TEST(RequestStateChangeCall, TimeoutIsACimIntervalInMicroseconds) {
  auto c =
    call(json::object{{"RequestedState", 4}, {"TimeoutPeriod", "00000001020304.000005:000"}});
  EXPECT_EQ(c.timeout_us, ((24 + 2) * 3600 + 3 * 60 + 4) * second + 5);
}

TEST(RequestStateChangeCall, ZeroTimeoutMeansNoTimeRequirement) {
  auto c =
    call(json::object{{"RequestedState", 4}, {"TimeoutPeriod", "00000000000000.000000:000"}});
  EXPECT_EQ(c.timeout_us, std::nullopt);
}

TEST(RequestStateChangeCall, ParameterNamesAreCaseInsensitive) {
  auto c =
    call(json::object{{"requestedstate", 5}, {"TIMEOUTPERIOD", "00000000000010.000000:000"}});
  EXPECT_EQ(c, (rp::state_change_call{5, 10 * second}));
}

TEST(RequestStateChangeCall, AnyUint16StateIsDecodedForTheJobToJudge) {
  for (std::int64_t state : {0, 2, 3, 6, 32767, 32768, 65535})
    EXPECT_EQ(call(json::object{{"RequestedState", state}}).requested_state, state);
}

// ---- refused ---------------------------------------------------------------------------

TEST(RequestStateChangeCall, BodyMustBeAnObject) {
  for (const json::value& body :
       {json::value(nullptr), json::value(4), json::value("x"), json::value(json::array{4})})
    expect_invalid(body, "", "must be a JSON object");
}

TEST(RequestStateChangeCall, RequestedStateIsRequired) {
  expect_invalid(json::object{}, "RequestedState", "RequestedState is required");
  expect_invalid(json::object{{"RequestedState", nullptr}}, "RequestedState", "is required");
  expect_invalid(json::object{{"TimeoutPeriod", nullptr}}, "RequestedState", "is required");
}

TEST(RequestStateChangeCall, RequestedStateMustBeAnInteger) {
  for (const json::value& v :
       {json::value(4.0), json::value(4.5), json::value("4"), json::value(true),
        json::value(json::array{4}), json::value(json::object{})})
    expect_invalid(json::object{{"RequestedState", v}}, "RequestedState", "must be an integer");
}

TEST(RequestStateChangeCall, RequestedStateOutsideUint16IsRefused) {
  for (const json::value& v :
       {json::value(-1), json::value(65536), json::value(std::int64_t{1} << 40),
        json::value(std::numeric_limits<std::int64_t>::min()),
        json::value(std::numeric_limits<std::uint64_t>::max())})
    expect_invalid(json::object{{"RequestedState", v}}, "RequestedState", "is not a uint16 value");
}

TEST(RequestStateChangeCall, OutOfRangeMessageShowsTheValue) {
  expect_invalid(json::object{{"RequestedState", 70000}}, "RequestedState",
                 "RequestedState 70000 is not a uint16 value");
}

TEST(RequestStateChangeCall, TimeoutMustBeACimInterval) {
  for (const json::value& v :
       {json::value("10"), json::value(""), json::value("20261122002812.123456+000"),
        json::value("00000000000000.000000:001"), json::value("00000000240000.000000:000"),
        json::value(" 00000000000010.000000:000"), json::value(10), json::value(1.5),
        json::value(false), json::value(json::array{})})
    expect_invalid(json::object{{"RequestedState", 4}, {"TimeoutPeriod", v}}, "TimeoutPeriod",
                   "must be null or a CIM interval");
}

TEST(RequestStateChangeCall, TimeoutMessageShowsWhatWasSent) {
  expect_invalid(json::object{{"RequestedState", 4}, {"TimeoutPeriod", "soon"}}, "TimeoutPeriod",
                 R"(not "soon")");
}

TEST(RequestStateChangeCall, UnknownParameterIsNamed) {
  expect_invalid(json::object{{"RequestedState", 4}, {"Timeout", "x"}}, "Timeout",
                 "unknown parameter Timeout");
}

TEST(RequestStateChangeCall, SeveralUnknownParametersAreAllNamed) {
  auto e = error(json::object{{"RequestedState", 4}, {"A", 1}, {"B", 2}});
  EXPECT_EQ(e.field, "A");
  EXPECT_NE(e.message.find("unknown parameters A, B"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("expected RequestedState, TimeoutPeriod"), std::string::npos)
    << e.message;
}

TEST(RequestStateChangeCall, UnknownParameterIsReportedBeforeOtherProblems) {
  EXPECT_EQ(error(json::object{{"RequestedState", "bad"}, {"Extra", 1}}).field, "Extra");
}

TEST(RequestStateChangeCall, ParameterGivenTwiceInDifferentCaseIsRefused) {
  expect_invalid(json::object{{"RequestedState", 4}, {"requestedState", 5}}, "RequestedState",
                 "given more than once");
}

TEST(RequestStateChangeCall, StateIsCheckedBeforeTimeout) {
  EXPECT_EQ(error(json::object{{"RequestedState", -1}, {"TimeoutPeriod", 5}}).field,
            "RequestedState");
}
