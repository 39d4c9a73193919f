#pragma once
/// CIM datetime and interval strings, and ISO-8601 UTC for the REST surface.

#include "protocol/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace refpoint::protocol {

/// `yyyymmddHHMMSS.mmmmmm+000` (UTC). REQUIRES ts > 0: callers emit null for unset times.
std::string format_cim_datetime(timestamp_us ts);
std::optional<timestamp_us> parse_cim_datetime(std::string_view text);

/// `ddddddddHHMMSS.mmmmmm:000` for a duration in microseconds (>= 0).
std::string format_cim_interval(std::int64_t duration_us);
std::optional<std::int64_t> parse_cim_interval(std::string_view text);

/// `2026-11-22T00:28:12.123456Z`. REQUIRES ts > 0.
std::string format_iso8601(timestamp_us ts);
std::optional<timestamp_us> parse_iso8601(std::string_view text);

/// Current wall-clock time.
timestamp_us now_us();

} // namespace refpoint::protocol
