// Usage errors (exit 2), help, and an unreachable server (exit 4): the CLI's own contract.

#include "cli_fixture.hpp"

namespace refpoint::test {
namespace {

class CliUsageTest : public CliTest {
protected:
  /// Runs the CLI against a port nothing listens on.
  cli_result run_offline(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", "http://127.0.0.1:" + std::to_string(closed_port())});
    return run(std::move(args), 30s, false);
  }
};

TEST_F(CliUsageTest, HelpListsEveryCommandAndTheExitCodes) {
  auto r = run_offline({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r;
  for (const auto* text :
       {"systems list", "systems create", "collections add-member", "create TARGET --type rct|log",
        "rp changes", "jobs cancel ID [--kill]", "watch [--since CURSOR]", "Exit codes", "130"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r;

  r = run_offline({"jobs", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("jobs cancel"), std::string::npos) << r;
  EXPECT_EQ(r.out.find("systems list"), std::string::npos) << r;

  r = run_offline({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(r.out.starts_with("refpoint ")) << r;
}

TEST_F(CliUsageTest, UsageErrorsExitTwoWithAMessageAndTheUsage) {
  struct usage_case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<usage_case> cases{
    {{}, "no command given"},
    {{"snapshots", "list"}, "unknown command 'snapshots'"},
    {{"systems"}, "systems needs a command (one of: list, show, create)"},
    {{"systems", "explode"}, "unknown systems command 'explode'"},
    {{"systems", "show"}, "missing ID"},
    {{"systems", "show", "a", "b"}, "unexpected argument 'b'"},
    {{"systems", "list", "--colour"}, "unknown option '--colour'"},
    {{"systems", "list", "--kill"}, "option '--kill' does not apply to 'systems list'"},
    {{"create", "vm"}, "missing --type"},
    {{"create", "vm", "--type"}, "option '--type' needs a value"},
    {{"systems", "create", "--disk", "d1:1M"}, "missing --name"},
    {{"systems", "create", "--name", "vm", "--disk", "d1"}, "--disk 'd1': no size or file"},
    {{"jobs", "list", "--limit", "lots"}, "--limit must be a positive whole number"},
    {{"rp", "changes", "X", "--offset", "-1"}, "--offset must be a whole number"},
    {{"--timeout", "0", "systems", "list"}, "--timeout must be a whole number of seconds"},
    {{"--server", "ftp://127.0.0.1:1", "systems", "list"},
     "server URL 'ftp://127.0.0.1:1': only http:// and https:// are supported"},
    {{"--server", "https://127.0.0.1:1", "--ca-cert", "no-such-ca.pem", "systems", "list"},
     "--ca-cert 'no-such-ca.pem': "},
  };
  for (const auto& c : cases) {
    auto r = run_offline(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.message << "\n" << r;
    EXPECT_NE(r.err.find("refpoint: " + c.message), std::string::npos) << r;
    EXPECT_NE(r.err.find("usage"), std::string::npos) << r;
    EXPECT_TRUE(r.out.empty()) << r;
  }
}

TEST_F(CliUsageTest, UnreachableServerExitsFour) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"systems", "list"},
                                             {"--json", "jobs", "show", "X"},
                                             {"create", "vm", "--type", "rct", "--watch"},
                                             {"watch", "--since", "0"}}) {
    auto r = run_offline(args);
    EXPECT_EQ(r.exit_code, 4) << r;
    EXPECT_NE(r.err.find("cannot connect to 127.0.0.1:"), std::string::npos) << r;
  }
}

TEST_F(CliUsageTest, ServerComesFromTheEnvironmentAndTheFlagWins) {
  start_daemon();
  ::setenv("REFPOINT_SERVER", server().c_str(), 1);
  auto r = run({"systems", "list"}, 30s, false);
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(r.out.starts_with("NAME")) << r;

  // --server beats the environment: a closed port fails although the variable is right.
  r =
    run({"--server", "127.0.0.1:" + std::to_string(closed_port()), "systems", "list"}, 30s, false);
  EXPECT_EQ(r.exit_code, 4) << r;
}

TEST_F(CliUsageTest, SilentServerTimesOutWithExitFour) {
  // A listening socket that never answers: connect succeeds, the read times out.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  auto r = run({"--server", "127.0.0.1:" + std::to_string(ntohs(address.sin_port)), "--timeout",
                "1", "systems", "list"},
               20s, false);
  ::close(fd);
  EXPECT_EQ(r.exit_code, 4) << r;
  EXPECT_NE(r.err.find("did not answer within 1 s"), std::string::npos) << r;
}

} // namespace
} // namespace refpoint::test
