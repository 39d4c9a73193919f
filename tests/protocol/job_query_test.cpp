#include "protocol/job_query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

namespace rp = refpoint::protocol;
using query = std::vector<std::pair<std::string, std::string>>;

namespace {

constexpr const char* guid = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";
constexpr const char* lower_guid = "8a496b9c-af4d-4e98-bd3c-1128cd85320d";

rp::job_filter filter(const query& q) {
  auto r = rp::decode_job_filter(q);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::job_filter{};
}

/// Expects an Invalid Parameter failure blaming `field` whose message contains `part`.
void expect_invalid(const query& q, std::string_view field, std::string_view part) {
  auto r = rp::decode_job_filter(q);
  ASSERT_FALSE(r.ok()) << "expected a failure on " << field;
  EXPECT_EQ(r.error().code, rp::return_code::invalid_parameter);
  EXPECT_EQ(r.error().field, field) << r.error().message;
  EXPECT_NE(r.error().message.find(part), std::string::npos)
    << r.error().message << "\nmissing: " << part;
}

bool url_safe(std::string_view text) {
  for (char c : text)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  return true;
}

} // namespace

// ---- decode_job_filter: accepted -----------------------------------------------------------

TEST(JobFilter, EmptyQueryListsEverythingFromTheStart) {
  EXPECT_EQ(filter({}), (rp::job_filter{std::nullopt, "", 100, 0}));
}

TEST(JobFilter, AllParametersAreDecoded) {
  auto f = filter(
    {{"state", "completed"}, {"target", guid}, {"limit", "25"}, {"after", rp::encode_cursor(41)}});
  EXPECT_EQ(f, (rp::job_filter{rp::job_state::completed, guid, 25, 41}));
}

TEST(JobFilter, EveryRestJobStateIsAccepted) {
  for (auto state : {rp::job_state::running, rp::job_state::shutting_down, rp::job_state::completed,
                     rp::job_state::terminated, rp::job_state::killed, rp::job_state::exception})
    EXPECT_EQ(filter({{"state", std::string(rp::to_string(state))}}).state, state);
}

TEST(JobFilter, GuidTargetIsCanonicalized) {
  EXPECT_EQ(filter({{"target", lower_guid}}).target, guid);
  EXPECT_EQ(filter({{"target", std::string("{") + guid + "}"}}).target, guid);
}

TEST(JobFilter, OtherTargetsAreKeptAsWritten) {
  EXPECT_EQ(filter({{"target", "db01"}}).target, "db01");
  EXPECT_EQ(filter({{"target", "8a496b9c"}}).target, "8a496b9c");
}

TEST(JobFilter, LimitBoundsAreInclusive) {
  EXPECT_EQ(filter({{"limit", "1"}}).limit, 1u);
  EXPECT_EQ(filter({{"limit", "1000"}}).limit, 1000u);
  EXPECT_EQ(filter({{"limit", "0007"}}).limit, 7u);
}

TEST(JobFilter, ParametersMayComeInAnyOrder) {
  auto f = filter({{"after", rp::encode_cursor(3)}, {"limit", "2"}, {"state", "running"}});
  EXPECT_EQ(f, (rp::job_filter{rp::job_state::running, "", 2, 3}));
}

// ---- decode_job_filter: refused --------------------------------------------------------------

TEST(JobFilter, UnknownParameterIsNamedWithTheAllowedOnes) {
  expect_invalid({{"status", "running"}}, "status",
                 "unknown query parameter status; allowed: state, target, limit, after");
}

TEST(JobFilter, SeveralUnknownParametersAreAllNamedOnce) {
  expect_invalid({{"x", "1"}, {"state", "running"}, {"y", "2"}, {"x", "3"}}, "x",
                 "unknown query parameters x, y;");
}

TEST(JobFilter, ParameterNamesAreCaseSensitive) {
  expect_invalid({{"State", "running"}}, "State", "unknown query parameter State");
}

TEST(JobFilter, UnknownParametersAreReportedBeforeBadValues) {
  expect_invalid({{"limit", "0"}, {"page", "2"}}, "page", "unknown query parameter page");
}

