#include "app/cli/json_text.hpp"

#include <boost/json/serialize.hpp>

#include <array>
#include <cstdio>

namespace refpoint::cli {

namespace json = boost::json;

std::string text_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (!value)
    return {};
  switch (value->kind()) {
  case json::kind::string:
    return std::string{value->get_string()};
  case json::kind::bool_:
    return value->get_bool() ? "yes" : "no";
  case json::kind::int64:
  case json::kind::uint64:
    return json::serialize(*value);
  case json::kind::double_: {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%g", value->get_double());
    return text.data();
  }
  default:
    return {};
  }
}

const json::object& object_at(const json::object& object, std::string_view key) {
  static const json::object empty;
  const auto* value = object.if_contains(key);
  return value && value->is_object() ? value->get_object() : empty;
}

const json::array& array_at(const json::object& object, std::string_view key) {
  static const json::array empty;
  const auto* value = object.if_contains(key);
  return value && value->is_array() ? value->get_array() : empty;
}

std::int64_t integer_of(const json::object& object, std::string_view key, std::int64_t fallback) {
  const auto* value = object.if_contains(key);
  if (!value)
    return fallback;
  if (value->is_int64())
    return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(value->get_uint64());
  return fallback;
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr std::array units{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024)
    return std::to_string(bytes) + " B";
  auto size = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (size >= 1024.0 && unit + 1 < units.size()) {
    size /= 1024.0;
    ++unit;
  }
  std::array<char, 32> text{};
  const bool whole = size == static_cast<double>(static_cast<std::uint64_t>(size));
  std::snprintf(text.data(), text.size(), whole || size >= 100.0 ? "%.0f %s" : "%.1f %s", size,
                units[unit]);
  return text.data();
}

std::string short_time(std::string_view iso) {
  // 2026-11-22T00:28:12.123456Z
  if (iso.size() < 19 || iso[10] != 'T')
    return std::string{iso};
  std::string out{iso.substr(0, 19)};
  out[10] = ' ';
  return out;
}

std::string path_key(std::string_view path, std::string_view key) {
  std::size_t from = 0;
  while ((from = path.find(key, from)) != std::string_view::npos) {
    const bool starts_key = from == 0 || path[from - 1] == '.' || path[from - 1] == ',';
    const auto after = from + key.size();
    if (starts_key && path.substr(after, 2) == "=\"") {
      const auto end = path.find('"', after + 2);
      if (end == std::string_view::npos)
        return {};
      return std::string{path.substr(after + 2, end - after - 2)};
    }
    from = after;
  }
  return {};
}

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0x0F];
    }
  }
  return out;
}

} // namespace refpoint::cli
