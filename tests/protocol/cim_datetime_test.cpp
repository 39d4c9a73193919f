#include "protocol/cim_datetime.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace rp = refpoint::protocol;

namespace {

constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t minute = 60 * second;
constexpr std::int64_t hour = 60 * minute;
constexpr std::int64_t day = 24 * hour;

constexpr rp::timestamp_us nov_22_2026 = 1'795'307'292'123'456; // 2026-11-22T00:28:12.123456Z
constexpr rp::timestamp_us feb_29_2024_noon = 1'709'208'000'000'000;
constexpr rp::timestamp_us feb_29_2000 = 951'782'400'000'000;
constexpr rp::timestamp_us last_of_9999 = 253'402'300'799'999'999;

} // namespace

// --- CIM datetime ---------------------------------------------------------------------

TEST(CimDatetime, FormatsUtcWithMicrosecondsAndZeroOffset) {
  EXPECT_EQ(rp::format_cim_datetime(nov_22_2026), "20261122002812.123456+000");
}

TEST(CimDatetime, FormatsEpochEdges) {
  EXPECT_EQ(rp::format_cim_datetime(1), "19700101000000.000001+000");
  EXPECT_EQ(rp::format_cim_datetime(day - 1), "19700101235959.999999+000");
  EXPECT_EQ(rp::format_cim_datetime(day), "19700102000000.000000+000");
}

TEST(CimDatetime, FormatsLeapDays) {
  EXPECT_EQ(rp::format_cim_datetime(feb_29_2024_noon), "20240229120000.000000+000");
  EXPECT_EQ(rp::format_cim_datetime(feb_29_2000), "20000229000000.000000+000");
  EXPECT_EQ(rp::format_cim_datetime(feb_29_2000 + day), "20000301000000.000000+000");
}

TEST(CimDatetime, FormatsLastRepresentableInstant) {
  EXPECT_EQ(rp::format_cim_datetime(last_of_9999), "99991231235959.999999+000");
}

TEST(CimDatetime, ParsesUtc) {
  EXPECT_EQ(rp::parse_cim_datetime("20261122002812.123456+000"), nov_22_2026);
  EXPECT_EQ(rp::parse_cim_datetime("19700101000000.000000+000"), 0);
  EXPECT_EQ(rp::parse_cim_datetime("19691231235959.999999+000"), -1);
  EXPECT_EQ(rp::parse_cim_datetime("99991231235959.999999+000"), last_of_9999);
}

TEST(CimDatetime, MinusZeroOffsetIsUtc) {
  EXPECT_EQ(rp::parse_cim_datetime("20261122002812.123456-000"), nov_22_2026);
}

TEST(CimDatetime, HonoursNonZeroOffset) {
  // Local time is UTC plus the offset, so UTC is local time minus it.
  EXPECT_EQ(rp::parse_cim_datetime("20261122012812.123456+060"), nov_22_2026);
  EXPECT_EQ(rp::parse_cim_datetime("20261121232812.123456-060"), nov_22_2026);
  EXPECT_EQ(rp::parse_cim_datetime("20261122055812.123456+330"), nov_22_2026);
}

TEST(CimDatetime, OffsetCanCrossAYearBoundary) {
  EXPECT_EQ(rp::parse_cim_datetime("20260101000000.000000+001"),
            rp::parse_cim_datetime("20251231235900.000000+000"));
  EXPECT_EQ(rp::parse_cim_datetime("20251231235900.000000-001"),
            rp::parse_cim_datetime("20260101000000.000000+000"));
}

