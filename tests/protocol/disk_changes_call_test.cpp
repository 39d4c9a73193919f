#include "expect_failure.hpp"
#include "protocol/disk_changes_call.hpp"
#include "protocol/guid.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace rp = refpoint::protocol;
namespace json = boost::json;
using rp::testing::expect_failure;
using query = std::vector<std::pair<std::string, std::string>>;

namespace {

constexpr const char* guid = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";
constexpr const char* rct_id = "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d:00000002";

/// A valid call body; tests change or remove one parameter.
json::object valid_body() {
  return json::object{
    {"Path", "vm1/disk0.vhdx"}, {"LimitId", rct_id}, {"ByteOffset", 0}, {"ByteLength", 65536}};
}

json::object with(std::string_view name, json::value v) {
  auto body = valid_body();
  body[name] = std::move(v);
  return body;
}

json::object without(std::string_view name) {
  auto body = valid_body();
  body.erase(name);
  return body;
}

rp::disk_changes_call call(const json::value& body) {
  auto r = rp::decode_disk_changes_call(body);
  EXPECT_TRUE(r.ok()) << json::serialize(body) << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::disk_changes_call{};
}

rp::changes_query changes(const query& q) {
  auto r = rp::decode_changes_query(q);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::changes_query{};
}

constexpr const char* uint64_rule =
  " must be a non-negative integer or a string of decimal digits, at most "
  "18446744073709551615, found ";

} // namespace

// ---- is_rct_id ------------------------------------------------------------------------------

TEST(IsRctId, AcceptsWhatMakeRctIdWrites) {
  EXPECT_TRUE(rp::is_rct_id(rct_id));
  for (std::uint32_t counter : {0U, 1U, 0xABCDEFU, 0xFFFFFFFFU}) {
    auto id = rp::make_rct_id(rp::new_guid(), counter);
    EXPECT_TRUE(rp::is_rct_id(id)) << id;
  }
  EXPECT_TRUE(rp::is_rct_id(rp::make_rct_id(std::string("{") + guid + "}", 7)));
}

TEST(IsRctId, AcceptsEitherCase) {
  EXPECT_TRUE(rp::is_rct_id("RCTX:8A496B9C:AF4D:4E98:BD3C:1128CD85320D:0000000A"));
  EXPECT_TRUE(rp::is_rct_id("rctx:8a496B9C:aF4d:4e98:bd3c:1128CD85320d:0000000a"));
}

TEST(IsRctId, RefusesAnythingElse) {
  for (const char* text : {
         "",
         "rctX:",
         "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d",           // no counter
         "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d:",          // empty counter
         "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d:0000002",   // short counter
         "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d:000000002", // long counter
         "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d:00000002:", // trailing separator
         "rctX:8a496b9c-af4d-4e98-bd3c-1128cd85320d:00000002",  // GUID dashes
         "rctX:{8a496b9c:af4d:4e98:bd3c:1128cd85320d}:00000002",
         "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320g:00000002", // not hex
         "rctX:8a496b9:caf4d:4e98:bd3c:1128cd85320d:00000002", // groups shifted
         "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d:0000000x",
         "rctY:8a496b9c:af4d:4e98:bd3c:1128cd85320d:00000002",
         "rct:8a496b9c:af4d:4e98:bd3c:1128cd85320d:00000002",
         " rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d:00000002",
         "rctX:8a496b9c:af4d:4e98:bd3c:1128cd85320d:00000002 ",
         "8A496B9C-AF4D-4E98-BD3C-1128CD85320D",
       })
    EXPECT_FALSE(rp::is_rct_id(text)) << text;
}

// ---- decode_disk_changes_call: accepted -------------------------------------------------------

TEST(DiskChangesCall, DecodesAllParameters) {
  EXPECT_EQ(call(valid_body()), (rp::disk_changes_call{"vm1/disk0.vhdx", rct_id, 0, 65536}));
}

