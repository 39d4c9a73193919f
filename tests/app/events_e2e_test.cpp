// End-to-end tests of the event stream (`GET /api/v1/events`, DESIGN §4) against a real
// refpointd process and real WebSocket connections on 127.0.0.1.

#include "daemon_fixture.hpp"
#include "event_reading.hpp"

#include <gtest/gtest.h>

#include <set>

namespace refpoint::test {
namespace {

namespace json = boost::json;

class EventsTest : public DaemonTest {
protected:
  /// Starts refpointd with `extra` config (zero-size disks finish at once).
  void start_with(const std::string& extra = {}) {
    start({"--config", write_config(1'000'000'000'000, extra)});
  }

  std::unique_ptr<ws_client> subscribe(const std::string& query, ws_options options = {}) {
    auto client =
      std::make_unique<ws_client>(runs_.back()->port, "/api/v1/events" + query, std::move(options));
    EXPECT_TRUE(client->connected()) << "upgrade answered " << client->status();
    return client;
  }

  /// Reads events until `stream.caughtUp`; answers them and sets `caught_up` to its cursor.
  static std::vector<seen_event> read_until_caught_up(ws_client& client,
                                                      std::int64_t* caught_up = nullptr) {
    std::vector<seen_event> events;
    while (auto text = client.next()) {
      auto body = json::parse(*text).as_object();
      auto type = std::string{body.at("type").as_string()};
      auto cursor = std::stoll(std::string{body.at("cursor").as_string()});
      if (type == "stream.caughtUp") {
        if (caught_up)
          *caught_up = cursor;
        return events;
      }
      events.push_back({cursor, type, std::move(body)});
    }
    ADD_FAILURE() << "no stream.caughtUp";
    return events;
  }

  /// Starts a reference point job on `vm`; answers the job id.
  std::string start_job(const std::string& vm) {
    auto res = http().post("/api/v1/systems/" + vm + "/reference-points", R"({"type":"rct"})",
                           json_headers());
    EXPECT_EQ(res.status, 202u) << res.body;
    return std::string{res.json().at("id").as_string()};
  }

  static std::vector<std::string> types_of(const std::vector<seen_event>& events) {
    std::vector<std::string> types;
    for (const auto& e : events)
      types.push_back(e.type);
    return types;
  }

