// Cluster membership (DESIGN §8) with three real refpointd processes on loopback: peers
// learned from each other, the owned-systems counts, a node killed with SIGKILL seen dead,
// and seen alive again once it restarts.

#include "cluster_fixture.hpp"

namespace refpoint::test {
namespace {

TEST_F(ClusterTest, NodesLearnEachOtherAndSeeADeadNodeComeBack) {
  auto& a = start_node("a", {"--cluster-listen", "127.0.0.1:0"});
  auto& b = start_node("b", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)});
  // c knows only b: it learns a from b, and a learns c.
  start_node("c", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(b)});
  const cluster_view all_alive{{"a", {true, 0}}, {"b", {true, 0}}, {"c", {true, 0}}};
  for (const auto* name : {"a", "b", "c"})
    EXPECT_EQ(wait_for_view(name, all_alive), all_alive) << "as node " << name << " sees it";

  // The self entry comes first and carries both addresses.
  auto items = nodes_.at("a")->client->get("/api/v1/cluster").json().at("items").as_array();
  EXPECT_EQ(items.at(0).at("node"), "a");
  EXPECT_EQ(items.at(0).at("self"), true);
  EXPECT_EQ(items.at(0).at("clusterAddress"), boost::json::value(peer(a)));
  EXPECT_EQ(items.at(0).at("address"), boost::json::value("127.0.0.1:" + std::to_string(a.port)));

  // Owned systems travel with the heartbeat.
  auto res = nodes_.at("c")->client->post("/api/v1/systems", R"({"elementName":"vm","disks":[]})",
                                          json_headers());
  ASSERT_EQ(res.status, 201u) << res.body;
  const cluster_view c_owns_one{{"a", {true, 0}}, {"b", {true, 0}}, {"c", {true, 1}}};
  EXPECT_EQ(wait_for_view("a", c_owns_one), c_owns_one);

  // SIGKILL: the others see c dead at once (the link breaks; monitors fire).
  const auto c_port = nodes_.at("c")->cluster_port;
  nodes_.at("c")->process.kill_hard();
  const cluster_view c_dead{{"a", {true, 0}}, {"b", {true, 0}}, {"c", {false, 1}}};
  EXPECT_EQ(wait_for_view("a", c_dead), c_dead);
  EXPECT_EQ(wait_for_view("b", c_dead), c_dead);
  auto metrics = nodes_.at("a")->client->get("/metrics").body;
  EXPECT_NE(metrics.find("refpoint_cluster_peers{state=\"alive\"} 1\n"), std::string::npos)
    << metrics;
  EXPECT_NE(metrics.find("refpoint_cluster_peer_up{node=\"c\",address=\"127.0.0.1:" +
                         std::to_string(c_port) + "\"} 0\n"),
            std::string::npos)
    << metrics;

  // Restarted on its port without any --peer: a and b redial it and it learns of them.
  start_node("c", {"--cluster-listen", "127.0.0.1:" + std::to_string(c_port)});
  for (const auto* name : {"a", "b", "c"})
    EXPECT_EQ(wait_for_view(name, c_owns_one), c_owns_one) << "as node " << name << " sees it";
}

TEST_F(ClusterTest, ANodeCallingItselfByATakenNameIsNotLinked) {
  auto& a = start_node("a", {"--cluster-listen", "127.0.0.1:0"});
  start_node("b", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)});
  const cluster_view linked{{"a", {true, 0}}, {"b", {true, 0}}};
  ASSERT_EQ(wait_for_view("a", linked), linked);
  // A second "b" (another address): a and b keep their link, and the impostor stays alone.
  auto& impostor = nodes_["b2"];
  impostor = std::make_unique<node_run>(
    node_run{child_process::start(REFPOINTD_PATH,
                                  {"--config", write_config(50'000'000), "--node", "b", "--listen",
                                   "127.0.0.1:0", "--db", (dir_ / "b2.db").string(),
                                   "--cluster-listen", "127.0.0.1:0", "--peer", peer(a)}),
             0, 0, nullptr});
  auto line = impostor->process.wait_for_line("refpointd listening on http://", 20s);
  ASSERT_TRUE(line) << impostor->process.stderr_text();
  http_client impostor_client{"127.0.0.1", port_from_listening_line(*line)};
  std::this_thread::sleep_for(1500ms); // dials, hellos and heartbeats have happened
  auto alive_peers = [](const boost::json::value& view) {
    std::size_t n = 0;
    for (const auto& item : view.at("items").as_array())
      n += !item.at("self").as_bool() && item.at("alive").as_bool();
    return n;
  };
  EXPECT_EQ(view_of("a"), linked);
  EXPECT_EQ(alive_peers(nodes_.at("a")->client->get("/api/v1/cluster").json()), 1u);
  auto seen = impostor_client.get("/api/v1/cluster").json();
  EXPECT_EQ(alive_peers(seen), 0u) << boost::json::serialize(seen);
}

TEST_F(ClusterTest, AStandaloneNodeListsItself) {
  start();
  auto res = http().get("/api/v1/cluster");
  ASSERT_EQ(res.status, 200u) << res.body;
  const auto body = res.json();
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items.at(0).at("self"), true);
  EXPECT_EQ(items.at(0).at("alive"), true);
  EXPECT_TRUE(items.at(0).at("clusterAddress").is_null());
}

TEST_F(ClusterTest, JoiningAClusterNeedsANodeName) {
  auto p = child_process::start(
    REFPOINTD_PATH, {"--listen", "127.0.0.1:0", "--db", db_, "--cluster-listen", "127.0.0.1:0"});
  auto code = p.wait(20s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_NE(p.stderr_text().find("--node"), std::string::npos) << p.stderr_text();
}

TEST_F(ClusterTest, ATakenClusterPortIsRefusedWithOneLine) {
  auto& a = start_node("a", {"--cluster-listen", "127.0.0.1:0"});
  auto p = child_process::start(REFPOINTD_PATH,
                                {"--listen", "127.0.0.1:0", "--db", (dir_ / "x.db").string(),
                                 "--node", "x", "--cluster-listen", peer(a)});
  auto code = p.wait(20s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  auto err = p.stderr_text();
  EXPECT_NE(err.find("cannot listen for cluster peers"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "one line: " << err;
}

} // namespace
} // namespace refpoint::test
