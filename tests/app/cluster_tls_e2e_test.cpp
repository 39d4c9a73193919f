// Cluster links over TLS (`[cluster] tls_cert`, `tls_key`, `tls_ca`): nodes holding
// certificates of the cluster's CA link and serve each other's requests; a plain-text node, a
// node whose certificate another CA issued and raw bytes on the cluster port are refused, and
// none of them disturbs the links already up.

#include "cluster_fixture.hpp"
#include "test_certificates.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace refpoint::test {
namespace {

class ClusterTlsTest : public ClusterTest {
protected:
  ClusterTlsTest() : certs_(dir_) {
    certs_.make_ca("cluster-ca");
    certs_.make_ca("other-ca");
    certs_.issue("cluster-ca", "a");
    certs_.issue("cluster-ca", "b");
    certs_.issue("other-ca", "x");
  }

  /// The `[cluster]` keys for a node presenting `cert` and trusting `ca`.
  std::string tls_keys(const std::string& cert, const std::string& ca = "cluster-ca") const {
    return "[cluster]\ntls_cert = \"" + certs_.path(cert + ".pem") + "\"\ntls_key = \"" +
           certs_.path(cert + ".key") + "\"\ntls_ca = \"" + certs_.path(ca + ".pem") + "\"\n";
  }

  /// Which nodes `node` knows, and whether each is alive.
  std::map<std::string, bool> alive_in_view_of(const std::string& node) {
    std::map<std::string, bool> out;
    for (const auto& [name, state] : view_of(node))
      out[name] = state.first;
    return out;
  }

  /// Creates a system on node `on_node` and answers its name.
  std::string create_system(const std::string& on_node) {
    auto res =
      on(on_node).post("/api/v1/systems", R"({"elementName":"vm","disks":[]})", json_headers());
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string{res.json().at("name").as_string()};
  }

  /// Sends `bytes` to a cluster port like a client that speaks no TLS; answers what came back
  /// before the node closed the connection (or 2 s passed).
  static std::string send_raw(std::uint16_t port, const std::string& bytes) {
    namespace net = boost::asio;
    net::io_context io;
    net::ip::tcp::socket socket{io};
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    net::write(socket, net::buffer(bytes));
    std::string answer;
    net::async_read(socket, net::dynamic_buffer(answer),
                    [](boost::system::error_code, std::size_t) {});
    io.run_for(2s);
    return answer;
  }

  test_certificates certs_;
};

TEST_F(ClusterTlsTest, NodesOfTheClusterCaLinkAndIntrudersCannotBreakIn) {
  auto& a = start_node("a", {"--cluster-listen", "127.0.0.1:0"}, tls_keys("a"));
  start_node("b", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)}, tls_keys("b"));
  const cluster_view linked{{"a", {true, 0}}, {"b", {true, 0}}};
  ASSERT_EQ(wait_for_view("a", linked), linked);
  ASSERT_EQ(wait_for_view("b", linked), linked);

  // Requests travel over the encrypted link: a system of b read through a.
  const auto on_b = create_system("b");
  EXPECT_EQ(on("a").get("/api/v1/systems/" + on_b).status, 200u);

  // Intruders: a node speaking plain CAF, a node whose certificate another CA issued (it
  // trusts the cluster's CA, so only a's check can refuse it), and HTTP on the cluster port.
  start_node("p", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)});
  start_node("x", {"--cluster-listen", "127.0.0.1:0", "--peer", peer(a)}, tls_keys("x"));
  const auto raw = send_raw(a.cluster_port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(raw.find("HTTP/"), std::string::npos) << raw;

  // For 3 s (the intruders redial meanwhile) a and b stay linked, and nobody else gets in.
  const std::map<std::string, bool> a_and_b{{"a", true}, {"b", true}};
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(alive_in_view_of("a"), a_and_b);
    ASSERT_EQ(alive_in_view_of("b"), a_and_b);
    std::this_thread::sleep_for(100ms);
  }
  for (const auto* intruder : {"p", "x"}) {
    const auto view = view_of(intruder);
    EXPECT_EQ(view.count("a"), 0u) << intruder << " never learnt a's name";
    EXPECT_EQ(view.size(), 2u) << intruder << " sees itself and an unnamed, dead address";
  }

  // The link still carries requests, both ways.
  const auto on_a = create_system("a");
  EXPECT_EQ(on("b").get("/api/v1/systems/" + on_a).status, 200u);
  EXPECT_EQ(on("a").get("/api/v1/systems/" + on_b).status, 200u);
  EXPECT_EQ(on("x").get("/api/v1/systems/" + on_a).status, 404u);
}

TEST_F(ClusterTlsTest, TheThreeKeysGoTogetherAndMustBeReadable) {
  const auto start_with = [&](const std::string& keys) {
    auto p = child_process::start(REFPOINTD_PATH, {"--config", write_config(50'000'000, keys),
                                                   "--listen", "127.0.0.1:0", "--db", db_, "--node",
                                                   "n", "--cluster-listen", "127.0.0.1:0"});
    const auto code = p.wait(20s);
    EXPECT_EQ(code, 2) << p.stderr_text();
    return p.stderr_text();
  };
  auto err = start_with("[cluster]\ntls_cert = \"" + certs_.path("a.pem") + "\"\n");
  EXPECT_NE(err.find("[cluster] tls_key and [cluster] tls_ca missing"), std::string::npos) << err;

  const auto missing = certs_.path("nowhere.pem");
  err =
    start_with("[cluster]\ntls_cert = \"" + missing + "\"\ntls_key = \"" + certs_.path("a.key") +
               "\"\ntls_ca = \"" + certs_.path("cluster-ca.pem") + "\"\n");
  EXPECT_NE(err.find("[cluster] tls_cert '" + missing + "'"), std::string::npos) << err;

  // A key that is not the certificate's.
  err =
    start_with("[cluster]\ntls_cert = \"" + certs_.path("a.pem") + "\"\ntls_key = \"" +
               certs_.path("b.key") + "\"\ntls_ca = \"" + certs_.path("cluster-ca.pem") + "\"\n");
  EXPECT_NE(err.find("[cluster] tls_key '" + certs_.path("b.key") + "'"), std::string::npos) << err;
}

} // namespace
} // namespace refpoint::test
