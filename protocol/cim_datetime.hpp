#pragma once
/// CIM datetime and interval strings, and ISO-8601 UTC for the REST surface.
/// Pure functions over the proleptic Gregorian calendar (no locale, no time zone
/// database); safe from any thread. Parsers return nullopt for anything malformed or out
/// of range (month 13, February 30, hour 24, second 60, ...).

#include "protocol/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace refpoint::protocol {

/// `yyyymmddHHMMSS.mmmmmm+000` (UTC). REQUIRES ts > 0 (callers emit null for unset
/// times) and before the year 10000.
std::string format_cim_datetime(timestamp_us ts);
/// Exactly `yyyymmddHHMMSS.mmmmmm` then `+` or `-` and a three-digit UTC offset in
/// minutes; the result is the UTC instant (`...010000.000000+060` is 00:00 UTC).
/// Wildcard (`*`) fields are not supported.
std::optional<timestamp_us> parse_cim_datetime(std::string_view text);

/// `ddddddddHHMMSS.mmmmmm:000` for a duration in microseconds. Negative durations
/// format as zero; durations beyond 99999999 days saturate at the largest interval.
std::string format_cim_interval(std::int64_t duration_us);
/// Exactly `ddddddddHHMMSS.mmmmmm:000` (hours 0–23, minutes and seconds 0–59).
std::optional<std::int64_t> parse_cim_interval(std::string_view text);

/// `2026-11-22T00:28:12.123456Z` (always six fractional digits). REQUIRES ts > 0 and
/// before the year 10000.
std::string format_iso8601(timestamp_us ts);
/// RFC 3339 date-time: `yyyy-mm-ddTHH:MM:SS`, an optional fraction of 1–9 digits
/// (truncated to microseconds), then `Z` or a `±HH:MM` offset (honoured). `T` and `Z`
/// may be lower case.
std::optional<timestamp_us> parse_iso8601(std::string_view text);

/// Current wall-clock time.
timestamp_us now_us();

} // namespace refpoint::protocol
