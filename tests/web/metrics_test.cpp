// Route templates, the Prometheus exposition format and the metrics page.

#include "web/exposition.hpp"
#include "web/metrics.hpp"
#include "web/route_template.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace refpoint::web;
namespace persistence = refpoint::persistence;
using path = std::vector<std::string>;

TEST(RouteTemplate, NamesRestRoutesWithTheirIdsReplaced) {
  using http::verb;
  EXPECT_EQ(route_template(verb::get, path{"api", "v1", "systems"}), "/api/v1/systems");
  EXPECT_EQ(route_template(verb::get, path{"api", "v1", "systems", "ABC"}), "/api/v1/systems/{id}");
  EXPECT_EQ(route_template(verb::post, path{"api", "v1", "systems", "ABC", "reference-points"}),
            "/api/v1/systems/{id}/reference-points");
  EXPECT_EQ(route_template(verb::get, path{"api", "v1", "jobs", "J-1"}), "/api/v1/jobs/{id}");
  EXPECT_EQ(route_template(verb::post, path{"api", "v1", "jobs", "J-1", "cancel"}),
            "/api/v1/jobs/{id}/cancel");
  EXPECT_EQ(route_template(verb::put, path{"api", "v1", "collections", "C", "members", "S"}),
            "/api/v1/collections/{id}/members/{systemId}");
  EXPECT_EQ(route_template(verb::get, path{"api", "v1", "reference-point-collections", "R"}),
            "/api/v1/reference-point-collections/{id}");
}

TEST(RouteTemplate, NamesCimRoutesByShape) {
  using http::verb;
  EXPECT_EQ(route_template(verb::get, path{"cim", "v2", "Msvm_ComputerSystem"}), "/cim/v2/{class}");
  EXPECT_EQ(route_template(verb::get, path{"cim", "v2", "Msvm_ComputerSystem", "VM-1"}),
            "/cim/v2/{class}/{key}");
  EXPECT_EQ(route_template(verb::post, path{"cim", "v2", "Msvm_VirtualSystemReferencePointService",
                                            "CreateReferencePoint"}),
            "/cim/v2/{class}/{method}");
  EXPECT_EQ(route_template(verb::post, path{"cim", "v2", "Msvm_ConcreteJob", "J", "GetError"}),
            "/cim/v2/{class}/{key}/{method}");
  EXPECT_EQ(route_template(verb::get, path{"cim", "v2", "Associators"}), "/cim/v2/associators");
  EXPECT_EQ(route_template(verb::get, path{"cim", "v2", "references"}), "/cim/v2/references");
}

TEST(RouteTemplate, EverythingElseIsOther) {
  using http::verb;
  EXPECT_EQ(route_template(verb::get, path{"healthz"}), "/healthz");
  EXPECT_EQ(route_template(verb::get, path{"metrics"}), "/metrics");
  EXPECT_EQ(route_template(verb::get, path{"openapi.json"}), "/openapi.json");
  EXPECT_EQ(route_template(verb::get, path{}), "/");
  EXPECT_EQ(route_template(verb::get, path{"dashboard", "app.js"}), "/dashboard/{file}");
  EXPECT_EQ(route_template(verb::get, path{"dashboard", "anything"}), "/dashboard/{file}");
  for (const auto& p : {path{"favicon.ico"}, path{"api", "v1"}, path{"api", "v1", "nope"},
                        path{"api", "v1", "systems", "A", "nope"}, path{"api", "v2", "systems"},
                        path{"cim", "v2"}, path{"cim", "v2", "a", "b", "c", "d"},
                        path{"healthz", "x"}, path{"dashboard"}, path{"dashboard", "a", "b"}})
    EXPECT_EQ(route_template(verb::get, p), "other") << p.size();
}

TEST(RouteTemplate, UnknownMethodsAreOther) {
  EXPECT_EQ(method_label(http::verb::get), "GET");
  EXPECT_EQ(method_label(http::verb::delete_), "DELETE");
  EXPECT_EQ(method_label(http::verb::unknown), "other");
}

TEST(Exposition, EscapesLabelValuesAndFormatsNumbers) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(format_value(0.0005), "0.0005");
  EXPECT_EQ(format_value(5.0), "5");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(0.0), "0");
  EXPECT_EQ(format_value(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_value(1e-7), "1e-07");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_value(0.0 / 0.0), "NaN");
}

