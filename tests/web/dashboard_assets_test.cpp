// Which request paths name the compiled-in dashboard files, and what each one declares.

#include "web/dashboard_assets.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using refpoint::web::find_dashboard_asset;
using path = std::vector<std::string>;

TEST(DashboardAssets, RootIsThePage) {
  for (const auto& root : {path{}, path{""}}) {
    const auto* page = find_dashboard_asset(root);
    ASSERT_NE(page, nullptr);
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    EXPECT_TRUE(page->body.starts_with("<!doctype html>"));
  }
}

TEST(DashboardAssets, ScriptAndStyleLiveUnderDashboard) {
  const auto* script = find_dashboard_asset(path{"dashboard", "app.js"});
  const auto* style = find_dashboard_asset(path{"dashboard", "style.css"});
  ASSERT_NE(script, nullptr);
  ASSERT_NE(style, nullptr);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(style->content_type, "text/css; charset=utf-8");
  EXPECT_FALSE(script->body.empty());
  EXPECT_FALSE(style->body.empty());
}

TEST(DashboardAssets, ETagsAreQuotedAndDifferPerFile) {
  const auto* page = find_dashboard_asset(path{});
  const auto* script = find_dashboard_asset(path{"dashboard", "app.js"});
  ASSERT_NE(page, nullptr);
  ASSERT_NE(script, nullptr);
  EXPECT_TRUE(page->etag.starts_with('"') && page->etag.ends_with('"'));
  EXPECT_GT(page->etag.size(), 10u);
  EXPECT_NE(page->etag, script->etag);
}

TEST(DashboardAssets, AnythingElseIsNotAnAsset) {
  EXPECT_EQ(find_dashboard_asset(path{"dashboard"}), nullptr);
  EXPECT_EQ(find_dashboard_asset(path{"dashboard", "x"}), nullptr);
  EXPECT_EQ(find_dashboard_asset(path{"dashboard", "app.js", "x"}), nullptr);
  EXPECT_EQ(find_dashboard_asset(path{"app.js"}), nullptr);
  EXPECT_EQ(find_dashboard_asset(path{"healthz"}), nullptr);
}

} // namespace
