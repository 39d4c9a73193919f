#pragma once
/// Lenient readers of the server's JSON answers for the soak driver: a missing or mistyped
/// field reads as empty, which the checks then report.

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace soak {

inline std::string string_field(const boost::json::value& v, std::string_view key) {
  if (!v.is_object())
    return {};
  const auto* field = v.get_object().if_contains(key);
  return field && field->is_string() ? std::string{field->get_string()} : std::string{};
}

inline std::int64_t int_field(const boost::json::value& v, std::string_view key) {
  if (!v.is_object())
    return -1;
  const auto* field = v.get_object().if_contains(key);
  return field && field->is_int64() ? field->get_int64() : -1;
}

/// The `items` array of a list answer (an empty one when absent).
inline const boost::json::array& items_of(const boost::json::value& v) {
  static const boost::json::array none;
  if (!v.is_object())
    return none;
  const auto* items = v.get_object().if_contains("items");
  return items && items->is_array() ? items->get_array() : none;
}

/// The first key's value of a CIM object path: `X` of `Class.InstanceID="X",...`.
inline std::string key_value(std::string_view path) {
  const auto start = path.find("=\"");
  if (start == std::string_view::npos)
    return {};
  const auto end = path.find('"', start + 2);
  return end == std::string_view::npos ? std::string{}
                                       : std::string{path.substr(start + 2, end - start - 2)};
}

/// The class of a CIM object path: `Class` of `Class.InstanceID="X"`.
inline std::string class_of(std::string_view path) {
  return std::string{path.substr(0, path.find('.'))};
}

} // namespace soak