TEST(Exposition, WritesFamiliesAndSamples) {
  exposition out;
  out.family("x_total", "counter", "Things.");
  out.sample("x_total", {{"a", "1"}, {"b", "q\""}}, std::uint64_t{3});
  out.sample("x_total", {}, 0.25);
  EXPECT_EQ(out.text(), "# HELP x_total Things.\n"
                        "# TYPE x_total counter\n"
                        "x_total{a=\"1\",b=\"q\\\"\"} 3\n"
                        "x_total 0.25\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeAndEndInInf) {
  static constexpr double bounds[] = {0.1, 1.0};
  histogram h{bounds};
  for (double v : {0.05, 0.1, 0.5, 3.0})
    h.observe(v);
  exposition out;
  out.samples("d_seconds", {{"route", "r"}}, h);
  EXPECT_EQ(out.text(), "d_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"
                        "d_seconds_bucket{route=\"r\",le=\"1\"} 3\n"
                        "d_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"
                        "d_seconds_sum{route=\"r\"} 3.65\n"
                        "d_seconds_count{route=\"r\"} 4\n");
}

TEST(Metrics, PageHasEveryFamilyWithTheRecordedValues) {
  http_metrics requests;
  requests.record("/api/v1/systems", "POST", 201, 0.002);
  requests.record("/api/v1/systems", "POST", 201, 0.004);
  requests.record("other", "GET", 404, 0.0001);
  requests.record_relay("b", true, 0.0004);
  requests.record_relay("b", true, 0.0007);
  requests.record_relay("c", false, 1.5);
  persistence::store_stats store;
  store.transactions = 7;
  store.writes = 9;
  store.failed_writes = 1;
  store.commit_seconds_sum = 0.5;
  store.commit_seconds_count = 8;
  store.batch_size_max = 3;
  std::vector<persistence::job_state_count> jobs{{refpoint::protocol::job_state::running, 4, 3},
                                                 {refpoint::protocol::job_state::completed, 2, 0}};

  refpoint::actors::event_hub_stats events{.published = 12, .subscribers = 2, .dropped_slow = 1};

  using refpoint::actors::member_view;
  std::vector<member_view> cluster{{{"a", "127.0.0.1:7001", "127.0.0.1:8001"}, true, true, 3},
                                   {{"b", "127.0.0.1:7002", "127.0.0.1:8002"}, true, false, 1},
                                   {{"c", "127.0.0.1:7003", ""}, false, false, 0}};

  auto page = render_metrics(requests, store, jobs, events, cluster, 2);
  for (
    const char* line : {
      "# TYPE refpoint_http_requests_total counter\n",
      "refpoint_http_requests_total{route=\"/api/v1/systems\",method=\"POST\",status=\"201\"} 2\n",
      "refpoint_http_requests_total{route=\"other\",method=\"GET\",status=\"404\"} 1\n",
      "# TYPE refpoint_http_request_duration_seconds histogram\n",
      "refpoint_http_request_duration_seconds_bucket{route=\"/api/v1/systems\",le=\"0.001\"} 0\n",
      "refpoint_http_request_duration_seconds_bucket{route=\"/api/v1/systems\",le=\"0.005\"} 2\n",
      "refpoint_http_request_duration_seconds_bucket{route=\"/api/v1/systems\",le=\"+Inf\"} 2\n",
      "refpoint_http_request_duration_seconds_count{route=\"/api/v1/systems\"} 2\n",
      "refpoint_jobs{state=\"running\"} 4\n",
      "refpoint_jobs{state=\"completed\"} 2\n",
      "refpoint_jobs{state=\"exception\"} 0\n",
      "refpoint_jobs_queued 3\n",
      "refpoint_store_transactions_total 7\n",
      "# TYPE refpoint_events_published_total counter\n",
      "refpoint_events_published_total 12\n",
      "# TYPE refpoint_cluster_pending_members gauge\n",
      "refpoint_cluster_pending_members 2\n",
      "refpoint_event_subscribers 2\n",
      "refpoint_event_subscribers_dropped_total 1\n",
      "refpoint_store_writes_total 9\n",
      "refpoint_store_failed_writes_total 1\n",
      "# TYPE refpoint_store_commit_duration_seconds summary\n",
      "refpoint_store_commit_duration_seconds_sum 0.5\n",
      "refpoint_store_commit_duration_seconds_count 8\n",
      "refpoint_store_batch_size_max 3\n",
      "# TYPE refpoint_cluster_peers gauge\n",
      "refpoint_cluster_peers{state=\"alive\"} 1\n",
      "refpoint_cluster_peers{state=\"dead\"} 1\n",
      "refpoint_cluster_peer_up{node=\"b\",address=\"127.0.0.1:7002\"} 1\n",
      "refpoint_cluster_peer_up{node=\"c\",address=\"127.0.0.1:7003\"} 0\n",
      "# TYPE refpoint_cluster_relays_total counter\n",
      "refpoint_cluster_relays_total{node=\"b\",outcome=\"answered\"} 2\n",
      "refpoint_cluster_relays_total{node=\"c\",outcome=\"failed\"} 1\n",
      "# TYPE refpoint_cluster_relay_duration_seconds histogram\n",
      "refpoint_cluster_relay_duration_seconds_bucket{node=\"b\",le=\"0.0005\"} 1\n",
      "refpoint_cluster_relay_duration_seconds_bucket{node=\"b\",le=\"0.001\"} 2\n",
      "refpoint_cluster_relay_duration_seconds_bucket{node=\"c\",le=\"1\"} 0\n",
      "refpoint_cluster_relay_duration_seconds_count{node=\"c\"} 1\n",
    })
    EXPECT_NE(page.find(line), std::string::npos) << line << "in\n" << page;
  EXPECT_EQ(page.find("node=\"a\""), std::string::npos) << "this node is not its own peer";
}

} // namespace
