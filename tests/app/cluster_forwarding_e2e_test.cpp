// Requests answered by any node of a three-node cluster (DESIGN §8): systems visible and
// usable from every node, a machine's reference points and jobs reached through the other
// nodes, listings gathered from all of them, and an owner that cannot be reached answered
// with CIM 3 / REST 503 within the method timeout, never a hang.

#include "cluster_fixture.hpp"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <random>
#include <set>

namespace refpoint::test {
namespace {

using steady = std::chrono::steady_clock;

class ClusterForwardingTest : public ClusterTest {
protected:
  /// Creates a system through node `via` whose home is `home` (named in the body when they
  /// differ); answers its name.
  std::string create_on(const std::string& via, const std::string& home,
                        const std::string& disk_bytes = "5000000") {
    std::string body =
      R"({"elementName":"vm-)" + home + R"(","disks":[{"id":"d1","sizeBytes":)" + disk_bytes + "}]";
    if (via != home)
      body += R"(,"node":")" + home + "\"";
    auto res = on(via).post("/api/v1/systems", body + "}", json_headers());
    EXPECT_EQ(res.status, 201u) << res.body;
    const auto json = res.json();
    EXPECT_EQ(json.at("node"), boost::json::value(home)) << res.body;
    return std::string{json.at("name").as_string()};
  }

  /// Starts a REST create job for `system` through node `via`; answers the job's id.
  std::string start_rp(const std::string& via, const std::string& system) {
    auto res = on(via).post("/api/v1/systems/" + system + "/reference-points", R"({"type":"rct"})",
                            json_headers());
    EXPECT_EQ(res.status, 202u) << res.body;
    return std::string{res.json().at("id").as_string()};
  }

  /// Polls a REST job through node `via` until it is no longer running.
  boost::json::object wait_job_on(const std::string& via, const std::string& id) {
    return wait_rest_job(id, &on(via));
  }

  /// The `name`s and `node`s of `GET /api/v1/systems` through node `via`.
  std::vector<std::pair<std::string, std::string>> systems_seen_by(const std::string& via) {
    auto res = on(via).get("/api/v1/systems");
    EXPECT_EQ(res.status, 200u) << res.body;
    const auto body = res.json();
    EXPECT_EQ(body.as_object().count("unreachable"), 0u) << res.body;
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& item : body.at("items").as_array())
      out.emplace_back(item.at("name").as_string(), item.at("node").as_string());
    return out;
  }
};

