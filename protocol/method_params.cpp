#include "protocol/method_params.hpp"

#include "protocol/object_path.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <optional>
#include <vector>

namespace refpoint::protocol {

namespace json = boost::json;
using boost::algorithm::iequals;

namespace {

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto name : names)
    out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

} // namespace

result<method_params> method_params::check(const json::value& body,
                                           std::initializer_list<std::string_view> known) {
  const auto* object = body.if_object();
  if (!object)
    return invalid_parameter("", "the method parameters must be a JSON object");
  std::vector<std::string_view> unknown;
  std::vector<std::string_view> seen;
  std::optional<std::string_view> repeated;
  for (const auto& entry : *object) {
    std::string_view key = entry.key();
    const auto* match = known.begin();
    while (match != known.end() && !iequals(key, *match))
      ++match;
    if (match == known.end()) {
      unknown.push_back(key);
      continue;
    }
    if (std::find(seen.begin(), seen.end(), *match) != seen.end()) {
      if (!repeated)
        repeated = *match;
      continue;
    }
    seen.push_back(*match);
  }
  if (!unknown.empty())
    return invalid_parameter(std::string(unknown.front()),
                             (unknown.size() == 1 ? "unknown parameter " : "unknown parameters ") +
                               join(unknown) + " (expected " +
                               join(std::vector<std::string_view>(known)) + ")");
  if (repeated)
    return invalid_parameter(std::string(*repeated),
                             "parameter " + std::string(*repeated) + " is given more than once");
  return method_params{*object};
}

const json::value* method_params::find(std::string_view name) const {
  for (const auto& [key, value] : *body_)
    if (iequals(key, name))
      return &value;
  return nullptr;
}

result<std::string> decode_reference_param(const json::value* v, std::string_view param,
                                           std::string_view expected_class,
                                           std::string_view key_name) {
  std::string name(param);
  if (!v || v->is_null())
    return invalid_parameter(name, name + " is required");
  if (!v->is_string())
    return invalid_parameter(name, name + " must be a string (an object path or a GUID), not " +
                                     json::serialize(*v));
  return resolve_reference(v->get_string(), expected_class, key_name, name);
}

} // namespace refpoint::protocol
