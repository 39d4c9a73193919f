// create --watch, rp delete --watch and watch: progress from the event stream, the final id,
// exit 5 for jobs that fail or are cancelled, Ctrl-C, reconnecting, and --since.

#include "cli_fixture.hpp"
#include "pty_process.hpp"

namespace refpoint::test {
namespace {

/// Polls `done` every 10 ms for at most `timeout`; answers its last value.
template <class Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

/// The job id of a "job ID started ..." line.
std::string job_of(const std::string& line) {
  EXPECT_TRUE(line.starts_with("job ")) << line;
  return line.substr(4, line.find(' ', 4) - 4);
}

class CliWatchTest : public CliTest {
protected:
  /// Starts `create SYSTEM --type rct --watch` and answers the process and its job id.
  std::pair<child_process, std::string> start_watched_job(const std::string& system) {
    auto child = start_cli({"create", system, "--type", "rct", "--watch"});
    auto line = child.wait_for_line("job ", 20s);
    if (!line) {
      ADD_FAILURE() << "no job line: " << child.stderr_text();
      return {std::move(child), std::string{}};
    }
    return {std::move(child), job_of(*line)};
  }
};

TEST_F(CliWatchTest, CreateWatchShowsProgressAndEndsWithTheReferencePointId) {
  start_daemon(10'000'000); // a 10 MB disk takes about a second
  auto vm = create_system("vm", R"([{"id":"d1","sizeBytes":10000000}])");

  auto r = run({"create", "vm", "--type", "rct", "--name", "nightly", "--watch"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 3u) << r;
  EXPECT_EQ(lines.front(), "job " + job_of(lines.front()) + " started (system " + vm + ")");
  // Not a terminal: plain lines, one per 10 % step, percentages never going back.
  int last = -1;
  int running_lines = 0;
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    ASSERT_TRUE(lines[i].starts_with("[")) << lines[i];
    const int percent = std::stoi(lines[i].substr(1, 3));
    EXPECT_GE(percent, last) << r;
    last = percent;
    running_lines += lines[i].ends_with("] Running") && percent > 0 && percent < 100;
  }
  EXPECT_GE(running_lines, 3) << r;
  EXPECT_EQ(lines[lines.size() - 2], "[100%] Completed") << r;

  auto listed = get_json("/api/v1/systems/" + vm + "/reference-points");
  ASSERT_EQ(listed.at("items").as_array().size(), 1u);
  const auto& rp = listed.at("items").at(0);
  EXPECT_EQ(rp.at("elementName"), "nightly");
  EXPECT_EQ(lines.back(), "reference point " + std::string{rp.at("id").as_string()}) << r;
  EXPECT_EQ(get_json("/api/v1/jobs/" + job_of(lines.front())).at("state"), "completed");
}

TEST_F(CliWatchTest, CreateWatchWithJsonPrintsOnlyTheFinalJob) {
  start_daemon(10'000'000);
  create_system("vm", R"([{"id":"d1","sizeBytes":2000000}])");
  auto r = run({"--json", "create", "vm", "--type", "rct", "--watch"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto job = json::parse(r.out).as_object(); // one JSON document, no progress lines
  EXPECT_EQ(job.at("state"), "completed");
  EXPECT_EQ(r.out, get_body("/api/v1/jobs/" + std::string{job.at("id").as_string()}) + "\n");
}

TEST_F(CliWatchTest, FailingJobExitsFiveWithTheServersError) {
  start_daemon(10'000'000);
  auto vm = create_system("flaky", R"([{"id":"d1","sizeBytes":5000000,"simFailAt":0.5}])");
  auto r = run({"create", vm, "--type", "rct", "--watch"});
  EXPECT_EQ(r.exit_code, 5) << r;
  auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 2u) << r;
  EXPECT_TRUE(lines.back().ends_with("] Failed")) << r;
  EXPECT_EQ(r.out.find("reference point"), std::string::npos) << r;
  auto job = get_json("/api/v1/jobs/" + job_of(lines.front()));
  EXPECT_NE(r.err.find("refpoint: job " + job_of(lines.front()) + " ended exception: " +
                       std::string{job.at("error").at("description").as_string()}),
            std::string::npos)
    << r;
}

TEST_F(CliWatchTest, JobsCancelEndsAnotherProcessesWatchWithFive) {
  start_daemon(10'000'000);
  auto vm = create_system("slow", R"([{"id":"d1","sizeBytes":300000000}])"); // 30 s
  auto [watcher, job] = start_watched_job(vm);
  ASSERT_FALSE(job.empty());
  wait_status(job, "Running");

  auto r = run({"jobs", "cancel", job});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(field(r.out, "state"), "terminated (8)") << r;

  auto watched = finish(watcher, 20s);
  EXPECT_EQ(watched.exit_code, 5) << watched;
  EXPECT_NE(watched.out.find("] Terminated"), std::string::npos) << watched;
  EXPECT_NE(watched.err.find("job " + job + " ended terminated"), std::string::npos) << watched;

  // Cancelling again is refused: the job has finished.
  r = run({"jobs", "cancel", job, "--kill"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("409 Conflict: job " + job + " has already finished (terminated)"),
            std::string::npos)
    << r;
}

TEST_F(CliWatchTest, WatchingAJobThatAlreadyEndedAnswersAtOnce) {
  start_daemon(10'000'000);
  auto vm = create_system("vm", R"([{"id":"d1","sizeBytes":1000}])");
  auto job = wait_job(start_job(vm));
  const std::string rp{
    get_json("/api/v1/systems/" + vm + "/reference-points").at("items").at(0).at("id").as_string()};
  auto r = run({"rp", "delete", rp, "--watch"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(r.out.ends_with("deleted reference point " + rp + "\n")) << r;
}

TEST_F(CliWatchTest, CtrlCWithoutATerminalStopsWatchingAndLeavesTheJobRunning) {
  start_daemon(10'000'000);
  auto vm = create_system("slow", R"([{"id":"d1","sizeBytes":300000000}])");
  auto [watcher, job] = start_watched_job(vm);
  ASSERT_FALSE(job.empty());
  wait_status(job, "Running");
  ASSERT_TRUE(watcher.wait_for_line("[  0%] Running", 10s)) << watcher.stdout_text();

  watcher.signal(SIGINT);
  auto r = finish(watcher, 10s);
  EXPECT_EQ(r.exit_code, 130) << r;
  EXPECT_NE(r.err.find("job " + job + " keeps running"), std::string::npos) << r;
  EXPECT_EQ(get_json("/api/v1/jobs/" + job).at("state"), "running");
}

TEST_F(CliWatchTest, CtrlCOnATerminalAsksBeforeCancelling) {
  start_daemon(10'000'000);
  auto vm = create_system("slow", R"([{"id":"d1","sizeBytes":300000000}])");
  pty_process cli{REFPOINT_CLI_PATH,
                  {"--server", server(), "create", vm, "--type", "rct", "--watch"}};
  ASSERT_TRUE(cli.wait_for("Running", 20s)) << cli.output();
  // A terminal gets the bar redrawn in place.
  EXPECT_NE(cli.output().find("\r[---"), std::string::npos) << cli.output();

  cli.type("\x03"); // Ctrl-C, then "no": watching goes on
  ASSERT_TRUE(cli.wait_for("? [y/N] ", 10s)) << cli.output();
  cli.type("n\n");
  ASSERT_TRUE(cli.wait_for("Running", 10s)) << cli.output();

  cli.type("\x03"); // Ctrl-C, then "yes": the job is cancelled and the watch ends with 5
  ASSERT_TRUE(cli.wait_for("? [y/N] ", 10s)) << cli.output();
  cli.type("y\n");
  auto code = cli.wait(20s);
  ASSERT_TRUE(code) << cli.output();
  EXPECT_EQ(*code, 5) << cli.output();
  EXPECT_NE(cli.output().find("Terminated"), std::string::npos) << cli.output();

  const auto start = cli.output().find("job ");
  ASSERT_NE(start, std::string::npos);
  auto job = job_of(cli.output().substr(start));
  EXPECT_EQ(get_json("/api/v1/jobs/" + job).at("state"), "terminated");
}

TEST_F(CliWatchTest, WatcherReconnectsWhenTheServerRestarts) {
  start_daemon(10'000'000);
  const auto port = port_;
  auto vm = create_system("slow", R"([{"id":"d1","sizeBytes":300000000}])");
  auto [watcher, job] = start_watched_job(vm);
  ASSERT_FALSE(job.empty());
  ASSERT_TRUE(watcher.wait_for_line("[  0%] Running", 20s)) << watcher.stdout_text();
  std::this_thread::sleep_for(200ms); // a few progress events go by

  kill_daemon(); // the running job is interrupted; after the restart it ends in Exception
  start_daemon(10'000'000, {}, port);

  auto r = finish(watcher, 30s);
  EXPECT_EQ(r.exit_code, 5) << r;
  EXPECT_NE(r.err.find("reconnecting"), std::string::npos) << r;
  EXPECT_NE(r.err.find("job " + job + " ended exception"), std::string::npos) << r;
  EXPECT_EQ(get_json("/api/v1/jobs/" + job).at("state"), "exception");
}

TEST_F(CliWatchTest, WatchSinceReplaysEventsAsLinesAndResumesAfterACursor) {
  start_daemon(10'000'000);
  auto vm = create_system("vm", R"([{"id":"d1","sizeBytes":0}])");
  auto first = std::string{wait_job(start_job(vm)).at("id").as_string()};

  auto r = run({"watch", "--since", "0", "--no-follow"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 6u) << r;
  const std::vector<std::string> types{"system.created",         "job.created",  "job.state",
                                       "referencePoint.created", "job.affected", "job.state"};
  long previous = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const long cursor = std::stol(lines[i]);
    EXPECT_GT(cursor, previous);
    previous = cursor;
    EXPECT_NE(lines[i].find("  " + types[i] + "  "), std::string::npos) << lines[i];
  }
  EXPECT_NE(lines[0].find("system " + vm + " \"vm\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[5].find("job " + first), std::string::npos) << lines[5];
  EXPECT_NE(lines[5].find("completed 100% Completed"), std::string::npos) << lines[5];
  EXPECT_NE(r.err.find("caught up at cursor " + std::to_string(previous)), std::string::npos) << r;

  // Resume after the last cursor seen: only what happened since.
  auto second = std::string{wait_job(start_job(vm)).at("id").as_string()};
  r = run({"watch", "--since", std::to_string(previous), "--no-follow"});
  ASSERT_EQ(r.exit_code, 0) << r;
  lines = lines_of(r.out);
  ASSERT_FALSE(lines.empty()) << r;
  EXPECT_GT(std::stol(lines.front()), previous);
  EXPECT_EQ(r.out.find(first), std::string::npos) << r;
  EXPECT_NE(lines.back().find("job " + second), std::string::npos) << r;

  // --json: the server's messages as they came, one per line, caughtUp included.
  r = run({"--json", "watch", "--since", "0", "--no-follow", "--types", "job.state"});
  ASSERT_EQ(r.exit_code, 0) << r;
  lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 5u) << r; // two job.state per job, then stream.caughtUp
  for (std::size_t i = 0; i + 1 < lines.size(); ++i)
    EXPECT_EQ(json::parse(lines[i]).at("type"), "job.state") << lines[i];
  EXPECT_EQ(json::parse(lines.back()).at("type"), "stream.caughtUp");

  r = run({"watch", "--since", "bogus"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("(field: since)"), std::string::npos) << r;
}

TEST_F(CliWatchTest, WatchSinceAnEvictedCursorSaysSoAndGoesOnLive) {
  start_daemon(10'000'000, "[events]\nretention = 4\n");
  auto vm = create_system("vm", R"([{"id":"d1","sizeBytes":0}])");
  for (int i = 0; i < 3; ++i)
    wait_job(start_job(vm));

  auto r = run({"watch", "--since", "1", "--no-follow"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.err.find("the events after that cursor are no longer retained (oldest: "),
            std::string::npos)
    << r;
  EXPECT_NE(r.err.find("caught up at cursor"), std::string::npos) << r;
  EXPECT_TRUE(r.out.empty()) << r; // live from the restart on: nothing happened since

  r = run({"--json", "watch", "--since", "1", "--no-follow"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2u) << r;
  EXPECT_EQ(json::parse(lines[0]).at("type"), "stream.gone");
  EXPECT_EQ(json::parse(lines[1]).at("type"), "stream.caughtUp");
}

TEST_F(CliWatchTest, WatchFollowsLiveEventsUntilCtrlC) {
  start_daemon(10'000'000);
  auto vm = create_system("vm", R"([{"id":"d1","sizeBytes":0}])");
  auto watcher = start_cli({"watch", "--types", "job.*", "--target", vm});
  ASSERT_TRUE(
    wait_until([&] { return watcher.stderr_text().find("caught up") != std::string::npos; }, 10s))
    << watcher.stderr_text();
  auto job = std::string{wait_job(start_job(vm)).at("id").as_string()};
  ASSERT_TRUE(wait_until(
    [&] { return watcher.stdout_text().find("completed 100%") != std::string::npos; }, 10s))
    << watcher.stdout_text();
  watcher.signal(SIGINT);
  auto r = finish(watcher, 10s);
  EXPECT_EQ(r.exit_code, 130) << r;
  EXPECT_NE(r.out.find("job.created  job " + job), std::string::npos) << r;
  EXPECT_EQ(r.out.find("system.created"), std::string::npos) << r; // filtered out
}

} // namespace
} // namespace refpoint::test
