#pragma once
/// A dashboard-like subscriber of `/api/v1/events` for the soak driver. It reads events in
/// one of three paces, reconnects with `since=` the last cursor whenever its connection ends
/// (the server restarts, closes it for lagging, or it drops it on purpose), and keeps every
/// cursor it received so that the stream can be checked for gaps and duplicates afterwards.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soak {

enum class pace {
  steady,  ///< reads as fast as events come
  lagging, ///< alternates slow stretches (far behind the server) and fast ones
  flaky,   ///< drops its connection at random and comes back a little later
};

std::string_view to_string(pace p);

/// What one subscriber saw.
struct stream_log {
  /// The cursor its first `stream.caughtUp` carried: it must have received every event after
  /// it, each once and in order, up to its last cursor.
  std::string anchor;
  std::vector<std::string> cursors;
  std::uint64_t connects = 0;
  std::uint64_t closed_for_lag = 0;  ///< close code 4408
  std::uint64_t dropped_by_us = 0;   ///< flaky pace
  std::uint64_t connection_lost = 0; ///< the server went away or closed otherwise
  std::uint64_t refused = 0;         ///< connect or handshake failed
  std::uint64_t gone = 0;            ///< `stream.gone`: its cursor fell out of the window
};

class stream_subscriber {
public:
  stream_subscriber(std::uint16_t port, pace p, unsigned seed);

  /// Subscribes and resubscribes until `stop` is set.
  void run(const std::atomic<bool>& stop);

  pace kind() const { return pace_; }
  const stream_log& log() const { return log_; }

private:
  const std::uint16_t port_;
  const pace pace_;
  const unsigned seed_;
  stream_log log_;
};

/// The whole retained stream, as a subscription with `since=0` reads it up to its
/// `stream.caughtUp`.
struct full_stream {
  std::vector<std::string> cursors; ///< every event's, oldest first
  /// Ids of the reference points deleted on their own (`referencePoint.deleted` without a
  /// `collectionReferencePointId`), of the members deleted with their collection reference
  /// point, and of the collection reference points deleted.
  std::vector<std::string> deleted_points;
  std::vector<std::string> deleted_members;
  std::vector<std::string> deleted_collections;
};

/// Reads the full stream, or nothing with `error` set.
std::optional<full_stream> read_full_stream(std::uint16_t port, std::string& error);

/// Empty when `log` is a gap-free, duplicate-free run of `all` (every cursor) after its
/// anchor; otherwise what is wrong.
std::string check_stream(const stream_log& log, const std::vector<std::string>& all);

} // namespace soak
