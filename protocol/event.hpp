#pragma once
/// Events of the `/api/v1/events` stream (DESIGN §4): one per durable change, numbered by
/// a sequence the store assigns in the transaction of the change. Pure functions, safe from
/// any thread.
///
/// On the wire an event is one JSON text `{cursor, time, type, ...payload}`: `cursor` is
/// the sequence as an opaque string, `time` when the change was stored (ISO-8601), and the
/// payload the affected resource in its REST form under its name (`job`,
/// `referencePoint`, `collectionReferencePoint`, `system`, `collection`).

#include "protocol/model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refpoint::protocol {

/// Every event type, as sent.
namespace event_types {
inline constexpr std::string_view job_created = "job.created";
inline constexpr std::string_view job_progress = "job.progress";
inline constexpr std::string_view job_state = "job.state";
inline constexpr std::string_view job_affected = "job.affected";
inline constexpr std::string_view rp_created = "referencePoint.created";
inline constexpr std::string_view rp_deleted = "referencePoint.deleted";
inline constexpr std::string_view rpc_created = "collectionReferencePoint.created";
inline constexpr std::string_view rpc_deleted = "collectionReferencePoint.deleted";
inline constexpr std::string_view system_created = "system.created";
inline constexpr std::string_view system_updated = "system.updated";
inline constexpr std::string_view collection_created = "collection.created";
inline constexpr std::string_view collection_updated = "collection.updated";
inline constexpr std::string_view collection_deleted = "collection.deleted";
} // namespace event_types

/// The types above, in that order.
const std::vector<std::string_view>& all_event_types();

/// One stored event. `job_id` and `target` exist for filtering: the job whose work made
/// the change (empty for system and collection changes) and the system name or collection
/// id it concerns. `origin` names the cluster node where the change was made when that is
/// another node (its wire text then carries it as `node`); empty for this node's own. `payload` is
/// a JSON object text holding the resource
/// (`{"job":{...}}`); `message` the whole wire text, built once the sequence is known.
struct event_record {
  std::int64_t seq = 0;
  timestamp_us time = 0;
  std::string type;
  std::string job_id;
  std::string target;
  std::string payload;
  std::string message;
  std::string origin{};
  friend bool operator==(const event_record&, const event_record&) = default;
};

/// An event as built before it is stored: `seq`, `time` and `message` still unset.
event_record job_event(std::string_view type, const job_record& job);
event_record reference_point_event(std::string_view type, const reference_point& point,
                                   const std::string& job_id);
event_record collection_rp_event(std::string_view type, const collection_reference_point& point,
                                 const std::string& job_id);
event_record system_event(std::string_view type, const system_info& system);
event_record collection_event(std::string_view type, const collection_info& collection);

/// The wire text of a stored event (`seq` and `time` set).
std::string event_message(const event_record& event);

/// `{"type":"stream.caughtUp","cursor":C}`: sent once the replay is done.
std::string caught_up_message(std::int64_t cursor);
/// `{"type":"stream.gone","oldest":C}`: the cursor asked for is no longer retained;
/// `oldest` is the oldest one that is (sent before closing with 4410).
std::string gone_message(std::int64_t oldest);

/// Cursors are opaque to clients; inside they are sequences in decimal.
std::string format_cursor(std::int64_t seq);
/// A cursor back into a sequence: digits only, at most 18 of them; "0" means "before the
/// first event".
std::optional<std::int64_t> parse_cursor(std::string_view text);

/// Which events a subscriber wants. Empty members match everything. `types` holds exact
/// types or family wildcards (`job.*`).
struct event_filter {
  std::string job;
  std::string target;
  std::vector<std::string> types;

  bool matches(const event_record& event) const;
  friend bool operator==(const event_filter&, const event_filter&) = default;
};

/// Parses `types=a,b` into `filter.types`: each item is a type of `all_event_types()` or
/// `<family>.*` for a family that has one; empty items are refused. Answers the offending
/// item's message ("unknown event type 'x'") on failure.
std::optional<std::string> parse_event_types(std::string_view text,
                                             std::vector<std::string>& types);

} // namespace refpoint::protocol
