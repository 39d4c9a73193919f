#include "protocol/cim_datetime.hpp"

#include <algorithm>
#include <chrono>

namespace refpoint::protocol {

namespace {

using std::chrono::days;
using std::chrono::microseconds;

constexpr std::int64_t us_per_second = 1'000'000;
constexpr std::int64_t us_per_minute = 60 * us_per_second;
constexpr std::int64_t us_per_hour = 60 * us_per_minute;
constexpr std::int64_t us_per_day = 24 * us_per_hour;
constexpr std::int64_t max_interval_days = 99'999'999;
constexpr std::int64_t max_interval_us = (max_interval_days + 1) * us_per_day - 1;

/// Appends `value` (>= 0) in decimal, zero-padded to `width` digits.
void append_digits(std::string& out, std::int64_t value, std::size_t width) {
  std::string digits(width, '0');
  for (auto i = width; i > 0 && value > 0; --i, value /= 10)
    digits[i - 1] = static_cast<char>('0' + value % 10);
  out += digits;
}

/// Reads a fixed-layout text left to right; every method returns nullopt/false
/// (without advancing) when the text does not match.
class scanner {
public:
  explicit scanner(std::string_view text) : text_(text) {}

  /// Exactly `count` decimal digits.
  std::optional<std::int64_t> digits(std::size_t count) {
    if (text_.size() - pos_ < count)
      return std::nullopt;
    std::int64_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9')
        return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }

  /// Between 1 and `max_count` decimal digits, as a fraction scaled to microseconds
  /// (digits beyond the sixth are truncated).
  std::optional<std::int64_t> fraction_us(std::size_t max_count) {
    std::size_t count = 0;
    std::int64_t value = 0;
    std::int64_t scale = 100'000;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9' && count < max_count) {
      value += (text_[pos_] - '0') * scale;
      scale /= 10;
      ++pos_;
      ++count;
    }
    if (count == 0)
      return std::nullopt;
    return value;
  }

  /// The next character, if it is one of `choices`.
  std::optional<char> one_of(std::string_view choices) {
    if (pos_ == text_.size() || choices.find(text_[pos_]) == std::string_view::npos)
      return std::nullopt;
    return text_[pos_++];
  }