  static void expect_strictly_increasing(const std::vector<seen_event>& events) {
    for (std::size_t i = 1; i < events.size(); ++i)
      EXPECT_LT(events[i - 1].cursor, events[i].cursor) << "at " << i;
  }
};

TEST_F(EventsTest, ReplaysStoredEventsThenCaughtUpThenGoesLive) {
  start_with();
  auto vm = create_system(R"([{"id":"d1","sizeBytes":0}])");
  auto first = start_job(vm);
  wait_rest_job(first);

  auto client = subscribe("?since=0");
  std::int64_t caught_up = 0;
  auto replayed = read_until_caught_up(*client, &caught_up);
  ASSERT_FALSE(replayed.empty());
  expect_strictly_increasing(replayed);
  EXPECT_EQ(caught_up, replayed.back().cursor);
  EXPECT_EQ(replayed.front().type, "system.created");
  EXPECT_EQ(replayed.front().body.at("system").at("name").as_string(), vm);
  // A job's life: created, started, its reference point, the affected element, completed.
  EXPECT_EQ(types_of(replayed),
            (std::vector<std::string>{"system.created", "job.created", "job.state",
                                      "referencePoint.created", "job.affected", "job.state"}));
  const auto& last = replayed.back().body.at("job");
  EXPECT_EQ(last.at("id").as_string(), first);
  EXPECT_EQ(last.at("jobState").to_number<int>(), 7);
  EXPECT_FALSE(replayed.back().body.at("time").as_string().empty());

  auto second = start_job(vm);
  auto live = read_until_done(*client, second);
  ASSERT_FALSE(live.empty());
  EXPECT_GT(live.front().cursor, caught_up);
  expect_strictly_increasing(live);
  EXPECT_EQ(live.front().type, "job.created");
  EXPECT_EQ(live.back().body.at("job").at("jobState").to_number<int>(), 7);
}

TEST_F(EventsTest, WithoutSinceOnlyLiveEventsComeAfterCaughtUp) {
  start_with();
  auto vm = create_system(R"([{"id":"d1","sizeBytes":0}])");
  wait_rest_job(start_job(vm));

  auto client = subscribe("");
  std::int64_t caught_up = 0;
  EXPECT_TRUE(read_until_caught_up(*client, &caught_up).empty());
  EXPECT_GT(caught_up, 0);
  auto job = start_job(vm);
  auto live = read_until_done(*client, job);
  ASSERT_FALSE(live.empty());
  EXPECT_EQ(live.front().cursor, caught_up + 1);
}

TEST_F(EventsTest, ResumingAfterARestartMissesAndRepeatsNothing) {
  start_with();
  auto vm = create_system(R"([{"id":"d1","sizeBytes":0}])");
  for (int i = 0; i < 3; ++i)
    wait_rest_job(start_job(vm));
  std::vector<seen_event> before;
  {
    auto client = subscribe("?since=0");
    before = read_until_caught_up(*client);
  }
  ASSERT_GE(before.size(), 10u);
  ASSERT_EQ(stop_gracefully(), 0);

  start_with();
  auto after_restart = start_job(vm);
  wait_rest_job(after_restart);
  // Resume from the middle of what the first run delivered.
  const auto resume_at = before[before.size() / 2].cursor;
  auto client = subscribe("?since=" + std::to_string(resume_at));
  auto resumed = read_until_caught_up(*client);

  std::vector<std::int64_t> expected_old;
  for (const auto& e : before)
    if (e.cursor > resume_at)
      expected_old.push_back(e.cursor);
  ASSERT_GT(resumed.size(), expected_old.size());
  for (std::size_t i = 0; i < expected_old.size(); ++i)
    EXPECT_EQ(resumed[i].cursor, expected_old[i]) << "at " << i;
  expect_strictly_increasing(resumed);
  // Then the new run's events, ending with the new job's completion.
  EXPECT_EQ(resumed.back().type, "job.state");
  EXPECT_EQ(resumed.back().body.at("job").at("id").as_string(), after_restart);
  EXPECT_EQ(resumed[expected_old.size()].cursor, before.back().cursor + 1);
}

TEST_F(EventsTest, AfterACrashTheStoredEventsAreGapFreeAndEndEveryJob) {
  // 2 MB/s: each 4 MB job scans for two seconds, so the crash lands mid-scan.
  start({"--config", write_config(2'000'000)});
  auto vm = create_system(R"([{"id":"d1","sizeBytes":4000000}])");
  auto quick = create_system(R"([{"id":"d1","sizeBytes":0}])");
  wait_rest_job(start_job(quick));
  std::vector<std::string> jobs{start_job(vm), start_job(vm)};
  {
    auto client = subscribe("?types=job.progress");
    read_until_caught_up(*client);
    ASSERT_TRUE(client->next()) << "the first job made progress";
  }
  runs_.back()->process.kill_hard();

  start_with();
  for (const auto& id : jobs)
    wait_rest_job(id);
  auto client = subscribe("?since=0");
  auto events = read_until_caught_up(*client);
  ASSERT_FALSE(events.empty());
  for (std::size_t i = 0; i < events.size(); ++i)
    EXPECT_EQ(events[i].cursor, static_cast<std::int64_t>(i + 1)) << "no gap at " << i;
  // Each job's last event tells its final state as stored.
  for (const auto& id : jobs) {
    const auto stored = http().get("/api/v1/jobs/" + id).json().at("jobState");
    const seen_event* last = nullptr;
    for (const auto& e : events)
      if (e.body.contains("job") && e.body.at("job").at("id").as_string() == id)
        last = &e;
    ASSERT_NE(last, nullptr) << id;
    EXPECT_EQ(last->type, "job.state") << id;
    EXPECT_EQ(last->body.at("job").at("jobState"), stored) << id;
  }
}

TEST_F(EventsTest, CursorOutsideTheRetainedWindowIsGoneWith4410) {
  start_with("[events]\nretention = 4\n");
  auto vm = create_system(R"([{"id":"d1","sizeBytes":0}])");
  for (int i = 0; i < 3; ++i)
    wait_rest_job(start_job(vm));

  auto client = subscribe("?since=1");
  auto text = client->next();
  ASSERT_TRUE(text);
  auto body = json::parse(*text).as_object();
  EXPECT_EQ(body.at("type").as_string(), "stream.gone");
  const auto oldest = std::stoll(std::string{body.at("oldest").as_string()});
  EXPECT_GT(oldest, 2);
  ASSERT_TRUE(client->wait_closed(10s));
  EXPECT_EQ(client->close_code(), 4410);

  // The oldest retained cursor's predecessor still resumes.
  auto ok = subscribe("?since=" + std::to_string(oldest - 1));
  auto replayed = read_until_caught_up(*ok);
  ASSERT_FALSE(replayed.empty());
  EXPECT_EQ(replayed.front().cursor, oldest);

  // A cursor this server never issued is gone too.
  auto future = subscribe("?since=999999");
  auto gone = future->next();
  ASSERT_TRUE(gone);
  EXPECT_EQ(json::parse(*gone).at("type").as_string(), "stream.gone");
  ASSERT_TRUE(future->wait_closed(10s));
  EXPECT_EQ(future->close_code(), 4410);
}

TEST_F(EventsTest, FiltersSelectByJobTargetAndType) {
  start_with();
  auto a = create_system(R"([{"id":"d1","sizeBytes":0}])");
  auto b = create_system(R"([{"id":"d1","sizeBytes":0}])");
  auto job_a = start_job(a);
  wait_rest_job(job_a);
  wait_rest_job(start_job(b));

  {
    auto client = subscribe("?since=0&target=" + a);
    auto events = read_until_caught_up(*client);
    ASSERT_EQ(events.size(), 6u);
    for (const auto& e : events) {
      auto resource = e.body.contains("job") ? e.body.at("job").at("target")
                      : e.body.contains("referencePoint")
                        ? e.body.at("referencePoint").at("systemId")
                        : e.body.at("system").at("name");
      EXPECT_EQ(resource.as_string(), a) << e.type;
    }
  }
  {
    auto client = subscribe("?since=0&job=" + job_a);
    auto events = read_until_caught_up(*client);
    EXPECT_EQ(types_of(events),
              (std::vector<std::string>{"job.created", "job.state", "referencePoint.created",
                                        "job.affected", "job.state"}));
  }
  {
    auto client = subscribe("?since=0&types=job.state,referencePoint.*");
    auto events = read_until_caught_up(*client);
    std::multiset<std::string> types;
    for (const auto& e : events)
      types.insert(e.type);
    EXPECT_EQ(types,
              (std::multiset<std::string>{"job.state", "job.state", "job.state", "job.state",
                                          "referencePoint.created", "referencePoint.created"}));
  }
}

TEST_F(EventsTest, BadSubscriptionsAreRefusedBeforeTheUpgrade) {
  start_with();
  const auto port = runs_.back()->port;
  EXPECT_EQ(ws_client(port, "/api/v1/events?since=abc").status(), 400u);
  EXPECT_EQ(ws_client(port, "/api/v1/events?types=job.bogus").status(), 400u);
  EXPECT_EQ(ws_client(port, "/api/v1/events?colour=red").status(), 400u);
  EXPECT_EQ(ws_client(port, "/api/v1/jobs").status(), 404u);
  auto plain = http().get("/api/v1/events?since=abc");
  EXPECT_EQ(plain.status, 426u) << plain.body;
  EXPECT_EQ(plain.header("Upgrade"), "websocket");
  auto res = http().get("/api/v1/events");
  EXPECT_EQ(res.status, 426u);
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
}

TEST_F(EventsTest, BadParametersNameTheField) {
  start_with();
  // The same checks, read as a plain HTTP request that asks for the upgrade.
  http_client::header_list upgrade{{"Connection", "Upgrade"},
                                   {"Upgrade", "websocket"},
                                   {"Sec-WebSocket-Version", "13"},
                                   {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  auto since = http().get("/api/v1/events?since=-4", upgrade);
  EXPECT_EQ(since.status, 400u);
  EXPECT_EQ(since.json().at("field").as_string(), "since");
  auto types = http().get("/api/v1/events?types=job.created,,job.state", upgrade);
  EXPECT_EQ(types.status, 400u);
  EXPECT_EQ(types.json().at("field").as_string(), "types");
}

TEST_F(EventsTest, TokensAreRequiredWhenConfigured) {
  start_with("[server]\nauth_tokens = [\"s3cret\"]\n");
  const auto port = runs_.back()->port;
  EXPECT_EQ(ws_client(port, "/api/v1/events").status(), 401u);
  EXPECT_EQ(ws_client(port, "/api/v1/events?access_token=wrong").status(), 401u);
  ws_client by_query(port, "/api/v1/events?access_token=s3cret");
  EXPECT_TRUE(by_query.connected());
  ws_client by_header(port, "/api/v1/events",
                      ws_options{.headers = {{"Authorization", "Bearer s3cret"}}});
  EXPECT_TRUE(by_header.connected());
  auto caught_up = by_header.next();
  ASSERT_TRUE(caught_up);
  EXPECT_EQ(json::parse(*caught_up).at("type").as_string(), "stream.caughtUp");
}

TEST_F(EventsTest, SubscribersBeyondTheLimitGet503) {
  start_with("[events]\nmax_subscribers = 3\n");
  const auto port = runs_.back()->port;
  std::vector<std::unique_ptr<ws_client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<ws_client>(port, "/api/v1/events"));
    ASSERT_TRUE(held.back()->connected()) << i;
    ASSERT_TRUE(held.back()->next()) << "caught up " << i; // registered with the hub
  }
  EXPECT_EQ(ws_client(port, "/api/v1/events").status(), 503u);
  held.pop_back();
  // The hub forgets a subscriber once its connection is gone.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  unsigned status = 0;
  while (status != 101 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    status = ws_client(port, "/api/v1/events").status();
  }
  EXPECT_EQ(status, 101u);
}

TEST_F(EventsTest, QuietStreamsArePinged) {
  start_with("[events]\nping_interval_s = 1\n");
  auto client = subscribe("");
  ASSERT_TRUE(client->next()); // stream.caughtUp
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (client->pings() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  EXPECT_GE(client->pings(), 1u);
  // Answered pings keep the connection open past the idle timeout.
  std::this_thread::sleep_for(2500ms);
  EXPECT_FALSE(client->wait_closed(0ms));
}

TEST_F(EventsTest, SlowSubscriberIsClosedWith4408WhileOthersGetEverything) {
  start_with("[events]\nqueue_limit = 100\n");
  auto vm = create_system(R"([{"id":"d1","sizeBytes":0}])");
  auto slow = subscribe("", ws_options{.headers = {}, .receive_buffer = 4096, .read_now = false});
  auto fast = subscribe("");
  constexpr int jobs = 200;
  std::set<std::string> ids;
  std::string last;
  for (int i = 0; i < jobs; ++i) {
    last = start_job(vm);
    ids.insert(last);
  }
  wait_rest_job(last);

  // The fast subscriber saw every job finish.
  std::set<std::string> finished;
  while (finished.size() < ids.size()) {
    auto text = fast->next();
    if (!text)
      break;
    auto body = json::parse(*text).as_object();
    if (body.at("type") == "job.state" && body.at("job").at("jobState").to_number<int>() == 7)
      finished.insert(std::string{body.at("job").at("id").as_string()});
  }
  EXPECT_EQ(finished, ids);

  // The slow one was dropped: what it has buffered, then 4408.
  slow->start_reading();
  std::int64_t last_cursor = 0;
  std::set<std::string> slow_finished;
  while (auto text = slow->next(5s)) {
    auto body = json::parse(*text).as_object();
    if (body.at("type") == "stream.caughtUp")
      continue;
    last_cursor = std::stoll(std::string{body.at("cursor").as_string()});
    if (body.at("type") == "job.state" && body.at("job").at("jobState").to_number<int>() == 7)
      slow_finished.insert(std::string{body.at("job").at("id").as_string()});
  }
  ASSERT_TRUE(slow->wait_closed(10s));
  EXPECT_EQ(slow->close_code(), 4408);
  EXPECT_LT(slow_finished.size(), ids.size());

  // Resuming from its last cursor brings the rest: every job's end is delivered.
  auto resumed = subscribe("?since=" + std::to_string(last_cursor));
  for (const auto& e : read_until_caught_up(*resumed))
    if (e.type == "job.state" && e.body.at("job").at("jobState").to_number<int>() == 7)
      slow_finished.insert(std::string{e.body.at("job").at("id").as_string()});
  EXPECT_EQ(slow_finished, ids);

  auto metrics = http().get("/metrics").body;
  EXPECT_NE(metrics.find("refpoint_event_subscribers_dropped_total 1\n"), std::string::npos)
    << metrics;
  EXPECT_NE(metrics.find("refpoint_event_subscribers 2\n"), std::string::npos) << metrics;
}

} // namespace
} // namespace refpoint::test