TEST(DiskChangesCall, KeepsPathAndLimitIdAsWritten) {
  auto upper = "RCTX:8A496B9C:AF4D:4E98:BD3C:1128CD85320D:00000002";
  auto c = call(json::object{
    {"Path", "/srv/images/a b.vhdx"}, {"LimitId", upper}, {"ByteOffset", 1}, {"ByteLength", 2}});
  EXPECT_EQ(c, (rp::disk_changes_call{"/srv/images/a b.vhdx", upper, 1, 2}));
}

TEST(DiskChangesCall, ParameterNamesAreCaseInsensitive) {
  auto c = call(json::object{{"path", "d.vhdx"},
                             {"LIMITID", rct_id},
                             {"targetsnapshotid", ""},
                             {"byteoffset", 4096},
                             {"BYTELENGTH", "8192"}});
  EXPECT_EQ(c, (rp::disk_changes_call{"d.vhdx", rct_id, 4096, 8192}));
}

TEST(DiskChangesCall, TargetSnapshotIdMayBeAbsentNullOrEmpty) {
  EXPECT_EQ(call(with("TargetSnapshotId", nullptr)), call(valid_body()));
  EXPECT_EQ(call(with("TargetSnapshotId", "")), call(valid_body()));
}

TEST(DiskChangesCall, NumbersMayBeDecimalStrings) {
  auto c = call(with("ByteOffset", "123456789012"));
  EXPECT_EQ(c.byte_offset, 123456789012U);
  EXPECT_EQ(call(with("ByteOffset", "0")).byte_offset, 0U);
  EXPECT_EQ(call(with("ByteLength", "0001")).byte_length, 1U);
}

TEST(DiskChangesCall, LargestUint64IsAcceptedAsStringOrNumber) {
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(call(with("ByteOffset", "18446744073709551615")).byte_offset, max);
  EXPECT_EQ(call(with("ByteLength", "18446744073709551615")).byte_length, max);
  auto parsed = json::parse(R"({"Path": "d", "LimitId": ")" + std::string(rct_id) +
                            R"(", "ByteOffset": 18446744073709551615,
                                  "ByteLength": 18446744073709551615})");
  auto c = call(parsed);
  EXPECT_EQ(c.byte_offset, max);
  EXPECT_EQ(c.byte_length, max);
}

// ---- decode_disk_changes_call: refused --------------------------------------------------------

TEST(DiskChangesCall, BodyMustBeAnObject) {
  for (const json::value& body :
       {json::value(json::array{}), json::value(nullptr), json::value("Path"), json::value(1)})
    expect_failure(rp::decode_disk_changes_call(body), "", {"must be a JSON object"});
}

TEST(DiskChangesCall, UnknownParameterIsNamedWithTheExpectedOnes) {
  expect_failure(rp::decode_disk_changes_call(with("Offset", 0)), "Offset",
                 {"unknown parameter Offset (expected Path, LimitId, TargetSnapshotId, "
                  "ByteOffset, ByteLength)"});
}

TEST(DiskChangesCall, ParameterGivenTwiceInDifferentCaseIsRefused) {
  expect_failure(rp::decode_disk_changes_call(with("byteLength", 1)), "ByteLength",
                 {"parameter ByteLength is given more than once"});
}

TEST(DiskChangesCall, PathIsRequired) {
  expect_failure(rp::decode_disk_changes_call(without("Path")), "Path", {"Path is required"});
  expect_failure(rp::decode_disk_changes_call(with("Path", nullptr)), "Path", {"Path is required"});
}

TEST(DiskChangesCall, PathMustBeANonEmptyString) {
  expect_failure(rp::decode_disk_changes_call(with("Path", "")), "Path",
                 {"Path must be a non-empty string, not \"\""});
  for (const json::value& v : {json::value(5), json::value(true), json::value(json::array{"a"})})
    expect_failure(rp::decode_disk_changes_call(with("Path", v)), "Path",
                   {"Path must be a non-empty string, not " + json::serialize(v)});
}

