#pragma once
/// ISO-8601 UTC timestamps with microseconds ("2026-11-22T00:28:12.123456Z"), the `time`
/// of an event, for the WebSocket benchmarks. Header-only; no dependency on refpoint.

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace bench {

/// Microseconds since the Unix epoch, now (wall clock).
inline std::int64_t wall_clock_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

/// `us` (microseconds since the epoch, not before it) as "YYYY-MM-DDTHH:MM:SS.ffffffZ".
inline std::string format_iso_utc(std::int64_t us) {
  using namespace std::chrono;
  const sys_time<microseconds> at{microseconds{us}};
  const sys_days day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss<microseconds> clock{at - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", int{date.year()},
                unsigned{date.month()}, unsigned{date.day()},
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return text;
}

/// Parses "YYYY-MM-DDTHH:MM:SS[.f...]Z" (1 to 9 fraction digits, more than 6 truncated)
/// into microseconds since the epoch; nullopt for anything else.
inline std::optional<std::int64_t> parse_iso_utc(std::string_view text) {
  auto number = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > text.size())
      return false;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return ec == std::errc{} && end == text.data() + pos + len;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!number(0, 4, y) || !number(5, 2, mo) || !number(8, 2, d) || !number(11, 2, h) ||
      !number(14, 2, mi) || !number(17, 2, s) || text.size() < 20 || text[4] != '-' ||
      text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok())
    return std::nullopt;
  std::int64_t fraction = 0;
  std::size_t pos = 19;
  if (text[pos] == '.') {
    std::int64_t scale = 100000;
    for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      fraction += (text[pos] - '0') * scale;
      scale /= 10;
    }
  }
  if (pos + 1 != text.size() || text[pos] != 'Z')
    return std::nullopt;
  const auto at = sys_days{date} + hours{h} + minutes{mi} + seconds{s};
  return duration_cast<microseconds>(at.time_since_epoch()).count() + fraction;
}

} // namespace bench
