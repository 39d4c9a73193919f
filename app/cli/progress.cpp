#include "app/cli/progress.hpp"

#include "app/cli/json_text.hpp"

#include <algorithm>
#include <cstdio>

namespace refpoint::cli {

namespace {

constexpr std::int64_t bar_width = 30;

std::string percent_text(std::int64_t percent) {
  char text[8];
  std::snprintf(text, sizeof text, "%3d%%", static_cast<int>(percent));
  return text;
}

} // namespace

void progress_view::update(const boost::json::object& job) {
  const auto percent = std::clamp<std::int64_t>(integer_of(job, "percentComplete"), 0, 100);
  auto status = text_of(job, "status");
  auto state = text_of(job, "state");
  const bool same_words = status == status_ && state == state_;
  if (same_words && percent == percent_ && (drawn_ || !terminal_))
    return;
  // Plain lines are for logs: a line per 10 % step, or when the status changes.
  if (!terminal_ && same_words && percent / 10 == percent_ / 10 && percent != 100)
    return;
  percent_ = percent;
  status_ = std::move(status);
  state_ = std::move(state);
  if (!terminal_) {
    out_ << "[" << percent_text(percent_) << "] " << status_ << "\n" << std::flush;
    return;
  }
  const auto filled = percent_ * bar_width / 100;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(bar_width - filled), '-');
  // "\x1b[K" erases what a longer previous status left at the end of the line.
  out_ << "\r[" << bar << "] " << percent_text(percent_) << "  " << status_ << "\x1b[K"
       << std::flush;
  drawn_ = true;
}

void progress_view::interject() {
  if (drawn_) {
    out_ << "\n" << std::flush;
    drawn_ = false;
  }
}

} // namespace refpoint::cli