TEST(CimDatetime, RoundTripsAcrossTheRange) {
  for (rp::timestamp_us ts : {rp::timestamp_us{1}, day - 1, feb_29_2000, feb_29_2024_noon,
                              nov_22_2026, last_of_9999, rp::timestamp_us{4'102'444'800'000'000}})
    EXPECT_EQ(rp::parse_cim_datetime(rp::format_cim_datetime(ts)), ts) << ts;
}

TEST(CimDatetime, RoundTripsEveryDayOfALeapYear) {
  auto start = *rp::parse_cim_datetime("20240101000000.000000+000");
  for (std::int64_t d = 0; d < 366; ++d) {
    auto ts = start + d * day + 13 * hour + 7 * second + 42;
    EXPECT_EQ(rp::parse_cim_datetime(rp::format_cim_datetime(ts)), ts) << d;
  }
  EXPECT_EQ(rp::format_cim_datetime(start + 366 * day), "20250101000000.000000+000");
}

TEST(CimDatetime, AcceptsFebruary29OnlyInLeapYears) {
  EXPECT_TRUE(rp::parse_cim_datetime("20240229000000.000000+000"));
  EXPECT_TRUE(rp::parse_cim_datetime("20000229000000.000000+000"));
  EXPECT_FALSE(rp::parse_cim_datetime("20230229000000.000000+000"));
  EXPECT_FALSE(rp::parse_cim_datetime("19000229000000.000000+000"));
  EXPECT_FALSE(rp::parse_cim_datetime("21000229000000.000000+000"));
}

TEST(CimDatetime, RejectsInvalidCalendarFields) {
  for (std::string_view bad : {
         "20261322002812.123456+000", // month 13
         "20260022002812.123456+000", // month 0
         "20260230002812.123456+000", // February 30
         "20260431002812.123456+000", // April 31
         "20261100002812.123456+000", // day 0
         "20261122242812.123456+000", // hour 24
         "20261122006012.123456+000", // minute 60
         "20261122002860.123456+000", // second 60
       })
    EXPECT_FALSE(rp::parse_cim_datetime(bad)) << bad;
}

TEST(CimDatetime, RejectsMalformedText) {
  for (std::string_view bad : {
         "",
         "20261122002812.123456",      // no offset
         "20261122002812.123456+00",   // short offset
         "20261122002812.123456+0000", // long offset
         "20261122002812.123456:000",  // interval marker
         "20261122002812,123456+000",  // wrong separator
         "20261122002812.12345+000",   // five fraction digits
         "2026112200281.123456+000",   // short date-time
         "2026-11-22T00:28:12Z",       // ISO 8601
         "2026112200281a.123456+000",  // not a digit
         "********002812.123456+000",  // wildcards are unsupported
         " 20261122002812.123456+000", // leading space
         "20261122002812.123456+000 ", // trailing space
       })
    EXPECT_FALSE(rp::parse_cim_datetime(bad)) << bad;
}

// --- CIM interval ---------------------------------------------------------------------

TEST(CimInterval, FormatsZero) {
  EXPECT_EQ(rp::format_cim_interval(0), "00000000000000.000000:000");
}

TEST(CimInterval, FormatsFiveMinutes) {
  EXPECT_EQ(rp::format_cim_interval(5 * minute), "00000000000500.000000:000");
}

TEST(CimInterval, FormatsEveryField) {
  EXPECT_EQ(rp::format_cim_interval(12 * day + 3 * hour + 4 * minute + 5 * second + 6),
            "00000012030405.000006:000");
  EXPECT_EQ(rp::format_cim_interval(day - 1), "00000000235959.999999:000");
}

TEST(CimInterval, NegativeDurationFormatsAsZero) {
  EXPECT_EQ(rp::format_cim_interval(-1), "00000000000000.000000:000");
  EXPECT_EQ(rp::format_cim_interval(INT64_MIN), "00000000000000.000000:000");
}

TEST(CimInterval, SaturatesBeyondEightDigitsOfDays) {
  EXPECT_EQ(rp::format_cim_interval(INT64_MAX), "99999999235959.999999:000");
  EXPECT_EQ(rp::format_cim_interval(100'000'000 * day), "99999999235959.999999:000");
  EXPECT_EQ(rp::format_cim_interval(99'999'999 * day), "99999999000000.000000:000");
}

TEST(CimInterval, RoundTrips) {
  for (std::int64_t d : {std::int64_t{0}, std::int64_t{1}, 5 * minute, day - 1, day,
                         12 * day + 3 * hour + 4 * minute + 5 * second + 6, 100'000'000 * day - 1})
    EXPECT_EQ(rp::parse_cim_interval(rp::format_cim_interval(d)), d) << d;
}

TEST(CimInterval, RejectsOutOfRangeFields) {
  EXPECT_FALSE(rp::parse_cim_interval("00000000240000.000000:000"));
  EXPECT_FALSE(rp::parse_cim_interval("00000000006000.000000:000"));
  EXPECT_FALSE(rp::parse_cim_interval("00000000000060.000000:000"));
}

TEST(CimInterval, RejectsMalformedText) {
  for (std::string_view bad : {
         "",
         "00000000000500.000000",      // no suffix
         "00000000000500.000000:001",  // suffix must be 000
         "00000000000500.000000+000",  // datetime marker
         "0000000000500.000000:000",   // seven day digits
         "00000000000500.00000:000",   // five fraction digits
         "00000000000500-000000:000",  // wrong separator
         "0000000000050x.000000:000",  // not a digit
         "00000000000500.000000:000 ", // trailing space
       })
    EXPECT_FALSE(rp::parse_cim_interval(bad)) << bad;
}

// --- ISO 8601 -------------------------------------------------------------------------

TEST(Iso8601, FormatsUtcWithSixFractionDigits) {
  EXPECT_EQ(rp::format_iso8601(nov_22_2026), "2026-11-22T00:28:12.123456Z");
  EXPECT_EQ(rp::format_iso8601(feb_29_2000), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(rp::format_iso8601(1), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(rp::format_iso8601(last_of_9999), "9999-12-31T23:59:59.999999Z");
}

TEST(Iso8601, ParsesOwnFormat) {
  EXPECT_EQ(rp::parse_iso8601("2026-11-22T00:28:12.123456Z"), nov_22_2026);
}

TEST(Iso8601, ParsesWithoutFraction) {
  EXPECT_EQ(rp::parse_iso8601("2026-11-22T00:28:12Z"), nov_22_2026 - 123'456);
}

TEST(Iso8601, ParsesShortAndNanosecondFractions) {
  EXPECT_EQ(rp::parse_iso8601("2026-11-22T00:28:12.1Z"), nov_22_2026 - 23'456);
  EXPECT_EQ(rp::parse_iso8601("2026-11-22T00:28:12.123Z"), nov_22_2026 - 456);
  EXPECT_EQ(rp::parse_iso8601("2026-11-22T00:28:12.123456789Z"), nov_22_2026);
}

TEST(Iso8601, ParsesPlusZeroOffset) {
  EXPECT_EQ(rp::parse_iso8601("2026-11-22T00:28:12.123456+00:00"), nov_22_2026);
  EXPECT_EQ(rp::parse_iso8601("2026-11-22T00:28:12.123456-00:00"), nov_22_2026);
}

TEST(Iso8601, HonoursNonZeroOffset) {
  EXPECT_EQ(rp::parse_iso8601("2026-11-22T01:28:12.123456+01:00"), nov_22_2026);
  EXPECT_EQ(rp::parse_iso8601("2026-11-21T19:58:12.123456-04:30"), nov_22_2026);
}

TEST(Iso8601, AcceptsLowerCaseSeparators) {
  EXPECT_EQ(rp::parse_iso8601("2026-11-22t00:28:12.123456z"), nov_22_2026);
}

TEST(Iso8601, RoundTrips) {
  for (rp::timestamp_us ts :
       {rp::timestamp_us{1}, day - 1, feb_29_2000, feb_29_2024_noon, nov_22_2026, last_of_9999})
    EXPECT_EQ(rp::parse_iso8601(rp::format_iso8601(ts)), ts) << ts;
}

TEST(Iso8601, ParsesDatesBeforeTheEpoch) {
  EXPECT_EQ(rp::parse_iso8601("1969-12-31T23:59:59.999999Z"), -1);
  EXPECT_EQ(rp::parse_iso8601("1601-01-01T00:00:00Z"), -11'644'473'600'000'000);
}

TEST(Iso8601, RejectsInvalidDates) {
  for (std::string_view bad : {
         "2026-13-01T00:00:00Z",
         "2026-02-30T00:00:00Z",
         "2023-02-29T00:00:00Z",
         "1900-02-29T00:00:00Z",
         "2026-11-31T00:00:00Z",
         "2026-11-22T24:00:00Z",
         "2026-11-22T00:60:00Z",
         "2026-11-22T00:00:60Z",
       })
    EXPECT_FALSE(rp::parse_iso8601(bad)) << bad;
}

TEST(Iso8601, RejectsMalformedText) {
  for (std::string_view bad : {
         "",
         "2026-11-22T00:28:12",             // no zone
         "2026-11-22 00:28:12Z",            // space separator
         "2026-11-22",                      // date only
         "2026-11-22T00:28Z",               // no seconds
         "2026-11-22T00:28:12.Z",           // empty fraction
         "2026-11-22T00:28:12.1234567890Z", // ten fraction digits
         "2026-11-22T00:28:12+0000",        // offset without colon
         "2026-11-22T00:28:12+24:00",       // offset hour out of range
         "2026-11-22T00:28:12+01:60",       // offset minute out of range
         "26-11-22T00:28:12Z",              // two-digit year
         "2026/11/22T00:28:12Z",            // wrong date separator
         "2026-11-22T00:28:12Z ",           // trailing space
         "20261122002812.123456+000",       // CIM datetime
       })
    EXPECT_FALSE(rp::parse_iso8601(bad)) << bad;
}

// --- clock ----------------------------------------------------------------------------

TEST(NowUs, ReadsTheSystemClockInMicroseconds) {
  using namespace std::chrono;
  auto before = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  auto now = rp::now_us();
  auto after = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
}
