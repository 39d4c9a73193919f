// Collections whose members live on different nodes (DESIGN §8): the collection job runs
// on the collection's home node as a two-phase commit over the members' own FIFO queues.
// Three refpointd processes on loopback show that such a collection completes atomically,
// that a member node killed before the decision fails the job and leaves no member
// reference point anywhere (also once it restarts), and that a coordinator killed right
// after its decision leaves every member consistent once it returns. Nodes are made to
// crash at an exact step with REFPOINT_FAILPOINT (actors/failpoint.hpp).

#include "cluster_fixture.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>

namespace refpoint::test {
namespace {

/// The method timeout every node runs with (also the bound on a failed job's end).
constexpr auto method_timeout = 3000ms;
const std::string timeout_config = "[jobs]\nmethod_timeout_ms = 3000\n";

/// `REFPOINT_FAILPOINT` set for the processes started while it lives (they inherit it).
class failpoint_env {
public:
  explicit failpoint_env(const char* name) { ::setenv("REFPOINT_FAILPOINT", name, 1); }
  ~failpoint_env() { ::unsetenv("REFPOINT_FAILPOINT"); }
  failpoint_env(const failpoint_env&) = delete;
  failpoint_env& operator=(const failpoint_env&) = delete;
};

class ClusterCollectionsTest : public ClusterTest {
protected:
  /// Starts a, b (joining a) and c (joining b); `failing` (if any) runs with the failpoint
  /// `failpoint` armed.
  void start_cluster(const std::string& failing = {}, const char* failpoint = nullptr) {
    auto start = [&](const std::string& name, std::vector<std::string> flags) {
      std::optional<failpoint_env> env;
      if (name == failing)
        env.emplace(failpoint);
      start_node(name, std::move(flags), timeout_config);
    };
    start("a", {"--cluster-listen", "127.0.0.1:0"});
    start("b", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(*nodes_.at("a"))});
    start("c", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(*nodes_.at("b"))});
    const cluster_view all_alive{{"a", {true, 0}}, {"b", {true, 0}}, {"c", {true, 0}}};
    for (const auto* name : {"a", "b", "c"})
      ASSERT_EQ(wait_for_view(name, all_alive), all_alive) << "as node " << name << " sees it";
  }

  /// Restarts node `name` on its cluster port, without a failpoint, and waits until every
  /// node sees every other alive again (its peers redial it).
  void restart(const std::string& name) {
    const auto port = nodes_.at(name)->cluster_port;
    nodes_.at(name)->process.kill_hard(); // reaped (a no-op when it already died)
    start_node(name, {"--cluster-listen", "127.0.0.1:" + std::to_string(port)}, timeout_config);
    auto all_alive = [this](const std::string& via) {
      auto view = view_of(via);
      return view.size() == 3 && std::all_of(view.begin(), view.end(),
                                             [](const auto& node) { return node.second.first; });
    };
    for (const auto* via : {"a", "b", "c"}) {
      auto deadline = std::chrono::steady_clock::now() + 20s;
      while (!all_alive(via) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
      ASSERT_TRUE(all_alive(via)) << "as node " << via << " sees it";
    }
  }

  /// Registers a system on node `home` with one sim disk of `bytes`; answers its name.
  std::string system_on(const std::string& home, std::uint64_t bytes = 5'000'000) {
    auto res =
      on(home).post("/api/v1/systems",
                    R"({"elementName":"vm-)" + home + R"(","disks":[{"id":"d1","sizeBytes":)" +
                      std::to_string(bytes) + "}]}",
                    json_headers());
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string{res.json().at("name").as_string()};
  }

  /// One system on each of a, b and c (in that order).
  std::vector<std::string> one_system_on_each_node() {
    return {system_on("a"), system_on("b"), system_on("c")};
  }

  /// A collection homed on a whose members are `members`; answers its id.
  std::string collection_on_a(const std::vector<std::string>& members) {
    std::string list;
    for (const auto& m : members)
      list += (list.empty() ? "\"" : ",\"") + m + "\"";
    auto res =
      on("a").post("/api/v1/collections", R"({"elementName":"spanning","members":[)" + list + "]}",
                   json_headers());
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string{res.json().at("id").as_string()};
  }

  /// Starts the collection's RCT reference point through node `via`; answers the job id.
  std::string start_collection_rp(const std::string& via, const std::string& collection) {
    auto res = on(via).post("/api/v1/collections/" + collection + "/reference-points",
                            R"({"type":"rct"})", json_headers());
    EXPECT_EQ(res.status, 202u) << res.body;
    return std::string{res.json().at("id").as_string()};
  }

  /// The reference points of `system` as listed through node `via`.
  boost::json::array reference_points_of(const std::string& via, const std::string& system) {
    auto res = on(via).get("/api/v1/systems/" + system + "/reference-points");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200u ? res.json().at("items").as_array() : boost::json::array{};
  }

  /// `refpoint_cluster_pending_members` of node `name`.
  long pending_members_on(const std::string& name) {
    auto body = on(name).get("/metrics").body;
    std::smatch m;
    if (!std::regex_search(body, m, std::regex{R"(\nrefpoint_cluster_pending_members (\d+)\n)"}))
      return -1;
    return std::stol(m[1]);
  }

  /// Polls node `name` until it holds no pending member (bounded); answers the last count.
  long wait_no_pending_on(const std::string& name) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    long last = -1;
    while (std::chrono::steady_clock::now() < deadline) {
      last = pending_members_on(name);
      if (last == 0)
        break;
      std::this_thread::sleep_for(50ms);
    }
    return last;
  }