TEST(JobFilter, RepeatedParameterIsRefused) {
  expect_invalid({{"state", "running"}, {"state", "completed"}}, "state",
                 "query parameter state is given more than once");
}

TEST(JobFilter, EmptyValuesAreRefused) {
  for (const char* name : {"state", "target", "limit", "after"})
    expect_invalid({{name, ""}}, name, std::string(name) + " must not be empty");
}

TEST(JobFilter, StateMustBeARestJobState) {
  for (const char* text : {"Running", "4", "shutting_down", "done", " running"})
    expect_invalid({{"state", text}}, "state",
                   "state must be one of running, shuttingDown, completed, terminated, killed, "
                   "exception; found \"" +
                     std::string(text) + "\"");
}

TEST(JobFilter, LimitMustBeAnIntegerFromOneToAThousand) {
  for (const char* text :
       {"0", "1001", "-1", "+5", "1.5", "ten", "5 ", " 5", "0x10", "99999999999999999999999999"})
    expect_invalid({{"limit", text}}, "limit",
                   "limit must be an integer from 1 to 1000, found \"" + std::string(text) + "\"");
}

TEST(JobFilter, AfterMustBeACursorThisServerIssued) {
  for (const char* text : {"41", "j1:41", "not-a-cursor", "===="})
    expect_invalid({{"after", text}}, "after", "after is not a cursor from a previous page");
}

// ---- cursors ------------------------------------------------------------------------------------

TEST(JobCursor, RoundTripsEverySequenceNumber) {
  for (std::int64_t seq :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{9}, std::int64_t{10}, std::int64_t{255},
        std::int64_t{123'456'789}, std::numeric_limits<std::int64_t>::max()})
    EXPECT_EQ(rp::decode_cursor(rp::encode_cursor(seq)), seq) << seq;
}

TEST(JobCursor, RoundTripsRandomSequenceNumbers) {
  std::mt19937_64 rng{20261122};
  std::uniform_int_distribution<std::int64_t> any(0, std::numeric_limits<std::int64_t>::max());
  for (int i = 0; i < 1000; ++i) {
    auto seq = any(rng);
    ASSERT_EQ(rp::decode_cursor(rp::encode_cursor(seq)), seq) << seq;
  }
}

TEST(JobCursor, IsUrlSafeAndUnpadded) {
  for (std::int64_t seq : {std::int64_t{0}, std::int64_t{7}, std::int64_t{42},
                           std::int64_t{1'000'000}, std::numeric_limits<std::int64_t>::max()}) {
    auto cursor = rp::encode_cursor(seq);
    EXPECT_FALSE(cursor.empty());
    EXPECT_TRUE(url_safe(cursor)) << cursor;
  }
}

TEST(JobCursor, IsOpaqueNotTheBareNumber) {
  EXPECT_NE(rp::encode_cursor(41), "41");
  EXPECT_EQ(rp::decode_cursor("41"), std::nullopt);
}

TEST(JobCursor, IsBase64UrlOfAVersionedText) {
  EXPECT_EQ(rp::encode_cursor(41), "ajE6NDE"); // base64url("j1:41")
  EXPECT_EQ(rp::decode_cursor("ajE6NDE"), 41);
}

TEST(JobCursor, DistinctSequenceNumbersGiveDistinctCursors) {
  EXPECT_NE(rp::encode_cursor(1), rp::encode_cursor(10));
  EXPECT_NE(rp::encode_cursor(12), rp::encode_cursor(21));
}

TEST(JobCursor, RefusesPaddingAndStandardBase64Characters) {
  EXPECT_EQ(rp::decode_cursor("ajE6NDE="), std::nullopt);
  EXPECT_EQ(rp::decode_cursor("ajE+NDE"), std::nullopt);
  EXPECT_EQ(rp::decode_cursor("ajE/NDE"), std::nullopt);
}

TEST(JobCursor, RefusesNonCanonicalTrailingBits) {
  // "ajE6NDE" ends in 'E' (bits 000100); 'F' sets a bit that carries no data.
  EXPECT_EQ(rp::decode_cursor("ajE6NDF"), std::nullopt);
}

