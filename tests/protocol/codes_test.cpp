#include "protocol/codes.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
using rp::return_code;

TEST(SystemReferencePointType, ZeroIsLogAndOneIsRct) {
  EXPECT_EQ(rp::decode_system_rp_type(0).kind, rp::rp_kind::log);
  EXPECT_EQ(rp::decode_system_rp_type(1).kind, rp::rp_kind::rct);
}

TEST(SystemReferencePointType, ReservedRangeIsInvalidParameter) {
  for (std::int64_t v : {2, 3, 100, 32767}) {
    auto d = rp::decode_system_rp_type(v);
    EXPECT_FALSE(d.kind) << v;
    EXPECT_EQ(d.code, return_code::invalid_parameter) << v;
    EXPECT_NE(d.message.find("reserved"), std::string::npos) << d.message;
  }
}

TEST(SystemReferencePointType, VendorRangeIsNotSupported) {
  for (std::int64_t v : {32768, 40000, 65535}) {
    auto d = rp::decode_system_rp_type(v);
    EXPECT_FALSE(d.kind);
    EXPECT_EQ(d.code, return_code::not_supported) << v;
  }
}

TEST(SystemReferencePointType, OutOfUint16IsInvalidParameter) {
  for (std::int64_t v : {std::int64_t{-1}, std::int64_t{65536}, std::int64_t{1} << 40}) {
    auto d = rp::decode_system_rp_type(v);
    EXPECT_FALSE(d.kind);
    EXPECT_EQ(d.code, return_code::invalid_parameter) << v;
  }
}

TEST(CollectionReferencePointType, UnknownIsInvalidParameter) {
  auto d = rp::decode_collection_rp_type(0);
  EXPECT_FALSE(d.kind);
  EXPECT_EQ(d.code, return_code::invalid_parameter);
}

TEST(CollectionReferencePointType, OneIsLogTwoIsRct) {
  EXPECT_EQ(rp::decode_collection_rp_type(1).kind, rp::rp_kind::log);
  EXPECT_EQ(rp::decode_collection_rp_type(2).kind, rp::rp_kind::rct);
}

TEST(CollectionReferencePointType, RangesMatchDesign) {
  EXPECT_EQ(rp::decode_collection_rp_type(3).code, return_code::invalid_parameter);
  EXPECT_EQ(rp::decode_collection_rp_type(32767).code, return_code::invalid_parameter);
  EXPECT_EQ(rp::decode_collection_rp_type(32768).code, return_code::not_supported);
  EXPECT_EQ(rp::decode_collection_rp_type(65535).code, return_code::not_supported);
  EXPECT_EQ(rp::decode_collection_rp_type(65536).code, return_code::invalid_parameter);
  EXPECT_EQ(rp::decode_collection_rp_type(-5).code, return_code::invalid_parameter);
}

TEST(ReferencePointTypeProperty, UsesCollectionNumbering) {
  EXPECT_EQ(rp::rp_type_property(rp::rp_kind::log), 1);
  EXPECT_EQ(rp::rp_type_property(rp::rp_kind::rct), 2);
}

TEST(ConsistencyLevel, CollectionClassSwapsNumbering) {
  EXPECT_EQ(static_cast<int>(rp::consistency_level::application), 1);
  EXPECT_EQ(static_cast<int>(rp::consistency_level::crash), 2);
  EXPECT_EQ(rp::collection_consistency_value(rp::consistency_level::crash), 1);
  EXPECT_EQ(rp::collection_consistency_value(rp::consistency_level::application), 2);
}

TEST(JobState, TerminalStates) {
  EXPECT_FALSE(rp::is_terminal(rp::job_state::running));
  EXPECT_FALSE(rp::is_terminal(rp::job_state::shutting_down));
  for (auto s : {rp::job_state::completed, rp::job_state::terminated, rp::job_state::killed,
                 rp::job_state::exception})
    EXPECT_TRUE(rp::is_terminal(s));
}

TEST(JobState, RestSpellingRoundTrips) {
  for (auto s : {rp::job_state::running, rp::job_state::shutting_down, rp::job_state::completed,
                 rp::job_state::terminated, rp::job_state::killed, rp::job_state::exception})
    EXPECT_EQ(rp::parse_job_state(rp::to_string(s)), s);
  EXPECT_FALSE(rp::parse_job_state("Running"));
}

TEST(Codes, NumericValuesMatchCim) {
  EXPECT_EQ(static_cast<int>(return_code::job_started), 4096);
  EXPECT_EQ(static_cast<int>(return_code::invalid_state_transition), 4097);
  EXPECT_EQ(static_cast<int>(rp::job_type::create_reference_point), 201);
  EXPECT_EQ(static_cast<int>(rp::job_type::create_collection_reference_point), 205);
  EXPECT_EQ(static_cast<int>(rp::element_effects::create), 5);
  EXPECT_EQ(static_cast<int>(rp::job_state::exception), 10);
}

TEST(Kinds, RestSpellings) {
  EXPECT_EQ(rp::parse_rp_kind("rct"), rp::rp_kind::rct);
  EXPECT_EQ(rp::parse_rp_kind("log"), rp::rp_kind::log);
  EXPECT_FALSE(rp::parse_rp_kind("RCT"));
  EXPECT_EQ(rp::parse_consistency_level("crash"), rp::consistency_level::crash);
  EXPECT_FALSE(rp::parse_consistency_level("2"));
}