TEST(DiskChangesCall, LimitIdIsRequired) {
  expect_failure(rp::decode_disk_changes_call(without("LimitId")), "LimitId",
                 {"LimitId is required"});
  expect_failure(rp::decode_disk_changes_call(with("LimitId", nullptr)), "LimitId",
                 {"LimitId is required"});
}

TEST(DiskChangesCall, LimitIdMustBeAnRctId) {
  for (const json::value& v :
       {json::value(""), json::value(guid), json::value("rctX:1"), json::value(2)})
    expect_failure(rp::decode_disk_changes_call(with("LimitId", v)), "LimitId",
                   {"LimitId must be an RCT ID", "found " + json::serialize(v)});
}

TEST(DiskChangesCall, TargetSnapshotIsNotSupported) {
  for (const json::value& v :
       {json::value("snap-1"), json::value(guid), json::value(0), json::value(json::object{})}) {
    auto r = rp::decode_disk_changes_call(with("TargetSnapshotId", v));
    ASSERT_FALSE(r.ok()) << json::serialize(v);
    EXPECT_EQ(r.error().code, rp::return_code::not_supported);
    EXPECT_EQ(r.error().field, "TargetSnapshotId");
    EXPECT_NE(r.error().message.find("TargetSnapshotId is not supported"), std::string::npos)
      << r.error().message;
  }
}

TEST(DiskChangesCall, ByteOffsetAndByteLengthAreRequired) {
  for (const char* name : {"ByteOffset", "ByteLength"}) {
    expect_failure(rp::decode_disk_changes_call(without(name)), name,
                   {std::string(name) + " is required"});
    expect_failure(rp::decode_disk_changes_call(with(name, nullptr)), name,
                   {std::string(name) + " is required"});
  }
}

TEST(DiskChangesCall, NumbersMustBeNonNegativeIntegersOrDigitStrings) {
  for (const char* name : {"ByteOffset", "ByteLength"})
    for (const json::value& v :
         {json::value(-1), json::value(std::numeric_limits<std::int64_t>::min()), json::value(1.5),
          json::value(1.0), json::value(1e3), json::value(true), json::value(json::array{1}),
          json::value(json::object{}), json::value(""), json::value("-1"), json::value("+1"),
          json::value(" 1"), json::value("1 "), json::value("1.0"), json::value("1e3"),
          json::value("0x10"), json::value("ten"), json::value("18446744073709551616"),
          json::value("99999999999999999999999")})
      expect_failure(rp::decode_disk_changes_call(with(name, v)), name,
                     {std::string(name) + uint64_rule + json::serialize(v)});
}

TEST(DiskChangesCall, NumberBeyond64BitsIsRefused) {
  auto parsed = json::parse(R"({"Path": "d", "LimitId": ")" + std::string(rct_id) +
                            R"(", "ByteOffset": 18446744073709551616, "ByteLength": 1})");
  expect_failure(rp::decode_disk_changes_call(parsed), "ByteOffset",
                 {std::string("ByteOffset") + uint64_rule});
}

TEST(DiskChangesCall, ByteLengthMustBeGreaterThanZero) {
  for (const json::value& v : {json::value(0), json::value("0"), json::value("000")})
    expect_failure(rp::decode_disk_changes_call(with("ByteLength", v)), "ByteLength",
                   {"ByteLength must be greater than 0"});
}

