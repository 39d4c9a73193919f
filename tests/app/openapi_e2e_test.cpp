// GET /openapi.json against the routes the server really serves: every documented
// operation exists, and on every REST path the server allows exactly the documented methods.

#include "daemon_fixture.hpp"

#include <boost/algorithm/string.hpp>

#include <regex>
#include <set>

using namespace refpoint::test;
namespace json = boost::json;

namespace {

/// A documented path with its `{…}` parameters filled in with an id nobody has.
std::string concrete(const std::string& path) {
  return std::regex_replace(path, std::regex{R"(\{[^}]+\})"},
                            "00000000-0000-0000-0000-00000000F00D");
}

/// True when the answer says the route itself does not exist (not merely the id).
bool route_missing(const test_response& res) {
  if (res.status == 405)
    return true;
  if (res.status != 404)
    return false;
  auto detail = std::string{res.json().at("detail").as_string()};
  return detail.rfind("no resource at", 0) == 0 ||
         detail.rfind("unknown CIM class, method or instance", 0) == 0;
}

std::set<std::string> documented_methods(const json::object& item) {
  std::set<std::string> out;
  for (const auto& [key, value] : item)
    if (key != "parameters")
      out.insert(boost::to_upper_copy(std::string{key}));
  return out;
}

} // namespace

TEST_F(DaemonTest, OpenApiDocumentDescribesExactlyTheServedRoutes) {
  start();
  auto res = http().get("/openapi.json");
  ASSERT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("Content-Type"), "application/json");
  auto doc = res.json().as_object();
  EXPECT_EQ(std::string{doc.at("openapi").as_string()}.rfind("3.1", 0), 0u);
  const auto& paths = doc.at("paths").as_object();
  ASSERT_GT(paths.size(), 20u);
  for (const auto& [path, item] : paths) {
    auto target = concrete(std::string{path});
    for (const auto& method : documented_methods(item.as_object())) {
      SCOPED_TRACE(method + " " + std::string{path});
      auto verb = boost::beast::http::string_to_verb(method);
      auto answer = http().request(verb, target + (method == "GET" ? "?object=x.k=1" : ""),
                                   method == "POST" || method == "PUT" ? "{}" : "",
                                   {{"Content-Type", "application/json"}});
      EXPECT_FALSE(route_missing(answer)) << answer.status << " " << answer.body;
    }
    if (std::string_view{path}.rfind("/api/v1/", 0) != 0)
      continue;
    // PATCH is served nowhere: its 405 lists what the path allows.
    auto probe = http().request(boost::beast::http::verb::patch, target, "{}",
                                {{"Content-Type", "application/json"}});
    ASSERT_EQ(probe.status, 405u) << path;
    std::set<std::string> allowed;
    std::vector<std::string> parts;
    boost::split(parts, probe.header("Allow"), boost::is_any_of(", "), boost::token_compress_on);
    for (auto& p : parts)
      if (!p.empty())
        allowed.insert(p);
    EXPECT_EQ(allowed, documented_methods(item.as_object())) << path;
  }
}
