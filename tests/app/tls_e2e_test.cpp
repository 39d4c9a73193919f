// End-to-end tests of HTTPS and WSS (`[server] tls_cert` / `tls_key`): a real refpointd
// process with a certificate for 127.0.0.1 issued by a throw-away CA that the `openssl`
// command makes for each test, real TLS clients on 127.0.0.1, and the `refpoint` CLI.
// Every client verifies the server against the CA, so none of these could pass over plain
// HTTP.

#include "daemon_fixture.hpp"
#include "test_certificates.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <gmock/gmock.h>

#include <cstdlib>

namespace refpoint::test {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
namespace json = boost::json;
using testing::HasSubstr;
using testing::Not;

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

/// Runs one asynchronous operation started by `start(handler)` to its end, within 10 s (a
/// deadline on the stream's TCP layer).
template <class Stream, class Start>
beast::error_code run_bounded(net::io_context& io, Stream& stream, Start start) {
  beast::error_code result = net::error::would_block;
  beast::get_lowest_layer(stream).expires_after(10s);
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

/// A TLS connection to 127.0.0.1 that trusts only the CA certificate in `ca_file` and
/// checks that the server's certificate is for 127.0.0.1.
class tls_connection {
public:
  tls_connection(std::uint16_t port, const std::string& ca_file) {
    ctx_.load_verify_file(ca_file);
    ctx_.set_verify_mode(ssl::verify_peer);
    stream_.emplace(io_, ctx_);
    const net::ip::tcp::endpoint server{net::ip::make_address("127.0.0.1"), port};
    const auto ec = run_bounded(io_, *stream_, [&](auto handler) {
      beast::get_lowest_layer(*stream_).async_connect(server, std::move(handler));
    });
    if (ec)
      throw std::runtime_error("cannot connect to port " + std::to_string(port) + ": " +
                               ec.message());
    ::X509_VERIFY_PARAM_set1_ip_asc(::SSL_get0_param(stream_->native_handle()), "127.0.0.1");
  }

  /// The client side of the handshake.
  beast::error_code handshake() {
    return run_bounded(io_, *stream_, [&](auto handler) {
      stream_->async_handshake(ssl::stream_base::client, std::move(handler));
    });
  }

  /// OpenSSL's verdict on the server's certificate (X509_V_OK when it was accepted).
  long verify_result() { return ::SSL_get_verify_result(stream_->native_handle()); }

  /// One request, after a successful handshake; throws when no response comes.
  test_response request(http::verb method, const std::string& target, std::string body = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!body.empty())
      req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    auto ec =
      run_bounded(io_, *stream_, [&](auto handler) { http::async_write(*stream_, req, handler); });
    if (ec)
      throw std::runtime_error("writing " + target + " failed: " + ec.message());
    http::response<http::string_body> res;
    ec = run_bounded(io_, *stream_,
                     [&](auto handler) { http::async_read(*stream_, buffer_, res, handler); });
    if (ec)
      throw std::runtime_error("reading the answer to " + target + " failed: " + ec.message());
    return test_response{res.result_int(), res.base(), res.body()};
  }

private:
  net::io_context io_;
  ssl::context ctx_{ssl::context::tls_client};
  std::optional<tls_stream> stream_;
  beast::flat_buffer buffer_;
};

/// A WSS subscriber of `/api/v1/events`: TLS verified against the CA, then the upgrade.
class wss_client {
public:
  wss_client(std::uint16_t port, const std::string& ca_file, const std::string& target) {
    ctx_.load_verify_file(ca_file);
    ctx_.set_verify_mode(ssl::verify_peer);
    ws_.emplace(io_, ctx_);
    const net::ip::tcp::endpoint server{net::ip::make_address("127.0.0.1"), port};
    auto ec = run_bounded(io_, *ws_, [&](auto handler) {
      beast::get_lowest_layer(*ws_).async_connect(server, std::move(handler));
    });
    if (!ec) {
      ::X509_VERIFY_PARAM_set1_ip_asc(::SSL_get0_param(ws_->next_layer().native_handle()),
                                      "127.0.0.1");
      ec = run_bounded(io_, *ws_, [&](auto handler) {
        ws_->next_layer().async_handshake(ssl::stream_base::client, std::move(handler));
      });
    }
    if (!ec)
      ec = run_bounded(io_, *ws_, [&](auto handler) {
        ws_->async_handshake("127.0.0.1:" + std::to_string(port), target, std::move(handler));
      });
    if (ec)
      throw std::runtime_error("cannot subscribe over WSS: " + ec.message());
    beast::get_lowest_layer(*ws_).expires_never(); // the server pings a silent stream
    // Bounds the closing handshake: a stopped server never answers our close_notify.
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = 2s;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_->set_option(timeouts);
  }

