// The gateway's cross-cutting parts end to end: bearer-token auth, CORS and /metrics.

#include "daemon_fixture.hpp"

#include <sstream>
#include <string>
#include <vector>

using namespace refpoint::test;

namespace {

constexpr const char* auth_config = "[server]\nauth_tokens = [\"s3cret\"]\n";
constexpr const char* dashboard = "http://dash.example:3000";
constexpr const char* system_body =
  R"({"elementName":"vm","disks":[{"id":"d1","sizeBytes":1000}]})";

using header_list = http_client::header_list;

header_list bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& wanted) {
  return std::find(lines.begin(), lines.end(), wanted) != lines.end();
}

/// The value of the sample line starting with `prefix` (name and labels), or -1.
double sample_value(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const auto& line : lines)
    if (line.starts_with(prefix + " "))
      return std::stod(line.substr(prefix.size() + 1));
  return -1;
}

} // namespace

TEST_F(DaemonTest, AuthRefusesRequestsWithoutAValidToken) {
  start({"--config", write_config(50'000'000, auth_config)});

  auto missing = http().get("/api/v1/systems");
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(missing.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(missing.json().at("status").to_number<int>(), 401);
  EXPECT_EQ(missing.header("WWW-Authenticate"), R"(Bearer realm="refpoint")");

  auto wrong = http().get("/api/v1/systems", bearer("guess"));
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.header("WWW-Authenticate"), R"(Bearer realm="refpoint", error="invalid_token")");

  auto other_scheme = http().get("/api/v1/systems", {{"Authorization", "Basic czNjcmV0"}});
  EXPECT_EQ(other_scheme.status, 401u);

  EXPECT_EQ(http().get("/cim/v2/Msvm_ComputerSystem").status, 401u);
  EXPECT_EQ(http().get("/metrics").status, 401u);
  auto post = http().post("/api/v1/systems", system_body);
  EXPECT_EQ(post.status, 401u);
}

TEST_F(DaemonTest, AuthAcceptsTheBearerTokenAndOnGetTheQueryParameter) {
  start({"--config", write_config(50'000'000, auth_config)});

  EXPECT_EQ(http().get("/api/v1/systems", bearer("s3cret")).status, 200u);
  EXPECT_EQ(http().get("/api/v1/systems", {{"Authorization", "bEaReR s3cret"}}).status, 200u);
  EXPECT_EQ(http().get("/cim/v2/Msvm_ComputerSystem", bearer("s3cret")).status, 200u);
  EXPECT_EQ(http().get("/metrics", bearer("s3cret")).status, 200u);
  // The parameter is consumed by the gateway: a route refusing unknown parameters accepts it.
  EXPECT_EQ(http().get("/api/v1/systems?access_token=s3cret").status, 200u);
  EXPECT_EQ(http().get("/api/v1/jobs?access_token=s3cret&limit=5").status, 200u);
  auto wrong_param = http().get("/api/v1/systems?access_token=guess");
  EXPECT_EQ(wrong_param.status, 401u);
  EXPECT_EQ(wrong_param.header("WWW-Authenticate"),
            R"(Bearer realm="refpoint", error="invalid_token")");

  auto post_with_param = http().post("/api/v1/systems?access_token=s3cret", system_body);
  EXPECT_EQ(post_with_param.status, 401u) << "the query parameter is for GET only";
  auto post = http().post("/api/v1/systems", system_body, {{"Authorization", "Bearer s3cret"}});
  EXPECT_EQ(post.status, 201u) << post.body;
}

TEST_F(DaemonTest, AuthLeavesHealthzOpen) {
  start({"--config", write_config(50'000'000, auth_config)});
  auto res = http().get("/healthz");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("WWW-Authenticate"), "");
}

TEST_F(DaemonTest, CorsAddsHeadersForAnAllowedOriginAndAnswersItsPreflight) {
  start({"--config", write_config(50'000'000, std::string{auth_config} + "cors_origins = [\"" +
                                                dashboard + "\"]\n")});

  auto simple =
    http().get("/api/v1/systems", {{"Origin", dashboard}, {"Authorization", "Bearer s3cret"}});
  EXPECT_EQ(simple.status, 200u);
  EXPECT_EQ(simple.header("Access-Control-Allow-Origin"), dashboard);
  EXPECT_EQ(simple.header("Vary"), "Origin");
  EXPECT_EQ(simple.header("Access-Control-Expose-Headers"), "Location");

  auto refused = http().get("/api/v1/systems", {{"Origin", dashboard}});
  EXPECT_EQ(refused.status, 401u);
  EXPECT_EQ(refused.header("Access-Control-Allow-Origin"), dashboard)
    << "a dashboard must be able to read the 401";

  auto preflight =
    http().request(http::verb::options, "/api/v1/systems", {},
                   {{"Origin", dashboard},
                    {"Access-Control-Request-Method", "POST"},
                    {"Access-Control-Request-Headers", "authorization,content-type"}});
  EXPECT_EQ(preflight.status, 204u) << "no token needed for a preflight";
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), dashboard);
  EXPECT_EQ(preflight.header("Access-Control-Allow-Methods"), "GET, POST, PUT, DELETE, OPTIONS");
  EXPECT_EQ(preflight.header("Access-Control-Allow-Headers"),
            "Authorization, Content-Type, Idempotency-Key");
  EXPECT_EQ(preflight.header("Access-Control-Max-Age"), "600");
  EXPECT_EQ(preflight.header("Vary"), "Origin");
}