  /// Checks that the collection reference point made by completed job `job` lists one member
  /// per system of `members`, each readable through every node and listed by its system.
  /// Answers its id.
  std::string expect_whole_collection(const boost::json::object& job,
                                      const std::vector<std::string>& members) {
    EXPECT_EQ(job.at("state"), "completed") << boost::json::serialize(job);
    auto path = std::string{job.at("affectedElements").at(0).at("element").as_string()};
    auto rpc = id_in_path(path);
    EXPECT_FALSE(rpc.empty()) << path;
    check_whole_collection(rpc, members);
    return rpc;
  }

  void check_whole_collection(const std::string& rpc, const std::vector<std::string>& members) {
    for (const auto* via : {"a", "b", "c"}) {
      auto res = on(via).get("/api/v1/reference-point-collections/" + rpc);
      ASSERT_EQ(res.status, 200u) << via << ": " << res.body;
      const auto body = res.json();
      const auto& ids = body.at("memberIds").as_array();
      ASSERT_EQ(ids.size(), members.size()) << res.body;
      std::set<std::string> systems;
      for (const auto& id : ids) {
        auto rp = on(via).get("/api/v1/reference-points/" + std::string{id.as_string()});
        ASSERT_EQ(rp.status, 200u) << via << ": " << rp.body;
        EXPECT_EQ(rp.json().at("collectionReferencePointId"), boost::json::value(rpc)) << rp.body;
        systems.insert(std::string{rp.json().at("systemId").as_string()});
      }
      EXPECT_EQ(systems, std::set<std::string>(members.begin(), members.end()));
    }
    for (const auto& system : members)
      EXPECT_EQ(reference_points_of("b", system).size(), 1u) << system;
  }

  /// `associators` of the CIM object at `path` (with `filters`) through node `via`.
  boost::json::array associators(const std::string& via, const std::string& path,
                                 const std::string& filters) {
    auto res = on(via).get("/cim/v2/associators?object=" + path + filters);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200u ? res.json().as_array() : boost::json::array{};
  }

  /// Destroys collection reference point `rpc` through node `via`; answers the ended job.
  boost::json::object destroy_through(const std::string& via, const std::string& rpc) {
    auto res = on(via).del("/api/v1/reference-point-collections/" + rpc);
    EXPECT_EQ(res.status, 202u) << res.body;
    if (res.status != 202u)
      return {};
    return wait_rest_job(std::string{res.json().at("id").as_string()}, &on(via));
  }
};

