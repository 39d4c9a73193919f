#include "protocol/disk_changes_call.hpp"

#include "protocol/method_params.hpp"
#include "protocol/query_params.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace refpoint::protocol {

namespace json = boost::json;

namespace {

constexpr std::string_view rct_prefix = "rctX:";
/// Hex digits in each ':'-separated group after the prefix: a GUID's five, then the counter.
constexpr std::array<std::size_t, 6> rct_groups{8, 4, 4, 4, 12, 8};

constexpr std::array<std::string_view, 3> query_parameters{"disk", "offset", "length"};

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// The value of a non-empty string of decimal digits, or nullopt (a sign, a space, anything
/// else, or more than 64 bits).
std::optional<std::uint64_t> parse_digits(std::string_view text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

// ---- GetVirtualDiskChanges ----------------------------------------------------------------

result<std::string> decode_path(const json::value* v) {
  if (!v || v->is_null())
    return invalid_parameter("Path", "Path is required");
  if (!v->is_string() || v->get_string().empty())
    return invalid_parameter("Path", "Path must be a non-empty string, not " + json::serialize(*v));
  return std::string(v->get_string());
}

result<std::string> decode_limit_id(const json::value* v) {
  if (!v || v->is_null())
    return invalid_parameter("LimitId", "LimitId is required");
  if (!v->is_string() || !is_rct_id(v->get_string()))
    return invalid_parameter("LimitId", "LimitId must be an RCT ID (rctX:<GUID with ':' for "
                                        "'-'>:<8 hex digits>), found " +
                                          json::serialize(*v));
  return std::string(v->get_string());
}

std::optional<failure> check_target_snapshot(const json::value* v) {
  if (!v || v->is_null() || (v->is_string() && v->get_string().empty()))
    return std::nullopt;
  return failure{return_code::not_supported,
                 "TargetSnapshotId is not supported: changes can only be compared with the "
                 "current disk, found " +
                   json::serialize(*v),
                 "TargetSnapshotId"};
}

/// A uint64 parameter: a non-negative JSON integer, or decimal digits in a string (WMI
/// sends uint64 values as strings).
result<std::uint64_t> decode_uint64_param(const json::value* v, const std::string& name) {
  if (!v || v->is_null())
    return invalid_parameter(name, name + " is required");
  std::optional<std::uint64_t> value;
  if (v->is_uint64())
    value = v->get_uint64();
  else if (v->is_int64() && v->get_int64() >= 0)
    value = static_cast<std::uint64_t>(v->get_int64());
  else if (v->is_string())
    value = parse_digits(v->get_string());
  if (!value)
    return invalid_parameter(name, name +
                                     " must be a non-negative integer or a string of "
                                     "decimal digits, at most 18446744073709551615, found " +
                                     json::serialize(*v));
  return *value;
}

// ---- changes query ------------------------------------------------------------------------

/// Decodes one known parameter into `out`, or says what is wrong with it.
std::optional<failure> decode_query_parameter(const std::string& name, const std::string& value,
                                              changes_query& out) {
  if (name == "disk") {
    if (value.empty())
      return invalid_parameter(name, "disk must not be empty");
    out.disk = value;
    return std::nullopt;
  }
  auto number = parse_digits(value);
  if (!number)
    return invalid_parameter(name, name +
                                     " must be decimal digits, at most "
                                     "18446744073709551615, found " +
                                     quoted(value));
  if (name == "offset") {
    out.offset = *number;
    return std::nullopt;
  }
  if (*number == 0)
    return invalid_parameter(name, "length must be greater than 0");
  out.length = *number;
  return std::nullopt;
}

} // namespace

bool is_rct_id(std::string_view text) {
  if (!boost::algorithm::istarts_with(text, rct_prefix))
    return false;
  auto rest = text.substr(rct_prefix.size());
  for (std::size_t g = 0; g < rct_groups.size(); ++g) {
    auto digits = rct_groups[g];
    if (rest.size() < digits || !std::all_of(rest.begin(), rest.begin() + digits, is_hex))
      return false;
    rest.remove_prefix(digits);
    if (g + 1 < rct_groups.size()) {
      if (rest.empty() || rest.front() != ':')
        return false;
      rest.remove_prefix(1);
    }
  }
  return rest.empty();
}

result<disk_changes_call> decode_disk_changes_call(const json::value& body) {
  auto checked =
    method_params::check(body, {"Path", "LimitId", "TargetSnapshotId", "ByteOffset", "ByteLength"});
  if (!checked)
    return checked.error();
  const auto& params = checked.value();
  auto path = decode_path(params.find("Path"));
  if (!path)
    return path.error();
  auto limit_id = decode_limit_id(params.find("LimitId"));
  if (!limit_id)
    return limit_id.error();
  if (auto error = check_target_snapshot(params.find("TargetSnapshotId")))
    return *error;
  auto offset = decode_uint64_param(params.find("ByteOffset"), "ByteOffset");
  if (!offset)
    return offset.error();
  auto length = decode_uint64_param(params.find("ByteLength"), "ByteLength");
  if (!length)
    return length.error();
  if (length.value() == 0)
    return invalid_parameter("ByteLength", "ByteLength must be greater than 0");
  return disk_changes_call{std::move(path).value(), std::move(limit_id).value(), offset.value(),
                           length.value()};
}

result<changes_query>
decode_changes_query(const std::vector<std::pair<std::string, std::string>>& query) {
  if (auto error = check_query_names(query, query_parameters))
    return *error;
  changes_query out;
  for (const auto& [name, value] : query)
    if (auto error = decode_query_parameter(name, value, out))
      return *error;
  return out;
}

} // namespace refpoint::protocol
