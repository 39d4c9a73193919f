// One cluster-wide event stream (DESIGN §8): a dashboard connected to node b sees the jobs of
// node c, each event marked with its node, and resumes from b's cursor without a gap or a
// duplicate, even across b's own restart while c went on working, and c's new database.

#include "cluster_fixture.hpp"
#include "event_reading.hpp"

#include <set>

namespace refpoint::test {
namespace {

class ClusterEventsTest : public ClusterTest {
protected:
  std::unique_ptr<ws_client> subscribe_to(const std::string& name, std::int64_t since) {
    auto client = std::make_unique<ws_client>(nodes_.at(name)->port,
                                              "/api/v1/events?since=" + std::to_string(since));
    EXPECT_TRUE(client->connected()) << "upgrade answered " << client->status();
    return client;
  }

  std::string start_job_on(const std::string& name, const std::string& system) {
    auto res = on(name).post("/api/v1/systems/" + system + "/reference-points", R"({"type":"rct"})",
                             json_headers());
    EXPECT_EQ(res.status, 202u) << res.body;
    return std::string{res.json().at("id").as_string()};
  }

  /// The events of `job` among `events`, checking each is marked as node c's.
  static std::vector<std::string> types_of_job(const std::vector<seen_event>& events,
                                               const std::string& job) {
    std::vector<std::string> out;
    for (const auto& e : events) {
      const auto* payload = e.body.if_contains("job");
      if (!payload || payload->at("id").as_string() != job)
        continue;
      EXPECT_EQ(e.body.at("node"), "c") << boost::json::serialize(e.body);
      out.push_back(e.type);
    }
    return out;
  }

  /// Cursors strictly ascending: no event twice, none out of order (`stream.caughtUp`
  /// repeats the cursor it follows).
  static void expect_ascending(const std::vector<seen_event>& events, std::int64_t after) {
    for (const auto& e : events) {
      if (e.type.starts_with("stream."))
        continue;
      EXPECT_GT(e.cursor, after) << boost::json::serialize(e.body);
      after = e.cursor;
    }
  }
};

TEST_F(ClusterEventsTest, ADashboardOnBSeesCsJobsAndResumesWithoutGapsOrDuplicates) {
  start_three();
  auto res = on("c").post("/api/v1/systems",
                          R"({"elementName":"vm","disks":[{"id":"d1","sizeBytes":5000000}]})",
                          json_headers());
  ASSERT_EQ(res.status, 201u) << res.body;
  const auto machine = std::string{res.json().at("name").as_string()};

  // Live: c's job, seen from b, from creation to completion.
  auto stream = subscribe_to("b", 0);
  auto first = start_job_on("c", machine);
  auto seen = read_until_done(*stream, first);
  expect_ascending(seen, 0);
  auto types = types_of_job(seen, first);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "job.created");
  EXPECT_EQ(types.back(), "job.state");
  EXPECT_EQ(std::count(types.begin(), types.end(), "job.created"), 1);
  const auto last_cursor = seen.back().cursor;
  stream.reset();

  // b goes down; c works on; b comes back (same database) and copies what it missed.
  nodes_.at("b")->process.kill_hard();
  auto second = start_job_on("c", machine);
  wait_rest_job(second, &on("c"));
  auto& a = *nodes_.at("a");
  start_node("b", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)});

  // Resuming from b's cursor: the second job whole, nothing of the first again.
  auto resumed = subscribe_to("b", last_cursor);
  auto after = read_until_done(*resumed, second);
  expect_ascending(after, last_cursor);
  EXPECT_TRUE(types_of_job(after, first).empty()) << "the first job's events came twice";
  auto second_types = types_of_job(after, second);
  ASSERT_FALSE(second_types.empty());
  EXPECT_EQ(second_types.front(), "job.created");
  EXPECT_EQ(second_types.back(), "job.state");

  // Node a copied the same events of c, each once.
  auto on_a = subscribe_to("a", 0);
  auto all = read_until_done(*on_a, second);
  std::multiset<std::string> created;
  for (const auto& e : all)
    if (e.type == "job.created")
      created.insert(std::string{e.body.at("job").at("id").as_string()});
  EXPECT_EQ(created.count(first), 1u);
  EXPECT_EQ(created.count(second), 1u);

  // c comes back with a new database, numbering its events from 1 again: still copied.
  nodes_.at("c")->process.kill_hard();
  for (const auto* suffix : {"", "-wal", "-shm"})
    fs::remove(dir_ / (std::string{"c.db"} + suffix));
  start_node("c", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)});
  res = on("c").post("/api/v1/systems",
                     R"({"elementName":"vm2","disks":[{"id":"d1","sizeBytes":5000000}]})",
                     json_headers());
  ASSERT_EQ(res.status, 201u) << res.body;
  auto third = start_job_on("c", std::string{res.json().at("name").as_string()});
  auto again = subscribe_to("b", after.back().cursor);
  auto third_types = types_of_job(read_until_done(*again, third), third);
  ASSERT_FALSE(third_types.empty());
  EXPECT_EQ(third_types.front(), "job.created");
}

} // namespace
} // namespace refpoint::test
