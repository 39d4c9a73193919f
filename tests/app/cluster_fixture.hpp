#pragma once
// Several refpointd processes on loopback, joined into one cluster (DESIGN §8): each node
// with its own database and HTTP client, killed and reaped (by PID) when the test ends.

#include "daemon_fixture.hpp"

#include <map>
#include <regex>
#include <string>

namespace refpoint::test {

/// The id in an object path: its `InstanceID` (jobs, reference points) or `CollectionID`
/// (collection reference points); empty when it has neither.
inline std::string id_in_path(const std::string& path) {
  std::smatch m;
  if (!std::regex_search(path, m, std::regex{R"((?:InstanceID|CollectionID)="([^"]+)\")"}))
    return {};
  return m[1];
}

/// One node: its process, its HTTP client and its cluster port.
struct node_run {
  child_process process;
  std::uint16_t port = 0;
  std::uint16_t cluster_port = 0;
  std::unique_ptr<http_client> client;
};

/// What `GET /api/v1/cluster` says about each node: alive, systems.
using cluster_view = std::map<std::string, std::pair<bool, std::uint64_t>>;

class ClusterTest : public DaemonTest {
protected:
  /// Starts node `name` with `extra` flags (and `config_extra` appended to its config).
  node_run& start_node(const std::string& name, std::vector<std::string> extra,
                       const std::string& config_extra = {}) {
    std::vector<std::string> args{
      "--config", write_config(50'000'000, config_extra), "--node", name, "--listen", "127.0.0.1:0",
      "--db",     (dir_ / (name + ".db")).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto run = std::make_unique<node_run>(
      node_run{child_process::start(REFPOINTD_PATH, args), 0, 0, nullptr});
    auto cluster_line = run->process.wait_for_line("refpointd cluster listening on ", 20s);
    auto http_line = run->process.wait_for_line("refpointd listening on http://", 20s);
    if (!cluster_line || !http_line)
      throw std::runtime_error("node " + name + " did not start: " + run->process.stderr_text());
    run->cluster_port = port_from_listening_line(*cluster_line);
    run->port = port_from_listening_line(*http_line);
    run->client = std::make_unique<http_client>("127.0.0.1", run->port);
    auto& slot = nodes_[name];
    slot = std::move(run);
    return *slot;
  }

  static std::string peer(const node_run& n) {
    return "127.0.0.1:" + std::to_string(n.cluster_port);
  }

  cluster_view view_of(const std::string& name) {
    auto res = nodes_.at(name)->client->get("/api/v1/cluster");
    EXPECT_EQ(res.status, 200u) << res.body;
    cluster_view out;
    const auto body = res.json(); // outlives the loop below
    for (const auto& item : body.at("items").as_array())
      out[std::string{item.at("node").as_string()}] = {
        item.at("alive").as_bool(), item.at("systems").to_number<std::uint64_t>()};
    return out;
  }

  /// Polls node `name` until its view is `expected` (bounded); answers the last view.
  cluster_view wait_for_view(const std::string& name, const cluster_view& expected) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    cluster_view last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = view_of(name);
      if (last == expected)
        break;
      std::this_thread::sleep_for(50ms);
    }
    return last;
  }

  /// Starts nodes a, b (joining a) and c (joining b), each with `config_extra`, and waits
  /// until each sees the other two alive.
  void start_three(const std::string& config_extra = {}) {
    auto& a = start_node("a", {"--cluster-listen", "127.0.0.1:0"}, config_extra);
    auto& b = start_node("b", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)}, config_extra);
    start_node("c", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(b)}, config_extra);
    const cluster_view all_alive{{"a", {true, 0}}, {"b", {true, 0}}, {"c", {true, 0}}};
    for (const auto* name : {"a", "b", "c"})
      ASSERT_EQ(wait_for_view(name, all_alive), all_alive) << "as node " << name << " sees it";
  }

  http_client& on(const std::string& name) { return *nodes_.at(name)->client; }

  std::map<std::string, std::unique_ptr<node_run>> nodes_;
};

} // namespace refpoint::test