TEST_F(ClusterForwardingTest, SystemsOfEveryNodeAreVisibleAndUsableFromEveryNode) {
  start_three();
  auto on_a = create_on("a", "a");
  auto on_b = create_on("b", "b");
  auto on_c = create_on("c", "c");
  auto c_through_a = create_on("a", "c"); // the body names its home node

  std::vector<std::pair<std::string, std::string>> expected{
    {on_a, "a"}, {on_b, "b"}, {on_c, "c"}, {c_through_a, "c"}};
  std::sort(expected.begin(), expected.end());
  for (const auto* via : {"a", "b", "c"}) {
    EXPECT_EQ(systems_seen_by(via), expected) << "listed by node " << via;
    for (const auto& [name, home] : expected) {
      auto res = on(via).get("/api/v1/systems/" + name);
      ASSERT_EQ(res.status, 200u) << res.body;
      EXPECT_EQ(res.json().at("node"), boost::json::value(home));
      auto cim = on(via).get("/cim/v2/Msvm_ComputerSystem/" + name);
      EXPECT_EQ(cim.status, 200u) << cim.body;
    }
    auto all = on(via).get("/cim/v2/Msvm_ComputerSystem");
    ASSERT_EQ(all.status, 200u) << all.body;
    EXPECT_EQ(all.json().as_array().size(), 4u) << all.body;
  }

  // Each system is usable from a node that does not own it.
  auto job = wait_job_on("c", start_rp("b", on_a));
  EXPECT_EQ(job.at("state"), "completed") << boost::json::serialize(job);

  // A collection's members may live on any node; a member no node has is named.
  const std::string nobody = "00000000-0000-0000-0000-0000000000ee";
  auto unknown = on("a").post(
    "/api/v1/collections",
    R"({"elementName":"x","members":[")" + on_a + R"(",")" + nobody + R"("]})", json_headers());
  EXPECT_EQ(unknown.status, 404u) << unknown.body;
  EXPECT_EQ(unknown.json().at("field"), "members[1]") << unknown.body;
  auto spanning = on("b").post("/api/v1/collections",
                               R"({"elementName":"x","node":"a","members":[")" + on_a + R"(",")" +
                                 on_b + R"("]})",
                               json_headers());
  ASSERT_EQ(spanning.status, 201u) << spanning.body;
  EXPECT_EQ(spanning.json().at("node"), "a") << spanning.body;
  auto collection = std::string{spanning.json().at("id").as_string()};
  auto added = on("c").put("/api/v1/collections/" + collection + "/members/" + on_c, "");
  EXPECT_EQ(added.status, 200u) << added.body;
  EXPECT_EQ(added.json().at("members").as_array().size(), 3u) << added.body;
  auto missing = on("c").put("/api/v1/collections/" + collection + "/members/" + nobody, "");
  EXPECT_EQ(missing.status, 404u) << missing.body;
  EXPECT_EQ(missing.json().at("field"), "systemId") << missing.body;

  // A home node nobody has is the client's mistake.
  auto res =
    on("a").post("/api/v1/systems", R"({"elementName":"vm","node":"nowhere"})", json_headers());
  EXPECT_EQ(res.status, 400u) << res.body;
  EXPECT_EQ(res.json().at("field"), "node") << res.body;
}

TEST_F(ClusterForwardingTest, AReferencePointOfMachineOnCThroughAIsReadableFromB) {
  start_three();
  auto machine = create_on("c", "c");

  // REST: requested through a, followed through b.
  auto job_id = start_rp("a", machine);
  auto job = wait_job_on("b", job_id);
  ASSERT_EQ(job.at("state"), "completed") << boost::json::serialize(job);
  auto rp_path = std::string{job.at("affectedElements").at(0).at("element").as_string()};
  auto rp = id_in_path(rp_path);
  ASSERT_FALSE(rp.empty()) << rp_path;
  auto read = on("a").get("/api/v1/reference-points/" + rp);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.json().at("systemId"), boost::json::value(machine)) << read.body;
  auto listed = on("b").get("/api/v1/systems/" + machine + "/reference-points");
  ASSERT_EQ(listed.status, 200u) << listed.body;
  EXPECT_EQ(listed.json().at("items").as_array().size(), 1u) << listed.body;

  // CIM: requested through b, its job followed through a.
  auto created = on("b").post(
    "/cim/v2/Msvm_VirtualSystemReferencePointService/CreateReferencePoint",
    R"({"AffectedSystem":)" + boost::json::serialize(boost::json::value(system_path(machine))) +
      R"(,"ReferencePointType":1})",
    json_headers());
  ASSERT_EQ(created.status, 200u) << created.body;
  ASSERT_EQ(created.json().at("ReturnValue"), 4096) << created.body;
  auto cim_job = id_in_path(std::string{created.json().at("Job").as_string()});
  int state = 4;
  for (auto deadline = steady::now() + 30s; state == 4 && steady::now() < deadline;) {
    auto res = on("a").get("/cim/v2/Msvm_ConcreteJob/" + cim_job);
    ASSERT_EQ(res.status, 200u) << res.body;
    state = res.json().at("JobState").to_number<int>();
  }
  EXPECT_EQ(state, 7);
  auto rps = on("a").get("/cim/v2/Msvm_VirtualSystemReferencePoint");
  ASSERT_EQ(rps.status, 200u) << rps.body;
  EXPECT_EQ(rps.json().as_array().size(), 2u) << rps.body;
  auto associated = on("b").get("/cim/v2/associators?object=" + std::string{"Msvm_ConcreteJob."} +
                                "InstanceID=%22" + cim_job + "%22");
  ASSERT_EQ(associated.status, 200u) << associated.body;
  EXPECT_EQ(associated.json().as_array().size(), 1u) << associated.body;

  // Destroyed through b, the destroy job followed through a.
  auto destroyed = on("b").del("/api/v1/reference-points/" + rp);
  ASSERT_EQ(destroyed.status, 202u) << destroyed.body;
  auto destroy_job = wait_job_on("a", std::string{destroyed.json().at("id").as_string()});
  EXPECT_EQ(destroy_job.at("state"), "completed") << boost::json::serialize(destroy_job);
  EXPECT_EQ(on("c").get("/api/v1/reference-points/" + rp).status, 404u);
  EXPECT_EQ(on("a").get("/api/v1/reference-points/" + rp).status, 404u);

  // A long job on c cancelled through a.
  auto slow = create_on("c", "c", "500000000000");
  auto slow_job = start_rp("c", slow);
  auto cancelled = on("a").post("/api/v1/jobs/" + slow_job + "/cancel", "");
  ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("state"), "terminated") << cancelled.body;

  // Relays are counted on the node that made them.
  auto metrics = on("a").get("/metrics").body;
  EXPECT_NE(metrics.find("refpoint_cluster_relays_total{node=\"c\",outcome=\"answered\"}"),
            std::string::npos)
    << metrics;

  // An id no node has is not found, wherever it is asked.
  EXPECT_EQ(on("b").get("/api/v1/jobs/00000000-0000-4000-8000-000000000000").status, 404u);
  EXPECT_EQ(on("b").post("/api/v1/jobs/00000000-0000-4000-8000-000000000000/cancel", "").status,
            404u);
}

