#pragma once
/// Following the event stream across disconnects (docs/API.md, "Event stream").
///
/// The follower opens `/api/v1/events`, hands every message to an observer and keeps the last
/// cursor it saw. A dropped connection (or a close such as 4408 "too slow" or 1001 "server
/// stopping") is reopened with `since=` that cursor, so nothing is missed or repeated; it gives
/// up after `reconnect_attempts` failed attempts in a row (about 12 s). `stream.gone` (close
/// 4410) means the events after the cursor are no longer retained: the observer hears of it and
/// the follower reopens the stream live. Ctrl-C is polled between waits of at most 200 ms
/// (`catch_interrupts` must be installed for it to arrive as a call rather than end the
/// process).

#include "app/cli/http_client.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace refpoint::cli {

enum class follow_step { more, stop };

/// What to subscribe to.
struct follow_request {
  std::string filters;              ///< query parameters other than since, encoded ("job=ID")
  std::optional<std::string> since; ///< the first cursor to resume after; none: live only
};

/// Receives what the stream says. Every call comes from the follower's thread.
class stream_observer {
public:
  virtual ~stream_observer() = default;
  /// An event (any message whose type does not start with "stream.").
  virtual follow_step on_event(const boost::json::object& event, const std::string& text) = 0;
  /// `stream.caughtUp`. `after_gap`: the first since the stream restarted live after
  /// `stream.gone`, so events may have been missed in between.
  virtual follow_step on_caught_up(const boost::json::object& message, const std::string& text,
                                   bool after_gap) = 0;
  /// `stream.gone`: the cursor asked for is older than the retained events. The follower
  /// reopens the stream live next.
  virtual void on_gone(const boost::json::object& message, const std::string& text) = 0;
  /// Ctrl-C was pressed.
  virtual follow_step on_interrupt() = 0;
  /// The connection dropped and the follower is about to reopen it (`why` says what happened).
  virtual void on_reconnect(std::string_view why) = 0;
};

inline constexpr int reconnect_attempts = 8;

/// Follows the stream until an observer call answers `stop` (answers 0), or it cannot go on:
/// the upgrade was refused (exit_refused), the server stays unreachable (exit_unreachable) or
/// sent something that is not a JSON object (exit_failure); the reason is then printed on `err`.
int follow_events(http_client& client, const follow_request& request, stream_observer& observer,
                  std::ostream& err);

} // namespace refpoint::cli
