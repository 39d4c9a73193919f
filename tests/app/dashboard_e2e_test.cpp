// The dashboard's files served by refpointd over a real socket: the page at `/`, its script and
// style sheet under `/dashboard/`, public even when the API needs a token.

#include "daemon_fixture.hpp"

#include <string>

using namespace refpoint::test;

namespace {

constexpr const char* auth_config = "[server]\nauth_tokens = [\"s3cret\"]\n";

} // namespace

TEST_F(DaemonTest, DashboardServesThePageAndItsAssetsWithTheirTypes) {
  start();

  auto page = http().get("/");
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("Cache-Control"), "no-cache");
  EXPECT_FALSE(page.header("ETag").empty());
  EXPECT_NE(page.header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(page.body.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(page.body.find(R"(<script src="/dashboard/app.js")"), std::string::npos);
  EXPECT_NE(page.body.find(R"(href="/dashboard/style.css")"), std::string::npos);

  auto script = http().get("/dashboard/app.js");
  ASSERT_EQ(script.status, 200u);
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.header("Cache-Control"), "no-cache");
  EXPECT_EQ(script.header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(script.body.find("/api/v1/events"), std::string::npos);

  auto style = http().get("/dashboard/style.css");
  ASSERT_EQ(style.status, 200u);
  EXPECT_EQ(style.header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(style.header("Cache-Control"), "no-cache");
  EXPECT_FALSE(style.body.empty());
  EXPECT_NE(style.header("ETag"), script.header("ETag"));
}

TEST_F(DaemonTest, DashboardAnswers404ForUnknownFilesAnd405ForOtherMethods) {
  start();
  for (const char* target : {"/dashboard/x", "/dashboard/app.js/x", "/dashboard", "/index.html"}) {
    auto res = http().get(target);
    EXPECT_EQ(res.status, 404u) << target;
    EXPECT_EQ(res.header("Content-Type"), "application/problem+json") << target;
  }
  auto post = http().post("/", "{}", json_headers());
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.header("Allow"), "GET");
}

TEST_F(DaemonTest, DashboardAnswersNotModifiedToItsETag) {
  start();
  auto first = http().get("/dashboard/app.js");
  ASSERT_EQ(first.status, 200u);
  auto again = http().get("/dashboard/app.js", {{"If-None-Match", first.header("ETag")}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("ETag"), first.header("ETag"));
  auto other = http().get("/dashboard/app.js", {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(other.status, 200u);
}

TEST_F(DaemonTest, DashboardIsPublicWhileTheApiNeedsAToken) {
  start({"--config", write_config(50'000'000, auth_config)});
  EXPECT_EQ(http().get("/").status, 200u);
  EXPECT_EQ(http().get("/dashboard/app.js").status, 200u);
  EXPECT_EQ(http().get("/dashboard/style.css").status, 200u);
  EXPECT_EQ(http().get("/api/v1/systems").status, 401u);
  EXPECT_EQ(http().get("/api/v1/systems", {{"Authorization", "Bearer s3cret"}}).status, 200u);
}
