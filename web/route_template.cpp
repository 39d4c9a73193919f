#include "web/route_template.hpp"

#include "web/exchange.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace refpoint::web {

namespace {

/// REST routes below `/api/v1` (DESIGN §4), segments separated by '/'; `*` is an id.
constexpr std::array<std::string_view, 17> rest_routes = {
  "systems",
  "systems/*",
  "systems/*/reference-points",
  "collections",
  "collections/*",
  "collections/*/members/*",
  "collections/*/reference-points",
  "reference-points",
  "reference-points/*",
  "reference-points/*/changes",
  "reference-point-collections",
  "reference-point-collections/*",
  "jobs",
  "jobs/*",
  "jobs/*/cancel",
  "events",
  "cluster",
};

/// True when `segments` (from `first` on) match `pattern` segment by segment.
bool matches(std::string_view pattern, const std::vector<std::string>& segments,
             std::size_t first) {
  std::size_t i = first;
  while (!pattern.empty()) {
    auto slash = pattern.find('/');
    auto part = pattern.substr(0, slash);
    if (i == segments.size() || (part != "*" && part != segments[i]))
      return false;
    ++i;
    pattern = slash == std::string_view::npos ? std::string_view{} : pattern.substr(slash + 1);
  }
  return i == segments.size();
}

/// `pattern` with its ids named: the fourth segment is a member's `{systemId}`.
std::string rest_template(std::string_view pattern) {
  std::string out = "/api/v1";
  std::size_t index = 0;
  while (!pattern.empty()) {
    auto slash = pattern.find('/');
    auto part = pattern.substr(0, slash);
    out += '/';
    out += part != "*" ? std::string{part} : (index == 3 ? "{systemId}" : "{id}");
    ++index;
    pattern = slash == std::string_view::npos ? std::string_view{} : pattern.substr(slash + 1);
  }
  return out;
}

std::string cim_template(http::verb method, const std::vector<std::string>& path) {
  auto depth = path.size() - 2;
  if (depth == 1 && (iequals(path[2], "associators") || iequals(path[2], "references")))
    return "/cim/v2/" + std::string{iequals(path[2], "associators") ? "associators" : "references"};
  if (depth == 1)
    return "/cim/v2/{class}";
  if (depth == 2)
    return method == http::verb::post ? "/cim/v2/{class}/{method}" : "/cim/v2/{class}/{key}";
  if (depth == 3)
    return "/cim/v2/{class}/{key}/{method}";
  return "other";
}

} // namespace

std::string route_template(http::verb method, const std::vector<std::string>& path) {
  if (path.empty() || (path.size() == 1 && path[0].empty()))
    return "/";
  if (path.size() == 1 &&
      (path[0] == "healthz" || path[0] == "metrics" || path[0] == "openapi.json"))
    return "/" + path[0];
  if (path.size() == 2 && path[0] == "dashboard")
    return "/dashboard/{file}";
  if (path.size() >= 2 && path[0] == "cim" && path[1] == "v2")
    return cim_template(method, path);
  if (path.size() >= 3 && path[0] == "api" && path[1] == "v1") {
    auto found =
      std::ranges::find_if(rest_routes, [&](std::string_view p) { return matches(p, path, 2); });
    if (found != rest_routes.end())
      return rest_template(*found);
  }
  return "other";
}

std::string_view method_label(http::verb method) {
  return method == http::verb::unknown ? "other" : http::to_string(method);
}

} // namespace refpoint::web