TEST_F(DaemonTest, CorsIgnoresAnUnknownOriginAndRefusesItsPreflight) {
  start({"--config", write_config(50'000'000, std::string{"[server]\ncors_origins = [\""} +
                                                dashboard + "\"]\n")});

  auto simple = http().get("/healthz", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(simple.status, 200u);
  EXPECT_EQ(simple.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(simple.header("Vary"), "");

  auto preflight =
    http().request(http::verb::options, "/api/v1/systems", {},
                   {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 403u);
  EXPECT_EQ(preflight.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "");
}

TEST_F(DaemonTest, WithoutCorsOriginsNoResponseCarriesCorsHeaders) {
  start();
  auto res = http().get("/healthz", {{"Origin", dashboard}});
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.header("Access-Control-Allow-Origin"), "");
}

TEST_F(DaemonTest, MetricsCountRequestsJobsAndStoreCommits) {
  start();
  auto vm = create_system();
  auto started =
    http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"rct"})", json_headers());
  ASSERT_EQ(started.status, 202u) << started.body;
  auto done = wait_rest_job(std::string{started.json().at("id").as_string()});
  ASSERT_EQ(done.at("state").as_string(), "completed");

  auto res = http().get("/metrics");
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_TRUE(res.header("Content-Type").starts_with("text/plain; version=0.0.4"))
    << res.header("Content-Type");
  auto lines = lines_of(res.body);

  EXPECT_TRUE(has_line(lines, "# TYPE refpoint_jobs gauge")) << res.body;
  EXPECT_TRUE(has_line(lines, R"(refpoint_jobs{state="completed"} 1)")) << res.body;
  EXPECT_TRUE(has_line(lines, R"(refpoint_jobs{state="running"} 0)")) << res.body;
  EXPECT_TRUE(has_line(lines, "refpoint_jobs_queued 0")) << res.body;

  EXPECT_TRUE(has_line(lines, "# TYPE refpoint_http_requests_total counter")) << res.body;
  EXPECT_TRUE(has_line(
    lines, R"(refpoint_http_requests_total{route="/api/v1/systems",method="POST",status="201"} 1)"))
    << res.body;
  EXPECT_TRUE(has_line(
    lines,
    R"(refpoint_http_requests_total{route="/api/v1/systems/{id}/reference-points",method="POST",status="202"} 1)"))
    << res.body;
  EXPECT_GE(
    sample_value(
      lines,
      R"(refpoint_http_requests_total{route="/api/v1/jobs/{id}",method="GET",status="200"})"),
    1.0)
    << res.body;

  EXPECT_TRUE(has_line(lines, "# TYPE refpoint_http_request_duration_seconds histogram"));
  const std::string bucket_prefix =
    R"(refpoint_http_request_duration_seconds_bucket{route="/api/v1/systems",le=")";
  std::vector<std::pair<std::string, double>> buckets;
  for (const auto& line : lines) {
    if (!line.starts_with(bucket_prefix))
      continue;
    auto quote = line.find('"', bucket_prefix.size());
    buckets.emplace_back(line.substr(bucket_prefix.size(), quote - bucket_prefix.size()),
                         std::stod(line.substr(line.rfind(' ') + 1)));
  }
  ASSERT_EQ(buckets.size(), 14u) << res.body;
  EXPECT_EQ(buckets.front().first, "0.0005");
  EXPECT_EQ(buckets.back().first, "+Inf");
  for (std::size_t i = 1; i < buckets.size(); ++i)
    EXPECT_LE(buckets[i - 1].second, buckets[i].second) << buckets[i].first;
  auto count =
    sample_value(lines, R"(refpoint_http_request_duration_seconds_count{route="/api/v1/systems"})");
  EXPECT_EQ(buckets.back().second, count);
  EXPECT_GE(count, 1.0);
  EXPECT_GE(
    sample_value(lines, R"(refpoint_http_request_duration_seconds_sum{route="/api/v1/systems"})"),
    0.0);

  EXPECT_GT(sample_value(lines, "refpoint_store_transactions_total"), 0.0) << res.body;
  EXPECT_GT(sample_value(lines, "refpoint_store_writes_total"), 0.0);
  EXPECT_EQ(sample_value(lines, "refpoint_store_failed_writes_total"), 0.0);
  EXPECT_GT(sample_value(lines, "refpoint_store_commit_duration_seconds_count"), 0.0);
  EXPECT_GE(sample_value(lines, "refpoint_store_commit_duration_seconds_sum"), 0.0);
  EXPECT_GE(sample_value(lines, "refpoint_store_batch_size_max"), 1.0);

  auto post = http().post("/metrics", "{}", json_headers());
  EXPECT_EQ(post.status, 405u);
}

TEST_F(DaemonTest, MetricsLabelUnknownPathsAsOther) {
  start();
  EXPECT_EQ(http().get("/no/such/thing-1").status, 404u);
  EXPECT_EQ(http().get("/api/v1/systems/00000000-0000-0000-0000-000000000009").status, 404u);
  auto lines = lines_of(http().get("/metrics").body);
  EXPECT_TRUE(
    has_line(lines, R"(refpoint_http_requests_total{route="other",method="GET",status="404"} 1)"));
  EXPECT_TRUE(has_line(
    lines,
    R"(refpoint_http_requests_total{route="/api/v1/systems/{id}",method="GET",status="404"} 1)"));
  for (const auto& line : lines)
    EXPECT_EQ(line.find("thing-1"), std::string::npos) << line;
}