  bool literal(char c) { return one_of(std::string_view{&c, 1}).has_value(); }
  bool literal(std::string_view s) {
    if (text_.substr(pos_, s.size()) != s)
      return false;
    pos_ += s.size();
    return true;
  }
  bool at_end() const { return pos_ == text_.size(); }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Calendar fields as written, before validation.
struct civil_time {
  std::int64_t year, month, day, hour, minute, second, micros;
};

/// The instant `t` names in UTC, or nullopt when a field is out of range (month 13,
/// February 30, hour 24, second 60, ...).
std::optional<timestamp_us> to_timestamp(const civil_time& t) {
  using namespace std::chrono;
  year_month_day date{year{static_cast<int>(t.year)}, month{static_cast<unsigned>(t.month)},
                      day{static_cast<unsigned>(t.day)}};
  if (!date.ok() || t.hour > 23 || t.minute > 59 || t.second > 59)
    return std::nullopt;
  auto midnight = duration_cast<microseconds>(sys_days{date}.time_since_epoch()).count();
  return midnight + t.hour * us_per_hour + t.minute * us_per_minute + t.second * us_per_second +
         t.micros;
}

/// Reads `yyyymmddHHMMSS` (CIM) fields.
std::optional<civil_time> read_compact(scanner& in) {
  auto y = in.digits(4), mo = in.digits(2), d = in.digits(2);
  auto h = in.digits(2), mi = in.digits(2), s = in.digits(2);
  if (!y || !mo || !d || !h || !mi || !s)
    return std::nullopt;
  return civil_time{*y, *mo, *d, *h, *mi, *s, 0};
}

/// Reads `yyyy-mm-ddTHH:MM:SS` (ISO 8601; `T` in either case).
std::optional<civil_time> read_extended(scanner& in) {
  auto y = in.digits(4);
  bool dash1 = in.literal('-');
  auto mo = in.digits(2);
  bool dash2 = in.literal('-');
  auto d = in.digits(2);
  bool t = in.one_of("Tt").has_value();
  auto h = in.digits(2);
  bool colon1 = in.literal(':');
  auto mi = in.digits(2);
  bool colon2 = in.literal(':');
  auto s = in.digits(2);
  if (!y || !dash1 || !mo || !dash2 || !d || !t || !h || !colon1 || !mi || !colon2 || !s)
    return std::nullopt;
  return civil_time{*y, *mo, *d, *h, *mi, *s, 0};
}

/// Reads an ISO 8601 UTC offset (`Z`, `z` or `±HH:MM`) as signed microseconds.
std::optional<std::int64_t> read_iso_offset(scanner& in) {
  if (in.one_of("Zz"))
    return 0;
  auto sign = in.one_of("+-");
  auto h = in.digits(2);
  bool colon = in.literal(':');
  auto m = in.digits(2);
  if (!sign || !h || !colon || !m || *h > 23 || *m > 59)
    return std::nullopt;
  auto offset = *h * us_per_hour + *m * us_per_minute;
  return *sign == '-' ? -offset : offset;
}

/// Calendar date and time of day of `ts` in UTC.
struct split_time {
  std::chrono::year_month_day date;
  std::chrono::hh_mm_ss<microseconds> time;
};

split_time split(timestamp_us ts) {
  std::chrono::sys_time<microseconds> instant{microseconds{ts}};
  auto midnight = std::chrono::floor<days>(instant);
  return {std::chrono::year_month_day{midnight},
          std::chrono::hh_mm_ss<microseconds>{instant - midnight}};
}

void append_time_fields(std::string& out, const std::chrono::hh_mm_ss<microseconds>& t,
                        std::string_view separator) {
  append_digits(out, t.hours().count(), 2);
  out += separator;
  append_digits(out, t.minutes().count(), 2);
  out += separator;
  append_digits(out, t.seconds().count(), 2);
  out += '.';
  append_digits(out, t.subseconds().count(), 6);
}

} // namespace

std::string format_cim_datetime(timestamp_us ts) {
  auto [date, time_of_day] = split(ts);
  std::string out;
  append_digits(out, static_cast<int>(date.year()), 4);
  append_digits(out, static_cast<unsigned>(date.month()), 2);
  append_digits(out, static_cast<unsigned>(date.day()), 2);
  append_time_fields(out, time_of_day, "");
  out += "+000";
  return out;
}

std::optional<timestamp_us> parse_cim_datetime(std::string_view text) {
  scanner in{text};
  auto fields = read_compact(in);
  bool dot = in.literal('.');
  auto micros = in.digits(6);
  auto sign = in.one_of("+-");
  auto offset_min = in.digits(3);
  if (!fields || !dot || !micros || !sign || !offset_min || !in.at_end())
    return std::nullopt;
  fields->micros = *micros;
  auto local = to_timestamp(*fields);
  if (!local)
    return std::nullopt;
  auto offset = *offset_min * us_per_minute;
  return *sign == '-' ? *local + offset : *local - offset;
}

std::string format_cim_interval(std::int64_t duration_us) {
  auto clamped = std::clamp<std::int64_t>(duration_us, 0, max_interval_us);
  std::string out;
  append_digits(out, clamped / us_per_day, 8);
  append_time_fields(out, std::chrono::hh_mm_ss<microseconds>{microseconds{clamped % us_per_day}},
                     "");
  out += ":000";
  return out;
}

std::optional<std::int64_t> parse_cim_interval(std::string_view text) {
  scanner in{text};
  auto d = in.digits(8), h = in.digits(2), mi = in.digits(2), s = in.digits(2);
  bool dot = in.literal('.');
  auto micros = in.digits(6);
  bool suffix = in.literal(":000");
  if (!d || !h || !mi || !s || !dot || !micros || !suffix || !in.at_end())
    return std::nullopt;
  if (*h > 23 || *mi > 59 || *s > 59)
    return std::nullopt;
  return *d * us_per_day + *h * us_per_hour + *mi * us_per_minute + *s * us_per_second + *micros;
}

std::string format_iso8601(timestamp_us ts) {
  auto [date, time_of_day] = split(ts);
  std::string out;
  append_digits(out, static_cast<int>(date.year()), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(date.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(date.day()), 2);
  out += 'T';
  append_time_fields(out, time_of_day, ":");
  out += 'Z';
  return out;
}

std::optional<timestamp_us> parse_iso8601(std::string_view text) {
  scanner in{text};
  auto fields = read_extended(in);
  if (!fields)
    return std::nullopt;
  if (in.literal('.')) {
    auto micros = in.fraction_us(9);
    if (!micros)
      return std::nullopt;
    fields->micros = *micros;
  }
  auto offset = read_iso_offset(in);
  if (!offset || !in.at_end())
    return std::nullopt;
  auto local = to_timestamp(*fields);
  if (!local)
    return std::nullopt;
  return *local - *offset;
}

timestamp_us now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace refpoint::protocol
