#include "protocol/query_params.hpp"

#include <algorithm>

namespace refpoint::protocol {

namespace {

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (auto name : names)
    out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

bool contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

std::optional<failure> check_query_names(const query_list& query,
                                         std::span<const std::string_view> known) {
  std::vector<std::string_view> unknown;
  for (const auto& [name, value] : query)
    if (!contains(known, name) && !contains(unknown, name))
      unknown.push_back(name);
  if (!unknown.empty())
    return invalid_parameter(
      std::string(unknown.front()),
      (unknown.size() == 1 ? "unknown query parameter " : "unknown query parameters ") +
        join(unknown) + "; allowed: " + join(known));
  std::vector<std::string_view> seen;
  for (const auto& [name, value] : query) {
    if (contains(seen, name))
      return invalid_parameter(name, "query parameter " + name + " is given more than once");
    seen.push_back(name);
  }
  return std::nullopt;
}

} // namespace refpoint::protocol