TEST_F(ClusterForwardingTest, TheJobListingPagesThroughEveryNodesJobsOnce) {
  start_three();
  std::set<std::string> started;
  for (const auto* home : {"a", "c", "b", "a", "c"})
    started.emplace(wait_job_on(home, start_rp(home, create_on(home, home))).at("id").as_string());
  ASSERT_EQ(started.size(), 5u);

  std::vector<std::string> listed;
  std::string previous_submitted;
  std::string after;
  for (int page = 0; page < 10; ++page) {
    auto res = on("b").get("/api/v1/jobs?state=completed&limit=2" +
                           (after.empty() ? std::string{} : "&after=" + after));
    ASSERT_EQ(res.status, 200u) << res.body;
    const auto body = res.json();
    EXPECT_LE(body.at("items").as_array().size(), 2u);
    for (const auto& job : body.at("items").as_array()) {
      listed.emplace_back(job.at("id").as_string());
      std::string submitted{job.at("submittedAt").as_string()};
      EXPECT_LE(previous_submitted, submitted) << "oldest first across nodes";
      previous_submitted = submitted;
    }
    if (!body.as_object().contains("next"))
      break;
    after = std::string{body.at("next").as_string()};
  }
  EXPECT_EQ(listed.size(), 5u) << "every job once";
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), started);

  auto bad = on("b").get("/api/v1/jobs?after=bm90LWEtY3Vyc29y");
  EXPECT_EQ(bad.status, 400u) << bad.body;
  EXPECT_EQ(bad.json().at("field"), "after") << bad.body;
  auto bad_state = on("b").get("/api/v1/jobs?state=sleeping");
  EXPECT_EQ(bad_state.status, 400u) << bad_state.body;
  EXPECT_EQ(bad_state.json().at("field"), "state") << bad_state.body;
}