TEST_F(ClusterCollectionsTest, ACollectionWithMembersOnAllThreeNodesCompletesAtomically) {
  start_cluster();
  const auto members = one_system_on_each_node();
  auto collection = collection_on_a(members);
  // Requested through c, followed through b: the job runs on a, the collection's home.
  auto job = wait_rest_job(start_collection_rp("c", collection), &on("b"));
  auto rpc = expect_whole_collection(job, members);
  for (const auto* name : {"a", "b", "c"})
    EXPECT_EQ(pending_members_on(name), 0) << name;

  // CIM associations reach across nodes too (asked through b; the collection lives on a,
  // its members on a, b and c).
  const std::set<std::string> expected(members.begin(), members.end());
  auto collected = associators("b", "Msvm_ReferencePointCollection.CollectionID=\"" + rpc + "\"",
                               "&AssocClass=Msvm_CollectedReferencePoints");
  std::set<std::string> member_systems;
  for (const auto& m : collected)
    member_systems.insert(std::string{m.at("VirtualSystemIdentifier").as_string()});
  EXPECT_EQ(member_systems, expected);
  std::set<std::string> collected_systems;
  for (const auto& s :
       associators("b", "Msvm_VirtualSystemCollection.InstanceID=\"" + collection + "\"",
                   "&AssocClass=Msvm_CollectedVirtualSystems"))
    collected_systems.insert(std::string{s.at("Name").as_string()});
  EXPECT_EQ(collected_systems, expected);
  for (const auto& m : collected) {
    auto owner = associators("a", std::string{m.at("__PATH").as_string()},
                             "&ResultClass=Msvm_ReferencePointCollection");
    ASSERT_EQ(owner.size(), 1u) << m.at("__PATH");
    EXPECT_EQ(owner[0].at("CollectionID"), boost::json::value(rpc));
  }

  // A member on another node that cannot take the reference point is refused at once, as
  // one on the collection's own node is: no job, no member anywhere gets one.
  auto no_tracking = on("c").post(
    "/api/v1/systems",
    R"({"elementName":"untracked","disks":[{"id":"d1","sizeBytes":1000,"changeTracking":false}]})",
    json_headers());
  ASSERT_EQ(no_tracking.status, 201u) << no_tracking.body;
  auto untracked = std::string{no_tracking.json().at("name").as_string()};
  auto refused = collection_on_a({members[0], members[1], untracked});
  auto refusal = on("b").post("/api/v1/collections/" + refused + "/reference-points",
                              R"({"type":"rct"})", json_headers());
  EXPECT_EQ(refusal.status, 409u) << refusal.body;
  EXPECT_NE(refusal.body.find("member " + untracked), std::string::npos) << refusal.body;
  for (const auto& system : members)
    EXPECT_EQ(reference_points_of("a", system).size(), 1u) << system;
}

TEST_F(ClusterCollectionsTest, AMemberNodeKilledMidScanEndsTheJobInExceptionAndLeavesNoMember) {
  start_cluster();
  // 3 x 100 MB at 50 MB/s: the scan takes six seconds.
  const std::vector<std::string> members{system_on("a", 100'000'000), system_on("b", 100'000'000),
                                         system_on("c", 100'000'000)};
  auto collection = collection_on_a(members);
  auto job_id = start_collection_rp("a", collection);
  // Wait until every member is held and the scan is under way.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto job = on("a").get("/api/v1/jobs/" + job_id).json();
    if (job.at("percentComplete").to_number<int>() > 0)
      break;
    std::this_thread::sleep_for(20ms);
  }
  const auto killed_at = std::chrono::steady_clock::now();
  nodes_.at("c")->process.kill_hard();
  auto job = wait_rest_job(job_id, &on("b"));
  EXPECT_LE(std::chrono::steady_clock::now() - killed_at, method_timeout + 2s);
  EXPECT_EQ(job.at("state"), "exception") << boost::json::serialize(job);
  EXPECT_NE(boost::json::serialize(job).find("node 'c'"), std::string::npos)
    << boost::json::serialize(job);
  EXPECT_TRUE(reference_points_of("a", members[0]).empty());
  EXPECT_TRUE(reference_points_of("b", members[1]).empty());
  EXPECT_EQ(on("a")
              .get("/api/v1/collections/" + collection + "/reference-points")
              .json()
              .at("items")
              .as_array()
              .size(),
            0u);

  restart("c");
  EXPECT_EQ(wait_no_pending_on("c"), 0);
  EXPECT_TRUE(reference_points_of("c", members[2]).empty());
  // The machines are free again: the same collection now completes.
  auto again = wait_rest_job(start_collection_rp("b", collection), &on("a"));
  expect_whole_collection(again, members);
}

