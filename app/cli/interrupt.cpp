#include "app/cli/interrupt.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <iostream>
#include <signal.h>
#include <string>
#include <unistd.h>

namespace refpoint::cli {

namespace {

std::atomic<int> pending_interrupts{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free count");

extern "C" void count_interrupt(int) {
  pending_interrupts.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = count_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; // no SA_RESTART: a blocked read() returns EINTR
  ::sigaction(SIGINT, &action, nullptr);
}

bool take_interrupt() {
  int seen = pending_interrupts.load(std::memory_order_relaxed);
  while (seen > 0)
    if (pending_interrupts.compare_exchange_weak(seen, seen - 1, std::memory_order_relaxed))
      return true;
  return false;
}

bool stdin_is_terminal() {
  return ::isatty(STDIN_FILENO) == 1;
}

bool stdout_is_terminal() {
  return ::isatty(STDOUT_FILENO) == 1;
}

std::optional<bool> ask_yes_no(std::string_view question) {
  std::cout.flush();
  std::cerr << question << std::flush;
  std::string answer;
  for (;;) {
    char c = 0;
    const auto got = ::read(STDIN_FILENO, &c, 1);
    if (got < 0 && errno == EINTR) {
      if (take_interrupt()) {
        std::cerr << "\n";
        return std::nullopt;
      }
      continue;
    }
    if (got <= 0 || c == '\n')
      break;
    answer += c;
  }
  if (!answer.empty() && answer.back() == '\r')
    answer.pop_back();
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return answer == "y" || answer == "yes";
}

} // namespace refpoint::cli
