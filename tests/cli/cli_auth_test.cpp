// Bearer tokens: a server with `[server] auth_tokens` refuses the CLI without one (exit 3,
// the server's 401 detail) and serves it with --token or REFPOINT_TOKEN, WebSocket included.

#include "cli_fixture.hpp"

namespace refpoint::test {
namespace {

class CliAuthTest : public CliTest {
protected:
  void SetUp() override { start_daemon(10'000'000, "[server]\nauth_tokens = [\"t1\"]\n"); }

  /// A system registered with the token.
  std::string create_system_with_token() {
    auto res = http().post("/api/v1/systems",
                           R"({"elementName":"vm","disks":[{"id":"d1","sizeBytes":2000000}]})",
                           {{"Authorization", "Bearer t1"}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string{json::parse(res.body).at("name").as_string()};
  }
};

TEST_F(CliAuthTest, WithoutATokenTheServersRefusalIsExitThree) {
  auto r = run({"systems", "list"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("refpoint: 401 Unauthorized: this resource needs a bearer token"),
            std::string::npos)
    << r;

  r = run({"--token", "wrong", "systems", "list"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("401 Unauthorized: the bearer token is not valid"), std::string::npos) << r;

  // The event stream's upgrade is refused the same way.
  r = run({"watch", "--since", "0"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("the event stream was refused: 401 Unauthorized"), std::string::npos) << r;
}

TEST_F(CliAuthTest, TokenFromTheFlagOrTheEnvironmentIsSent) {
  auto vm = create_system_with_token();
  auto r = run({"--token", "t1", "systems", "list"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find(vm), std::string::npos) << r;

  ::setenv("REFPOINT_TOKEN", "t1", 1);
  r = run({"systems", "show", vm});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(field(r.out, "name"), vm) << r;
  // --token beats the environment.
  r = run({"--token", "wrong", "systems", "show", vm});
  EXPECT_EQ(r.exit_code, 3) << r;
}

TEST_F(CliAuthTest, CreateWatchSendsTheTokenOnTheEventStream) {
  auto vm = create_system_with_token();
  auto r = run({"--token", "t1", "create", vm, "--type", "rct", "--watch"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("[100%] Completed"), std::string::npos) << r;
  EXPECT_NE(r.out.find("\nreference point "), std::string::npos) << r;

  r = run({"--token", "t1", "watch", "--since", "0", "--no-follow"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("system.created"), std::string::npos) << r;
}

} // namespace
} // namespace refpoint::test