TEST_F(ClusterCollectionsTest, AMemberNodeThatDiesAfterPreparingRollsBackWhenItReturns) {
  start_cluster("c", "member-prepared");
  const auto members = one_system_on_each_node();
  auto collection = collection_on_a(members);
  auto job_id = start_collection_rp("a", collection);
  // c records its pending member, then dies before the coordinator hears of it.
  EXPECT_EQ(nodes_.at("c")->process.wait(20s), 128 + SIGKILL);
  auto job = wait_rest_job(job_id, &on("a"));
  EXPECT_EQ(job.at("state"), "exception") << boost::json::serialize(job);
  EXPECT_EQ(wait_no_pending_on("b"), 0); // told to roll back
  EXPECT_TRUE(reference_points_of("a", members[0]).empty());
  EXPECT_TRUE(reference_points_of("b", members[1]).empty());

  // Back, c holds a pending member of a job that did not commit: it asks a and rolls back.
  restart("c");
  EXPECT_EQ(wait_no_pending_on("c"), 0);
  EXPECT_TRUE(reference_points_of("c", members[2]).empty());
  EXPECT_TRUE(reference_points_of("a", members[2]).empty());
}

TEST_F(ClusterCollectionsTest, ACoordinatorKilledAfterItsDecisionLeavesEveryMemberConsistent) {
  start_cluster("a", "collection-decided");
  const auto members = one_system_on_each_node();
  auto collection = collection_on_a(members);
  auto job_id = start_collection_rp("b", collection);
  // a commits its decision, then dies before telling b and c.
  EXPECT_EQ(nodes_.at("a")->process.wait(20s), 128 + SIGKILL);
  EXPECT_EQ(pending_members_on("b"), 1);
  EXPECT_EQ(pending_members_on("c"), 1);
  EXPECT_TRUE(reference_points_of("b", members[1]).empty()); // pending: invisible
  EXPECT_TRUE(reference_points_of("c", members[2]).empty());

  // Back, a's decision stands: b and c ask it and commit.
  restart("a");
  EXPECT_EQ(wait_no_pending_on("b"), 0);
  EXPECT_EQ(wait_no_pending_on("c"), 0);
  auto job = wait_rest_job(job_id, &on("c"));
  expect_whole_collection(job, members);
}

TEST_F(ClusterCollectionsTest, DestroyingACollectionSpanningNodesTakesEveryMemberOrNone) {
  start_cluster();
  const auto members = one_system_on_each_node();
  auto collection = collection_on_a(members);
  auto rpc =
    expect_whole_collection(wait_rest_job(start_collection_rp("a", collection), &on("a")), members);

  // A node holding a member is down: nothing is destroyed anywhere.
  nodes_.at("c")->process.kill_hard();
  auto refused = destroy_through("b", rpc);
  EXPECT_EQ(refused.at("state"), "exception") << boost::json::serialize(refused);
  EXPECT_NE(boost::json::serialize(refused).find("node 'c'"), std::string::npos)
    << boost::json::serialize(refused);
  EXPECT_EQ(wait_no_pending_on("b"), 0); // b prepared (or not) and rolled back
  restart("c");
  check_whole_collection(rpc, members);

  // Every node up: every member goes with the collection reference point.
  auto destroyed = destroy_through("c", rpc);
  EXPECT_EQ(destroyed.at("state"), "completed") << boost::json::serialize(destroyed);
  for (const auto* via : {"a", "b", "c"})
    EXPECT_EQ(on(via).get("/api/v1/reference-point-collections/" + rpc).status, 404u) << via;
  for (const auto& system : members)
    EXPECT_TRUE(reference_points_of("c", system).empty()) << system;
  for (const auto* name : {"a", "b", "c"})
    EXPECT_EQ(pending_members_on(name), 0) << name;
}

} // namespace
} // namespace refpoint::test