  /// The next message, or nullopt when the stream ended (see `close_code`) or none came
  /// within 10 s.
  std::optional<std::string> next() {
    if (!pending_) {
      pending_ = true;
      read_end_.reset();
      ws_->async_read(buffer_, [this](beast::error_code ec, std::size_t) { read_end_ = ec; });
    }
    io_.restart();
    io_.run_for(10s);
    if (!read_end_)
      return std::nullopt;
    pending_ = false;
    if (*read_end_) {
      close_code_ = ws_->reason().code; // set once a close frame came, however it ended
      return std::nullopt;
    }
    auto text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    return text;
  }

  /// The close code the server sent once the stream ended (0: none yet, or none sent).
  std::uint16_t close_code() const { return close_code_; }

private:
  net::io_context io_;
  ssl::context ctx_{ssl::context::tls_client};
  std::optional<websocket::stream<tls_stream>> ws_;
  beast::flat_buffer buffer_;
  bool pending_ = false;
  std::optional<beast::error_code> read_end_;
  std::uint16_t close_code_ = 0;
};

/// One event of the stream: its type and cursor (stream.* messages included).
struct stream_message {
  std::string type;
  std::int64_t cursor = 0;
  json::object body;
};

stream_message parse_message(const std::string& text) {
  auto body = json::parse(text).as_object();
  return {std::string{body.at("type").as_string()},
          std::stoll(std::string{body.at("cursor").as_string()}), body};
}

class TlsTest : public DaemonTest {
protected:
  TlsTest() {
    ::unsetenv("REFPOINT_CA_CERT");
    make_certificates();
  }

  /// A CA and a server certificate for 127.0.0.1 that it issued; a second CA that issued
  /// nothing this server presents.
  void make_certificates() {
    test_certificates certificates{dir_};
    certificates.make_ca("ca");
    certificates.make_ca("other-ca");
    certificates.issue("ca", "server");
  }

  void write_file(const std::string& name, const std::string& text) {
    std::ofstream{dir_ / name} << text;
  }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  std::string tls_config(const std::string& cert, const std::string& key) {
    return write_config(1'000'000'000'000,
                        "[server]\ntls_cert = \"" + cert + "\"\ntls_key = \"" + key + "\"\n");
  }

  /// Starts refpointd serving HTTPS with the server certificate; answers its port.
  std::uint16_t start_tls() {
    auto process = child_process::start(
      REFPOINTD_PATH, {"--config", tls_config(file("server.pem"), file("server.key")), "--listen",
                       "127.0.0.1:0", "--db", db_});
    auto line = process.wait_for_line("refpointd listening on ", 20s);
    if (!line || !line->starts_with("refpointd listening on https://")) {
      ADD_FAILURE() << "refpointd did not start with TLS: " << line.value_or("")
                    << process.stderr_text();
      throw std::runtime_error("refpointd did not start");
    }
    const auto port = port_from_listening_line(*line);
    runs_.push_back(std::make_unique<daemon_run>(daemon_run{std::move(process), port, nullptr}));
    return port;
  }

  /// Runs refpointd with `args` to its end; answers its exit code and stderr.
  std::pair<int, std::string> run_daemon(std::vector<std::string> args) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0", "--db", db_});
    auto process = child_process::start(REFPOINTD_PATH, args);
    const auto code = process.wait(20s);
    EXPECT_TRUE(code) << "refpointd kept running: " << process.stdout_text();
    return {code.value_or(-1), process.stderr_text()};
  }

  /// One HTTPS request on a new connection verified against the test CA.
  test_response https(std::uint16_t port, http::verb method, const std::string& target,
                      std::string body = {}) {
    tls_connection connection{port, file("ca.pem")};
    const auto ec = connection.handshake();
    if (ec)
      throw std::runtime_error("TLS handshake failed: " + ec.message());
    return connection.request(method, target, std::move(body));
  }

  /// Registers a system with one zero-size disk (its jobs complete at once) over HTTPS.
  std::string create_system_over_tls(std::uint16_t port) {
    auto res = https(port, http::verb::post, "/api/v1/systems",
                     R"({"elementName":"vm","disks":[{"id":"d1","sizeBytes":0}]})");
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string{res.json().at("name").as_string()};
  }

  std::string start_job_over_tls(std::uint16_t port, const std::string& system) {
    auto res = https(port, http::verb::post, "/api/v1/systems/" + system + "/reference-points",
                     R"({"type":"rct"})");
    EXPECT_EQ(res.status, 202u) << res.body;
    return std::string{res.json().at("id").as_string()};
  }

  /// Runs the CLI with `args` to its end: exit code, stdout, stderr.
  struct cli_run {
    int code = -1;
    std::string out;
    std::string err;
  };
  cli_run cli(std::vector<std::string> args) {
    auto child = child_process::start(REFPOINT_CLI_PATH, std::move(args), dir_.string());
    const auto code = child.wait(60s);
    if (!code)
      child.kill_hard();
    EXPECT_TRUE(code) << "refpoint did not end: " << child.stderr_text();
    return {code.value_or(-1), child.stdout_text(), child.stderr_text()};
  }
};

