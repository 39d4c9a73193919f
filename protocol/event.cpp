#include "protocol/event.hpp"

#include "protocol/cim_datetime.hpp"
#include "protocol/rest_json.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace refpoint::protocol {

namespace {

event_record make_event(std::string_view type, std::string job_id, std::string target,
                        std::string_view member, boost::json::object resource) {
  event_record e;
  e.type = std::string{type};
  e.job_id = std::move(job_id);
  e.target = std::move(target);
  boost::json::object payload;
  payload[member] = std::move(resource);
  e.payload = boost::json::serialize(payload);
  return e;
}

/// True for `<family>.*` when some known type is of that family.
bool is_family_wildcard(std::string_view item) {
  if (item.size() < 3 || !item.ends_with(".*"))
    return false;
  const auto family = item.substr(0, item.size() - 1); // keeps the dot
  return std::ranges::any_of(all_event_types(),
                             [&](std::string_view t) { return t.starts_with(family); });
}

} // namespace

const std::vector<std::string_view>& all_event_types() {
  namespace t = event_types;
  static const std::vector<std::string_view> types{
    t::job_created,        t::job_progress,   t::job_state,          t::job_affected,
    t::rp_created,         t::rp_deleted,     t::rpc_created,        t::rpc_deleted,
    t::system_created,     t::system_updated, t::collection_created, t::collection_updated,
    t::collection_deleted,
  };
  return types;
}

event_record job_event(std::string_view type, const job_record& job) {
  return make_event(type, job.id, job.request.target, "job", rest_job(job));
}

event_record reference_point_event(std::string_view type, const reference_point& point,
                                   const std::string& job_id) {
  return make_event(type, job_id, point.system_name, "referencePoint", rest_reference_point(point));
}

event_record collection_rp_event(std::string_view type, const collection_reference_point& point,
                                 const std::string& job_id) {
  return make_event(type, job_id, point.collection_id, "collectionReferencePoint",
                    rest_collection_reference_point(point));
}

event_record system_event(std::string_view type, const system_info& system) {
  return make_event(type, {}, system.name, "system", rest_system(system));
}

event_record collection_event(std::string_view type, const collection_info& collection) {
  return make_event(type, {}, collection.id, "collection", rest_collection(collection));
}

std::string event_message(const event_record& event) {
  boost::json::object head;
  head["cursor"] = format_cursor(event.seq);
  head["time"] = format_iso8601(event.time);
  head["type"] = event.type;
  if (!event.origin.empty())
    head["node"] = event.origin;
  std::string text = boost::json::serialize(head);
  // Splice the payload's members in: both are objects, so drop the closing brace of one
  // and the opening brace of the other.
  if (event.payload.size() > 2) {
    text.back() = ',';
    text.append(event.payload, 1);
  }
  return text;
}

std::string caught_up_message(std::int64_t cursor) {
  return boost::json::serialize(
    boost::json::object{{"type", "stream.caughtUp"}, {"cursor", format_cursor(cursor)}});
}

std::string gone_message(std::int64_t oldest) {
  return boost::json::serialize(
    boost::json::object{{"type", "stream.gone"}, {"oldest", format_cursor(oldest)}});
}

std::string format_cursor(std::int64_t seq) {
  return std::to_string(seq);
}

std::optional<std::int64_t> parse_cursor(std::string_view text) {
  if (text.empty() || text.size() > 18 ||
      !std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

bool event_filter::matches(const event_record& event) const {
  if (!job.empty() && event.job_id != job)
    return false;
  if (!target.empty() && event.target != target)
    return false;
  if (types.empty())
    return true;
  return std::ranges::any_of(types, [&](const std::string& t) {
    if (t.ends_with(".*"))
      return event.type.starts_with(std::string_view{t}.substr(0, t.size() - 1));
    return event.type == t;
  });
}

std::optional<std::string> parse_event_types(std::string_view text,
                                             std::vector<std::string>& types) {
  std::vector<std::string> parsed;
  while (true) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    if (item.empty())
      return std::string{"empty event type in the list"};
    const bool known = std::ranges::find(all_event_types(), item) != all_event_types().end();
    if (!known && !is_family_wildcard(item))
      return "unknown event type '" + std::string{item} + "'";
    parsed.emplace_back(item);
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  types = std::move(parsed);
  return std::nullopt;
}

} // namespace refpoint::protocol
