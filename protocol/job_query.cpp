#include "protocol/job_query.hpp"

#include "protocol/guid.hpp"
#include "protocol/query_params.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <charconv>

namespace refpoint::protocol {

namespace {

constexpr std::string_view base64url_alphabet =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Cursor text before base64url: version tag, then the sequence number in decimal.
constexpr std::string_view cursor_prefix = "j1:";

/// Longer cursors are refused before decoding (a valid one is at most 30 characters).
constexpr std::size_t max_cursor_chars = 64;
/// The same for a cluster listing's cursor, and its most.
constexpr std::string_view cluster_cursor_prefix = "c1:";
constexpr std::size_t max_cluster_cursor_chars = 8192;

constexpr std::array<std::string_view, 4> known_parameters{"state", "target", "limit", "after"};

/// Unpadded base64url of `bytes`.
std::string to_base64url(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += base64url_alphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0)
    out += base64url_alphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

/// The bytes of unpadded base64url `text`, or nullopt when `text` is not exactly what
/// `to_base64url` writes for them (foreign characters, padding, impossible length,
/// non-zero trailing bits).
std::optional<std::string> from_base64url(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    auto digit = base64url_alphabet.find(c);
    if (digit == std::string_view::npos)
      return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (to_base64url(out) != text)
    return std::nullopt;
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A non-negative decimal integer written with digits only and without leading zeros.
std::optional<std::int64_t> parse_canonical_decimal(std::string_view text) {
  if (!all_digits(text) || (text.size() > 1 && text.front() == '0'))
    return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

std::optional<std::size_t> parse_limit(std::string_view text) {
  if (!all_digits(text))
    return std::nullopt;
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > max_job_limit)
    return std::nullopt;
  return value;
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

/// Decodes one known parameter into `out`, or says what is wrong with it.
std::optional<failure> decode_parameter(const std::string& name, const std::string& value,
                                        job_filter& out) {
  if (value.empty())
    return invalid_parameter(name, name + " must not be empty");
  if (name == "state") {
    out.state = parse_job_state(value);
    if (!out.state)
      return invalid_parameter(name, "state must be one of running, shuttingDown, completed, "
                                     "terminated, killed, exception; found " +
                                       quoted(value));
  } else if (name == "target") {
    out.target = is_guid(value) ? canonical_guid(value) : value;
  } else if (name == "limit") {
    auto limit = parse_limit(value);
    if (!limit)
      return invalid_parameter(name, "limit must be an integer from 1 to " +
                                       std::to_string(max_job_limit) + ", found " + quoted(value));
    out.limit = *limit;
  } else {
    auto seq = decode_cursor(value);
    if (!seq)
      return invalid_parameter(name, "after is not a cursor from a previous page");
    out.after_seq = *seq;
  }
  return std::nullopt;
}

} // namespace

result<job_filter>
decode_job_filter(const std::vector<std::pair<std::string, std::string>>& query) {
  if (auto error = check_query_names(query, known_parameters))
    return *error;
  job_filter out;
  for (const auto& [name, value] : query)
    if (auto error = decode_parameter(name, value, out))
      return *error;
  return out;
}

std::string encode_cursor(std::int64_t seq) {
  assert(seq >= 0);
  return to_base64url(std::string(cursor_prefix) + std::to_string(seq));
}

std::string encode_cluster_cursor(const cluster_cursor& cursor) {
  std::string text{cluster_cursor_prefix};
  for (const auto& [node, seq] : cursor) {
    assert(seq >= 0);
    if (text.size() > cluster_cursor_prefix.size())
      text += ',';
    text += node + '=' + std::to_string(seq);
  }
  return to_base64url(text);
}

std::optional<cluster_cursor> decode_cluster_cursor(std::string_view cursor) {
  if (cursor.size() > max_cluster_cursor_chars)
    return std::nullopt;
  auto text = from_base64url(cursor);
  if (!text || !text->starts_with(cluster_cursor_prefix))
    return std::nullopt;
  cluster_cursor out;
  std::string_view rest = std::string_view(*text).substr(cluster_cursor_prefix.size());
  while (!rest.empty()) {
    auto comma = rest.find(',');
    if (comma != std::string_view::npos && comma + 1 == rest.size())
      return std::nullopt; // a trailing comma
    auto entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto equals = entry.find('=');
    if (equals == 0 || equals == std::string_view::npos)
      return std::nullopt;
    auto node = entry.substr(0, equals);
    const bool named = std::all_of(node.begin(), node.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
    auto seq = parse_canonical_decimal(entry.substr(equals + 1));
    if (!named || !seq || !out.emplace(std::string{node}, *seq).second)
      return std::nullopt;
  }
  return out;
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
  if (cursor.size() > max_cursor_chars)
    return std::nullopt;
  auto text = from_base64url(cursor);
  if (!text || !text->starts_with(cursor_prefix))
    return std::nullopt;
  return parse_canonical_decimal(std::string_view(*text).substr(cursor_prefix.size()));
}

} // namespace refpoint::protocol