TEST_F(TlsTest, HttpsGetAndPostWorkVerifiedAgainstTheCa) {
  const auto port = start_tls();
  auto health = https(port, http::verb::get, "/healthz");
  EXPECT_EQ(health.status, 200u) << health.body;

  const auto system = create_system_over_tls(port);
  const auto job = start_job_over_tls(port, system);
  // Two requests on one kept-alive TLS connection: the job is read until it completed.
  tls_connection connection{port, file("ca.pem")};
  ASSERT_FALSE(connection.handshake());
  EXPECT_EQ(connection.verify_result(), X509_V_OK);
  json::object read;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  do {
    auto res = connection.request(http::verb::get, "/api/v1/jobs/" + job);
    ASSERT_EQ(res.status, 200u) << res.body;
    read = res.json().as_object();
  } while (read.at("jobState").to_number<int>() == 4 &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(read.at("jobState").to_number<int>(), 7) << json::serialize(read);
  auto listed =
    connection.request(http::verb::get, "/api/v1/systems/" + system + "/reference-points");
  EXPECT_EQ(listed.json().at("items").as_array().size(), 1u) << listed.body;
}

TEST_F(TlsTest, WssSubscriberGetsEventsAndResumesFromItsCursor) {
  const auto port = start_tls();
  wss_client live{port, file("ca.pem"), "/api/v1/events?since=0"};
  auto first = live.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(parse_message(*first).type, "stream.caughtUp");

  const auto system = create_system_over_tls(port);
  const auto job = start_job_over_tls(port, system);
  std::vector<stream_message> seen;
  while (auto text = live.next()) {
    seen.push_back(parse_message(*text));
    const auto& m = seen.back();
    if (m.type == "job.state" && m.body.at("job").at("id").as_string() == job &&
        m.body.at("job").at("jobState").to_number<int>() != 4)
      break;
  }
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen.front().type, "system.created");
  EXPECT_EQ(seen.back().body.at("job").at("jobState").to_number<int>(), 7);

  // Resuming after the first event replays exactly the rest, then says caught up.
  wss_client resumed{port, file("ca.pem"),
                     "/api/v1/events?since=" + std::to_string(seen.front().cursor)};
  for (std::size_t i = 1; i < seen.size(); ++i) {
    auto text = resumed.next();
    ASSERT_TRUE(text) << "event " << i;
    EXPECT_EQ(parse_message(*text).cursor, seen[i].cursor) << "event " << i;
  }
  auto caught_up = resumed.next();
  ASSERT_TRUE(caught_up);
  EXPECT_EQ(parse_message(*caught_up).type, "stream.caughtUp");
  EXPECT_EQ(parse_message(*caught_up).cursor, seen.back().cursor);
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortGetsNoHttpAnswerAndTheServerCarriesOn) {
  const auto port = start_tls();
  for (int i = 0; i < 3; ++i) {
    const auto began = std::chrono::steady_clock::now();
    const auto answer = raw_exchange(port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_THAT(answer, Not(HasSubstr("HTTP/1.1"))) << answer;
    // Refused at once, not left to time out.
    EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  }
  EXPECT_EQ(https(port, http::verb::get, "/healthz").status, 200u);
  EXPECT_FALSE(runs_.back()->process.wait(0ms)) << "refpointd ended";
}

TEST_F(TlsTest, AClientTrustingAnotherCaRefusesTheServer) {
  const auto port = start_tls();
  tls_connection connection{port, file("other-ca.pem")};
  const auto ec = connection.handshake();
  ASSERT_TRUE(ec) << "the handshake succeeded";
  EXPECT_NE(connection.verify_result(), X509_V_OK);
  EXPECT_THAT(ec.message(), HasSubstr("certificate verify failed"));
  EXPECT_EQ(https(port, http::verb::get, "/healthz").status, 200u);
}

TEST_F(TlsTest, StopClosesTlsConnectionsAndSubscribersAndExitsZero) {
  const auto port = start_tls();
  wss_client subscriber{port, file("ca.pem"), "/api/v1/events"};
  ASSERT_TRUE(subscriber.next()); // stream.caughtUp
  tls_connection idle{port, file("ca.pem")};
  ASSERT_FALSE(idle.handshake());
  tls_connection silent{port, file("ca.pem")}; // connected, never starts its handshake
  std::this_thread::sleep_for(100ms);

  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(stop_gracefully(), 0) << runs_.back()->process.stderr_text();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 10s);
  EXPECT_FALSE(subscriber.next());
  EXPECT_EQ(subscriber.close_code(), 1001);
}