TEST(DiskChangesCall, ChecksComeInTheDocumentedOrder) {
  auto body = json::object{{"Path", ""},       {"LimitId", "x"},  {"TargetSnapshotId", "s"},
                           {"ByteOffset", -1}, {"ByteLength", 0}, {"Extra", 1}};
  auto next = [&](std::string_view field) {
    auto r = rp::decode_disk_changes_call(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, field) << r.error().message;
  };
  next("Extra");
  body.erase("Extra");
  next("Path");
  body["Path"] = "d";
  next("LimitId");
  body["LimitId"] = rct_id;
  next("TargetSnapshotId");
  body["TargetSnapshotId"] = "";
  next("ByteOffset");
  body["ByteOffset"] = 0;
  next("ByteLength");
  body["ByteLength"] = 1;
  EXPECT_TRUE(rp::decode_disk_changes_call(body).ok());
}

// ---- decode_changes_query: accepted --------------------------------------------------------

TEST(ChangesQuery, EmptyQueryIsTheWholeOnlyDisk) {
  EXPECT_EQ(changes({}), (rp::changes_query{"", 0, std::nullopt}));
}

TEST(ChangesQuery, AllParametersAreDecoded) {
  EXPECT_EQ(changes({{"disk", "scsi0-0"}, {"offset", "4096"}, {"length", "65536"}}),
            (rp::changes_query{"scsi0-0", 4096, 65536}));
}

TEST(ChangesQuery, ParametersMayComeInAnyOrder) {
  EXPECT_EQ(changes({{"length", "1"}, {"offset", "2"}}), (rp::changes_query{"", 2, 1}));
}

TEST(ChangesQuery, NumbersUseAll64Bits) {
  auto q = changes({{"offset", "18446744073709551615"}, {"length", "18446744073709551615"}});
  EXPECT_EQ(q.offset, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(q.length, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(changes({{"offset", "0"}}).offset, 0U);
  EXPECT_EQ(changes({{"offset", "007"}}).offset, 7U);
}

// ---- decode_changes_query: refused -----------------------------------------------------------

TEST(ChangesQuery, UnknownParameterIsNamedWithTheAllowedOnes) {
  expect_failure(rp::decode_changes_query({{"size", "1"}}), "size",
                 {"unknown query parameter size; allowed: disk, offset, length"});
}

TEST(ChangesQuery, SeveralUnknownParametersAreAllNamedOnce) {
  expect_failure(rp::decode_changes_query({{"x", "1"}, {"disk", "d"}, {"y", "2"}, {"x", "3"}}), "x",
                 {"unknown query parameters x, y;"});
}

TEST(ChangesQuery, ParameterNamesAreCaseSensitive) {
  expect_failure(rp::decode_changes_query({{"Offset", "1"}}), "Offset",
                 {"unknown query parameter Offset"});
}

TEST(ChangesQuery, UnknownParametersAreReportedBeforeBadValues) {
  expect_failure(rp::decode_changes_query({{"length", "0"}, {"page", "2"}}), "page",
                 {"unknown query parameter page"});
}

TEST(ChangesQuery, RepeatedParameterIsRefused) {
  for (const char* name : {"disk", "offset", "length"})
    expect_failure(rp::decode_changes_query({{name, "1"}, {name, "1"}}), name,
                   {"query parameter " + std::string(name) + " is given more than once"});
}

TEST(ChangesQuery, DiskMustNotBeEmpty) {
  expect_failure(rp::decode_changes_query({{"disk", ""}}), "disk", {"disk must not be empty"});
}

TEST(ChangesQuery, NumbersMustBePlainDecimalDigitsWithin64Bits) {
  for (const char* name : {"offset", "length"})
    for (const char* text : {"", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "ten",
                             "18446744073709551616", "99999999999999999999999"})
      expect_failure(rp::decode_changes_query({{name, text}}), name,
                     {std::string(name) +
                      " must be decimal digits, at most 18446744073709551615, found \"" + text +
                      "\""});
}

TEST(ChangesQuery, LengthMustBeGreaterThanZero) {
  expect_failure(rp::decode_changes_query({{"length", "0"}}), "length",
                 {"length must be greater than 0"});
  expect_failure(rp::decode_changes_query({{"length", "00"}}), "length",
                 {"length must be greater than 0"});
}
