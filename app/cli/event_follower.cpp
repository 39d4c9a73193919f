#include "app/cli/event_follower.hpp"

#include "app/cli/api.hpp"
#include "app/cli/event_client.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/interrupt.hpp"
#include "app/cli/json_text.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <thread>

namespace refpoint::cli {

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr auto poll_interval = 200ms;
constexpr std::uint16_t close_gone = 4410;

std::chrono::milliseconds backoff(int attempt) {
  return std::min<std::chrono::milliseconds>(250ms * (1 << std::min(attempt, 4)), 2000ms);
}

/// The follower's state across connections.
class follower {
public:
  follower(http_client& client, const follow_request& request, stream_observer& observer,
           std::ostream& err)
      : connection_(client.server(), client.token(), client.timeout(), client.tls()),
        request_(request), observer_(observer), err_(err), since_(request.since) {}

  int run() {
    int failed_attempts = 0;
    bool ever_opened = false;
    std::string last_error;
    for (;;) {
      auto opened = connection_.open(query());
      if (auto* refused = std::get_if<stream_refused>(&opened)) {
        // A server that is restarting may answer 503 for a moment; anything else is final.
        if (!ever_opened || refused->reply.status != 503) {
          err_ << "refpoint: the event stream was refused: " << describe_refusal(refused->reply)
               << "\n";
          return exit_refused;
        }
        last_error = describe_refusal(refused->reply);
      } else if (auto* failure = std::get_if<transport_failure>(&opened)) {
        if (!ever_opened) {
          err_ << "refpoint: " << failure->message << "\n";
          return exit_unreachable;
        }
        last_error = failure->message;
      } else {
        ever_opened = true;
        auto ended = read_until_closed(failed_attempts);
        if (ended.exit_code)
          return *ended.exit_code;
        last_error = ended.why;
        if (ended.restart_live) {
          failed_attempts = 0;
          continue; // stream.gone: reopen live at once
        }
        observer_.on_reconnect(last_error);
      }
      if (failed_attempts >= reconnect_attempts) {
        err_ << "refpoint: the event stream is lost (" << last_error << "); gave up after "
             << reconnect_attempts << " attempts to reconnect\n";
        return exit_unreachable;
      }
      if (auto stop = wait(backoff(failed_attempts)))
        return *stop;
      ++failed_attempts;
    }
  }

private:
  /// How one connection ended: with the command's exit code, or with a reason to reconnect.
  struct connection_end {
    std::optional<int> exit_code;
    std::string why;
    bool restart_live = false;
  };

  std::string query() const {
    std::string q = request_.filters;
    if (since_)
      q += (q.empty() ? "" : "&") + std::string{"since="} + url_encode(*since_);
    return q.empty() ? std::string{} : "?" + q;
  }

  /// Sleeps `pause` in slices, answering Ctrl-C; answers an exit code when told to stop.
  std::optional<int> wait(std::chrono::milliseconds pause) {
    const auto until = std::chrono::steady_clock::now() + pause;
    while (std::chrono::steady_clock::now() < until) {
      if (take_interrupt() && observer_.on_interrupt() == follow_step::stop)
        return 0;
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        poll_interval, std::chrono::duration_cast<std::chrono::milliseconds>(
                         until - std::chrono::steady_clock::now())));
    }
    return std::nullopt;
  }

  connection_end read_until_closed(int& failed_attempts) {
    for (;;) {
      if (take_interrupt() && observer_.on_interrupt() == follow_step::stop) {
        connection_.close();
        return {0, {}, false};
      }
      auto next = connection_.next(poll_interval);
      if (std::holds_alternative<stream_idle>(next))
        continue;
      if (auto* closed = std::get_if<stream_closed>(&next)) {
        if (closed->code == close_gone || gone_) {
          gone_ = false;
          gap_ = true;
          since_.reset();
          return {std::nullopt, "stream.gone", true};
        }
        std::string why = closed->code != 0 ? "closed with code " + std::to_string(closed->code)
                                            : "connection dropped";
        if (!closed->reason.empty())
          why += ": " + closed->reason;
        return {std::nullopt, why, false};
      }
      const auto& text = std::get<stream_message>(next).text;
      boost::system::error_code ec;
      auto parsed = json::parse(text, ec);
      if (ec || !parsed.is_object()) {
        connection_.close();
        err_ << "refpoint: the event stream sent something that is not a JSON object: "
             << text.substr(0, 200) << "\n";
        return {exit_failure, {}, false};
      }
      failed_attempts = 0;
      const auto& message = parsed.get_object();
      const auto type = text_of(message, "type");
      if (type == "stream.gone") {
        gone_ = true;
        observer_.on_gone(message, text);
        continue;
      }
      if (auto cursor = text_of(message, "cursor"); !cursor.empty())
        since_ = cursor;
      follow_step step;
      if (type == "stream.caughtUp") {
        step = observer_.on_caught_up(message, text, std::exchange(gap_, false));
      } else {
        step = observer_.on_event(message, text);
      }
      if (step == follow_step::stop) {
        connection_.close();
        return {0, {}, false};
      }
    }
  }

  event_connection connection_;
  const follow_request& request_;
  stream_observer& observer_;
  std::ostream& err_;
  std::optional<std::string> since_; ///< where the next connection resumes
  bool gone_ = false;                ///< stream.gone arrived on this connection
  bool gap_ = false;                 ///< the stream restarted live after stream.gone
};

} // namespace

int follow_events(http_client& client, const follow_request& request, stream_observer& observer,
                  std::ostream& err) {
  return follower{client, request, observer, err}.run();
}

} // namespace refpoint::cli