TEST_F(TlsTest, CertificateWithoutKeyIsAConfigErrorNamingTheMissingKey) {
  {
    std::ofstream out{dir_ / "cert-only.toml"};
    out << "[server]\ntls_cert = \"" << file("server.pem") << "\"\n";
  }
  auto [code, err] = run_daemon({"--config", file("cert-only.toml")});
  EXPECT_EQ(code, 2) << err;
  EXPECT_THAT(err, HasSubstr("[server] tls_key")) << err;

  std::tie(code, err) = run_daemon({"--tls-key", file("server.key")});
  EXPECT_EQ(code, 2) << err;
  EXPECT_THAT(err, HasSubstr("[server] tls_cert")) << err;
}

TEST_F(TlsTest, UnusableCertificateFilesAreNamedWithOpenSslsReason) {
  const auto missing = file("missing.pem");
  auto [code, err] = run_daemon({"--config", tls_config(missing, file("server.key"))});
  EXPECT_EQ(code, 2) << err;
  EXPECT_THAT(err, HasSubstr("'" + missing + "'"));
  EXPECT_THAT(err, HasSubstr("No such file"));

  write_file("garbage.pem", "not a certificate\n");
  std::tie(code, err) =
    run_daemon({"--config", tls_config(file("garbage.pem"), file("server.key"))});
  EXPECT_EQ(code, 2) << err;
  EXPECT_THAT(err, HasSubstr("'" + file("garbage.pem") + "'"));
  EXPECT_THAT(err, HasSubstr("PEM"));

  // An encrypted key is refused, not asked for on the terminal.
  auto encrypt = child_process::start(
    find_program("openssl"),
    {"pkey", "-in", "server.key", "-aes256", "-passout", "pass:secret", "-out", "encrypted.key"},
    dir_.string());
  ASSERT_EQ(encrypt.wait(30s), 0) << encrypt.stderr_text();
  std::tie(code, err) =
    run_daemon({"--tls-cert", file("server.pem"), "--tls-key", file("encrypted.key")});
  EXPECT_EQ(code, 2) << err;
  EXPECT_THAT(err, HasSubstr("'" + file("encrypted.key") + "'"));

  // The other CA's key is not the server certificate's.
  std::tie(code, err) =
    run_daemon({"--tls-cert", file("server.pem"), "--tls-key", file("other-ca.key")});
  EXPECT_EQ(code, 2) << err;
  EXPECT_THAT(err, HasSubstr("'" + file("other-ca.key") + "'"));
  EXPECT_THAT(err, HasSubstr("key values mismatch"));
}

TEST_F(TlsTest, CliTrustsTheServerThroughCaCertForRequestsAndTheEventStream) {
  const auto port = start_tls();
  const auto server = "https://127.0.0.1:" + std::to_string(port);
  const auto system = create_system_over_tls(port);

  auto listed = cli({"--server", server, "--ca-cert", file("ca.pem"), "systems", "list"});
  EXPECT_EQ(listed.code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(system));

  // --watch follows the job over WSS.
  auto created = cli({"--server", server, "--ca-cert", file("ca.pem"), "create", system, "--type",
                      "rct", "--watch"});
  EXPECT_EQ(created.code, 0) << created.out << created.err;
  EXPECT_THAT(created.out, HasSubstr("reference point "));

  ::setenv("REFPOINT_CA_CERT", file("ca.pem").c_str(), 1);
  auto watched = cli({"--server", server, "--json", "watch", "--since", "0", "--no-follow"});
  ::unsetenv("REFPOINT_CA_CERT");
  EXPECT_EQ(watched.code, 0) << watched.err;
  EXPECT_THAT(watched.out, HasSubstr("\"referencePoint.created\""));
  EXPECT_THAT(watched.out, HasSubstr("\"stream.caughtUp\""));
}

TEST_F(TlsTest, CliWithoutTheRightCaRefusesTheServerClearly) {
  const auto port = start_tls();
  const auto server = "https://127.0.0.1:" + std::to_string(port);
  for (const auto& args : std::vector<std::vector<std::string>>{
         {"--server", server, "systems", "list"},
         {"--server", server, "--ca-cert", file("other-ca.pem"), "systems", "list"},
         {"--server", server, "--ca-cert", file("other-ca.pem"), "watch", "--since", "0"}}) {
    auto r = cli(args);
    EXPECT_EQ(r.code, 4) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("TLS handshake with 127.0.0.1:" + std::to_string(port) +
                                 " failed: certificate verify failed"));
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  // The http:// scheme on the TLS port gets no answer either.
  auto plain = cli({"--server", "http://127.0.0.1:" + std::to_string(port), "systems", "list"});
  EXPECT_EQ(plain.code, 4) << plain.err;
}

} // namespace
} // namespace refpoint::test