TEST(JobCursor, RefusesALengthThatCannotHoldWholeBytes) {
  EXPECT_EQ(rp::decode_cursor("a"), std::nullopt);
  EXPECT_EQ(rp::decode_cursor("ajE6N"), std::nullopt);
}

TEST(JobCursor, RefusesTrailingData) {
  EXPECT_EQ(rp::decode_cursor("ajE6NDEa"), std::nullopt); // "j1:41" followed by a byte 0x1A
}

/// Unpadded base64url of `text`, written independently of the code under test.
std::string base64url(std::string_view text) {
  static constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 3) {
    std::uint32_t group = 0;
    std::size_t n = std::min<std::size_t>(3, text.size() - i);
    for (std::size_t k = 0; k < 3; ++k)
      group = (group << 8) | (k < n ? static_cast<unsigned char>(text[i + k]) : 0u);
    for (std::size_t k = 0; k <= n; ++k)
      out += alphabet[(group >> (18 - 6 * k)) & 0x3F];
  }
  return out;
}

TEST(JobCursor, RefusesUnknownVersionsAndMalformedNumbers) {
  ASSERT_EQ(base64url("j1:41"), rp::encode_cursor(41));
  for (std::string_view text :
       {"j2:41", "j1:", "j1:-1", "j1:+1", "j1:041", "j1:00", "j1:4a", "j1:41 ", "j1: 41",
        "j1:9223372036854775808", "j1:99999999999999999999", "J1:41", "41", "", "j1"})
    EXPECT_EQ(rp::decode_cursor(base64url(text)), std::nullopt) << text;
  EXPECT_EQ(rp::decode_cursor(base64url(std::string_view{"j1:4\0", 5})), std::nullopt);
  EXPECT_EQ(rp::decode_cursor(base64url("j1:0")), 0);
}

TEST(JobCursor, RefusesGarbageWithoutThrowing) {
  for (std::string_view text :
       {std::string_view{}, std::string_view{"%%%"}, std::string_view{"\0\0\0\0", 4},
        std::string_view{"\xff\xfe\xfd"}, std::string_view{"ajE6 NDE"}, std::string_view{"é"}})
    EXPECT_EQ(rp::decode_cursor(text), std::nullopt);
}

TEST(JobCursor, RefusesOverlongInput) {
  EXPECT_EQ(rp::decode_cursor(std::string(65, 'A')), std::nullopt);
  EXPECT_EQ(rp::decode_cursor(std::string(1 << 20, 'A')), std::nullopt);
}

TEST(JobCursor, RandomBytesNeverCrashAndOnlyRealCursorsDecode) {
  std::mt19937 rng{7};
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  for (int i = 0; i < 5000; ++i) {
    std::string text(static_cast<std::size_t>(length(rng)), '\0');
    for (auto& c : text)
      c = static_cast<char>(byte(rng));
    if (auto seq = rp::decode_cursor(text)) {
      EXPECT_EQ(rp::encode_cursor(*seq), text);
    }
  }
}

TEST(ClusterCursor, RoundTripsEachNodesPlace) {
  const rp::cluster_cursor cursor{{"a", 0}, {"node-2.b_c", 41}, {"z", 9223372036854775807}};
  EXPECT_EQ(rp::decode_cluster_cursor(rp::encode_cluster_cursor(cursor)), cursor);
  EXPECT_EQ(rp::decode_cluster_cursor(rp::encode_cluster_cursor({})), rp::cluster_cursor{});
}

TEST(ClusterCursor, RefusesAnythingElse) {
  for (std::string_view text :
       {"c1:a", "c1:=4", "c1:a=4,", "c1:a=4,a=5", "c1:a b=4", "c1:a=-4", "c1:a=04", "j1:4", "a=4"})
    EXPECT_EQ(rp::decode_cluster_cursor(base64url(text)), std::nullopt) << text;
  EXPECT_EQ(rp::decode_cluster_cursor(rp::encode_cursor(4)), std::nullopt);
  EXPECT_EQ(rp::decode_cluster_cursor("%%%"), std::nullopt);
  EXPECT_EQ(rp::decode_cluster_cursor(std::string(1 << 20, 'A')), std::nullopt);
}
