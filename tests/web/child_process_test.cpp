#include "support/process.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <signal.h>

namespace {

using refpoint::test::child_process;
using refpoint::test::port_from_listening_line;
using namespace std::chrono_literals;

TEST(ChildProcess, FindsOutputLineAndKillsChildWhenDestroyed) {
  pid_t pid = 0;
  {
    auto child = child_process::start("/bin/sh", {"-c", "echo starting; echo hello; sleep 30"});
    pid = child.pid();
    EXPECT_EQ(child.wait_for_line("hello", 5s), "hello") << child.stderr_text();
    EXPECT_FALSE(child.wait(50ms)) << "still sleeping";
  }
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH) << "killed and reaped";
}

TEST(ChildProcess, ReportsExitCodeAndStderr) {
  auto child = child_process::start("/bin/sh", {"-c", "echo oops >&2; exit 3"});
  EXPECT_EQ(child.wait(5s), 3);
  EXPECT_FALSE(child.wait_for_line("never", 1s)) << "stdout closed: no need to wait";
  EXPECT_EQ(child.stderr_text(), "oops\n");
}

TEST(ChildProcess, ReportsSignalAsExitCodeAbove128) {
  auto child = child_process::start("/bin/sleep", {"30"});
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(5s), 128 + SIGTERM);
}

TEST(ChildProcess, ThrowsWhenProgramCannotStart) {
  EXPECT_THROW(child_process::start("/nonexistent/refpointd", {}), std::runtime_error);
}

TEST(ChildProcess, ReadsPortFromListeningLine) {
  EXPECT_EQ(port_from_listening_line("refpointd listening on http://127.0.0.1:43127"), 43127);
  EXPECT_THROW(port_from_listening_line("refpointd listening"), std::invalid_argument);
}

} // namespace