TEST_F(ClusterForwardingTest, ChangedRangesOfADiskOnCAreAnsweredThroughA) {
  // Only c has a storage root, and the image lives there.
  const auto root = dir_ / "c-images";
  fs::create_directories(root);
  constexpr std::uint64_t size = 4 * 65536;
  {
    std::ofstream out{root / "disk.img", std::ios::binary};
    std::minstd_rand gen{7};
    for (std::uint64_t i = 0; i < size; ++i)
      out.put(static_cast<char>(gen() & 0xFFU));
  }
  auto& a = start_node("a", {"--cluster-listen", "127.0.0.1:0"});
  start_node("c", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)},
             "[storage]\nroot = \"" + root.string() + "\"\n");
  const cluster_view linked{{"a", {true, 0}}, {"c", {true, 0}}};
  ASSERT_EQ(wait_for_view("a", linked), linked);
  auto res =
    on("c").post("/api/v1/systems",
                 R"({"elementName":"vm","disks":[{"id":"d1","backend":"file","path":"disk.img"}]})",
                 json_headers());
  ASSERT_EQ(res.status, 201u) << res.body;
  auto machine = std::string{res.json().at("name").as_string()};
  auto job = wait_job_on("a", start_rp("a", machine));
  ASSERT_EQ(job.at("state"), "completed") << boost::json::serialize(job);
  auto rp = id_in_path(std::string{job.at("affectedElements").at(0).at("element").as_string()});
  auto point = on("a").get("/api/v1/reference-points/" + rp).json();
  auto rct = std::string{point.at("rctIds").at(0).as_string()};
  { // the second block changes
    std::fstream f{root / "disk.img", std::ios::binary | std::ios::in | std::ios::out};
    f.seekp(65536);
    f.write(std::string(65536, '\x5A').data(), 65536);
  }

  boost::json::object params{{"Path", "disk.img"},
                             {"LimitId", rct},
                             {"ByteOffset", "0"},
                             {"ByteLength", std::to_string(size)}};
  auto cim = on("a").post("/cim/v2/Msvm_ImageManagementService/GetVirtualDiskChanges",
                          boost::json::serialize(params), json_headers());
  ASSERT_EQ(cim.status, 200u) << cim.body;
  ASSERT_EQ(cim.json().at("ReturnValue"), 0) << cim.body;
  EXPECT_EQ(cim.json().at("ChangedByteOffsets"), (boost::json::array{65536})) << cim.body;
  auto rest = on("a").get("/api/v1/reference-points/" + rp +
                          "/changes?offset=0&length=" + std::to_string(size));
  ASSERT_EQ(rest.status, 200u) << rest.body;
  EXPECT_EQ(rest.json().at("ranges").as_array().size(), 1u) << rest.body;

  // An RCT ID no node has: Hyper-V's invalid parameter, and nothing only nodes exchange.
  params["LimitId"] = "rctX:00000000:0000:4000:8000:000000000000:00000001";
  auto unknown = on("a").post("/cim/v2/Msvm_ImageManagementService/GetVirtualDiskChanges",
                              boost::json::serialize(params), json_headers());
  ASSERT_EQ(unknown.status, 200u) << unknown.body;
  EXPECT_EQ(unknown.json().at("ReturnValue"), 32773) << unknown.body;
  EXPECT_NE(unknown.body.find("no reference point has the RCT ID"), std::string::npos)
    << unknown.body;
  EXPECT_EQ(unknown.header("Refpoint-Missing"), "");
}

TEST_F(ClusterForwardingTest, TheReceivingNodeChecksTheTokenAndAddsItsCorsHeaders) {
  const std::string origin = "http://dashboard.example";
  // Only a checks tokens and allows the dashboard's origin; c allows neither.
  auto& a =
    start_node("a", {"--cluster-listen", "127.0.0.1:0"},
               "[server]\nauth_tokens = [\"s3cret\"]\ncors_origins = [\"" + origin + "\"]\n");
  start_node("c", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)});
  const cluster_view linked{{"a", {true, 0}}, {"c", {true, 0}}};
  ASSERT_EQ(wait_for_view("c", linked), linked); // c asks for no token
  auto machine = create_on("c", "c");

  // Relaying never gets around the receiving node's authentication.
  EXPECT_EQ(on("a").get("/api/v1/systems/" + machine).status, 401u);
  auto res = on("a").get("/api/v1/systems/" + machine,
                         {{"Authorization", "Bearer s3cret"}, {"Origin", origin}});
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("node"), "c");
  EXPECT_EQ(res.header("Access-Control-Allow-Origin"), origin);
  EXPECT_EQ(res.header("WWW-Authenticate"), "");
}

TEST_F(ClusterForwardingTest, AnUnreachableOwnerIsAnsweredWithinTheMethodTimeout) {
  constexpr auto method_timeout = 1500ms;
  start_three("[jobs]\nmethod_timeout_ms = 1500\n");
  auto machine = create_on("c", "c");
  auto job_on_c = start_rp("c", machine);
  wait_job_on("c", job_on_c);
  ASSERT_EQ(on("a").get("/api/v1/systems/" + machine).status, 200u);

  // c hangs (SIGSTOP): its link stays up, so only the method timeout ends the wait.
  nodes_.at("c")->process.signal(SIGSTOP);
  auto timed = [](auto&& call) {
    auto started = steady::now();
    auto res = call();
    return std::make_pair(std::move(res), steady::now() - started);
  };
  const auto bound = method_timeout + 5s; // the timeout plus scheduling slack, never a hang
  auto [system, system_wait] = timed([&] { return on("a").get("/api/v1/systems/" + machine); });
  EXPECT_EQ(system.status, 503u) << system.body;
  EXPECT_LT(system_wait, bound);
  auto [cim, cim_wait] = timed([&] {
    return on("a").post("/cim/v2/Msvm_VirtualSystemReferencePointService/CreateReferencePoint",
                        R"({"AffectedSystem":)" +
                          boost::json::serialize(boost::json::value(system_path(machine))) +
                          R"(,"ReferencePointType":1})",
                        json_headers());
  });
  ASSERT_EQ(cim.status, 200u) << cim.body;
  EXPECT_EQ(cim.json().at("ReturnValue"), 3) << cim.body;
  EXPECT_LT(cim_wait, bound);
  auto [job, job_wait] = timed([&] { return on("b").get("/api/v1/jobs/" + job_on_c); });
  EXPECT_EQ(job.status, 503u) << job.body;
  EXPECT_LT(job_wait, bound);
  auto listing = on("a").get("/api/v1/systems");
  ASSERT_EQ(listing.status, 200u) << listing.body;
  EXPECT_EQ(listing.header("Refpoint-Unreachable-Nodes"), "c");
  EXPECT_EQ(listing.json().at("unreachable"), boost::json::array{"c"}) << listing.body;
  EXPECT_EQ(listing.json().at("items").as_array().size(), 0u) << listing.body;
  auto metrics = on("a").get("/metrics").body;
  EXPECT_NE(metrics.find("refpoint_cluster_relays_total{node=\"c\",outcome=\"failed\"}"),
            std::string::npos)
    << metrics;

  // c dies: its links break, and the answer comes at once.
  nodes_.at("c")->process.signal(SIGCONT);
  nodes_.at("c")->process.kill_hard();
  unsigned status = 0;
  for (auto deadline = steady::now() + 20s; status != 503 && steady::now() < deadline;) {
    auto [res, wait] = timed([&] { return on("a").get("/api/v1/systems/" + machine); });
    status = res.status;
    if (status == 503) {
      EXPECT_LT(wait, method_timeout) << "a dead node needs no timeout";
    }
  }
  EXPECT_EQ(status, 503u);
}

} // namespace
} // namespace refpoint::test
