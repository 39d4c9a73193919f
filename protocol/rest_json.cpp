#include "protocol/rest_json.hpp"

#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>
#include <map>

namespace refpoint::protocol {

namespace {

namespace json = boost::json;

constexpr std::size_t max_element_name_chars = 256;

/// Sets `out[key]` to the ISO-8601 form of `ts` unless it is unset (0).
void put_time(json::object& out, std::string_view key, timestamp_us ts) {
  if (ts != 0)
    out[key] = format_iso8601(ts);
}

json::object rest_affected(const affected_element& element) {
  return {{"element", element.element_path},
          {"effects", json::array{static_cast<std::uint16_t>(element.effects)}}};
}

// --- decoding -----------------------------------------------------------------------

/// Number of Unicode code points in UTF-8 `text` (Boost.JSON only yields valid UTF-8).
std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++count;
  return count;
}

std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
  case json::kind::null:
    return "null";
  case json::kind::bool_:
    return "boolean";
  case json::kind::int64:
  case json::kind::uint64:
  case json::kind::double_:
    return "number";
  case json::kind::string:
    return "string";
  case json::kind::array:
    return "array";
  case json::kind::object:
    return "object";
  }
  return "unknown";
}

/// A scalar as JSON text; doubles in their shortest round-trip form (`1.5`, not `1.5E0`).
std::string scalar_text(const json::value& v) {
  if (!v.is_double())
    return json::serialize(v);
  std::array<char, 32> buffer{};
  auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v.get_double()).ptr;
  return std::string{buffer.data(), end};
}

/// What was found, for messages: `array`, `object`, `null`, or the type and the value
/// (`string "abc"`, `number 1.5`, `boolean true`).
std::string describe(const json::value& v) {
  std::string out{kind_name(v)};
  if (v.is_primitive() && !v.is_null())
    out += " " + scalar_text(v);
  return out;
}

std::string join_path(std::string_view prefix, std::string_view key) {
  if (prefix.empty())
    return std::string{key};
  return std::string{prefix} + "." + std::string{key};
}

/// Keeps the first failure of a decode; later ones are dropped.
class error_sink {
public:
  void fail(std::string field, std::string message) {
    if (!first_)
      first_ = invalid_parameter(std::move(field), std::move(message));
  }
  bool failed() const { return first_.has_value(); }
  failure take() { return std::move(*first_); }

private:
  std::optional<failure> first_;
};

/// Typed access to the members of one JSON object found at `prefix`. Getters return
/// nullopt both when the member is absent and when it is invalid; invalid (and missing
/// required) members are reported to the sink.
class object_view {
public:
  object_view(const json::object& object, std::string prefix, error_sink& sink)
      : object_(object), prefix_(std::move(prefix)), sink_(sink) {}

  std::string path(std::string_view key) const { return join_path(prefix_, key); }
  bool has(std::string_view key) const { return object_.contains(key); }
  void fail(std::string_view key, const std::string& message) {
    auto field = path(key);
    sink_.fail(field, field + " " + message);
  }

  /// Refuses members not in `known`, naming all of them.
  void reject_unknown(std::initializer_list<std::string_view> known) {
    std::vector<std::string> unknown;
    for (const auto& member : object_)
      if (std::find(known.begin(), known.end(), member.key()) == known.end())
        unknown.push_back(path(member.key()));
    if (unknown.empty())
      return;
    std::string message = unknown.size() == 1 ? "unknown field " : "unknown fields ";
    message += join(unknown) + "; allowed: " + join(known);
    sink_.fail(unknown.front(), std::move(message));
  }

  /// Reports `key` as missing when absent.
  bool require(std::string_view key, std::string_view condition = {}) {
    if (has(key))
      return true;
    fail(key, condition.empty() ? "is required" : "is required " + std::string{condition});
    return false;
  }

  std::optional<std::string> string(std::string_view key) {
    auto* v = typed(key, json::kind::string, "a string");
    if (!v)
      return std::nullopt;
    return std::string{v->get_string()};
  }

  std::optional<bool> boolean(std::string_view key) {
    auto* v = typed(key, json::kind::bool_, "a boolean");
    if (!v)
      return std::nullopt;
    return v->get_bool();
  }

  std::optional<std::uint64_t> non_negative_integer(std::string_view key) {
    auto* v = object_.if_contains(key);
    if (!v)
      return std::nullopt;
    if (v->is_uint64())
      return v->get_uint64();
    if (v->is_int64() && v->get_int64() >= 0)
      return static_cast<std::uint64_t>(v->get_int64());
    fail(key, "must be a non-negative integer, found " + describe(*v));
    return std::nullopt;
  }

  /// A number within [low, high].
  std::optional<double> number_between(std::string_view key, double low, double high) {
    auto* v = object_.if_contains(key);
    if (!v)
      return std::nullopt;
    if (v->is_number()) {
      auto number = v->to_number<double>();
      if (number >= low && number <= high)
        return number;
    }
    fail(key, "must be a number between " + scalar_text(low) + " and " + scalar_text(high) +
                ", found " + describe(*v));
    return std::nullopt;
  }

  /// A string member that `parse` accepts; `allowed` spells the choices for messages.
  template <class Parse>
  auto choice(std::string_view key, Parse parse, std::string_view allowed)
    -> decltype(parse(std::string_view{})) {
    auto* v = object_.if_contains(key);
    if (!v)
      return std::nullopt;
    if (v->is_string())
      if (auto parsed = parse(v->get_string()))
        return parsed;
    fail(key, "must be " + std::string{allowed} + ", found " + describe(*v));
    return std::nullopt;
  }

  const json::array* array(std::string_view key) {
    auto* v = typed(key, json::kind::array, "an array");
    return v ? &v->get_array() : nullptr;
  }

private:
  const json::value* typed(std::string_view key, json::kind kind, std::string_view expected) {
    auto* v = object_.if_contains(key);
    if (!v || v->kind() == kind)
      return v;
    fail(key, "must be " + std::string{expected} + ", found " + describe(*v));
    return nullptr;
  }

  template <class Strings>
  static std::string join(const Strings& items) {
    std::string out;
    for (const auto& item : items)
      out += (out.empty() ? "" : ", ") + std::string{item};
    return out;
  }

  const json::object& object_;
  std::string prefix_;
  error_sink& sink_;
};

/// The body as an object, or a failure naming what it was instead.
const json::object* body_object(const json::value& body, error_sink& sink) {
  if (auto* object = body.if_object())
    return object;
  sink.fail("", "request body must be a JSON object, found " + describe(body));
  return nullptr;
}

/// Checks an element name's length: at most 256 code points, and not empty unless
/// `allow_empty`.
void check_element_name(object_view& in, const std::string& name, bool allow_empty) {
  auto length = utf8_length(name);
  if (length == 0 && !allow_empty)
    in.fail("elementName", "must not be empty");
  else if (length > max_element_name_chars)
    in.fail("elementName", "must be at most " + std::to_string(max_element_name_chars) +
                             " characters, found " + std::to_string(length));
}

std::optional<std::string> parse_backend(std::string_view text) {
  if (text == "sim" || text == "file")
    return std::string{text};
  return std::nullopt;
}

void decode_disk_location(object_view& in, disk& out) {
  if (out.backend == "file") {
    if (!in.require("path", "for backend \"file\""))
      return;
    if (auto path = in.string("path")) {
      if (path->empty())
        in.fail("path", "must not be empty");
      out.path = std::move(*path);
    }
  } else if (in.has("path")) {
    in.fail("path", "is only allowed with backend \"file\"");
  }
}

void decode_disk_size(object_view& in, disk& out) {
  if (out.backend == "sim" && !in.require("sizeBytes", "for backend \"sim\""))
    return;
  if (auto size = in.non_negative_integer("sizeBytes"))
    out.size_bytes = *size;
}

void decode_sim_fail_at(object_view& in, disk& out) {
  auto fraction = in.number_between("simFailAt", 0.0, 1.0);
  if (fraction && out.backend == "sim")
    out.sim_fail_at = *fraction;
}

disk decode_disk(const json::object& object, std::string prefix, error_sink& sink) {
  object_view in{object, std::move(prefix), sink};
  in.reject_unknown({"id", "backend", "path", "sizeBytes", "changeTracking", "simFailAt"});
  disk out;
  if (in.require("id"))
    if (auto id = in.string("id")) {
      if (id->empty())
        in.fail("id", "must not be empty");
      out.id = std::move(*id);
    }
  if (auto backend = in.choice("backend", parse_backend, R"("sim" or "file")"))
    out.backend = std::move(*backend);
  decode_disk_location(in, out);
  decode_disk_size(in, out);
  if (auto tracking = in.boolean("changeTracking"))
    out.change_tracking = *tracking;
  decode_sim_fail_at(in, out);
  return out;
}

std::vector<disk> decode_disks(const json::array& items, error_sink& sink) {
  std::vector<disk> out;
  std::map<std::string, std::size_t, std::less<>> seen;
  for (std::size_t i = 0; i < items.size() && !sink.failed(); ++i) {
    auto prefix = "disks[" + std::to_string(i) + "]";
    auto* object = items[i].if_object();
    if (!object) {
      sink.fail(prefix, prefix + " must be an object, found " + describe(items[i]));
      break;
    }
    auto d = decode_disk(*object, prefix, sink);
    auto [previous, inserted] = seen.emplace(d.id, i);
    if (!inserted && !sink.failed())
      sink.fail(prefix + ".id", prefix + ".id duplicates disks[" +
                                  std::to_string(previous->second) + "].id \"" + d.id + "\"");
    out.push_back(std::move(d));
  }
  return out;
}

std::string guid_expectation(std::string_view found) {
  return "must be a GUID (8-4-4-4-12 hex digits), found " + describe(json::value(found));
}

/// An optional GUID member `key`, canonicalized into `out`.
void decode_guid(object_view& in, std::string_view key, std::string& out) {
  auto text = in.string(key);
  if (!text)
    return;
  if (is_guid(*text))
    out = canonical_guid(*text);
  else
    in.fail(key, guid_expectation(*text));
}

/// Collection members: system-name GUIDs, canonicalized, unique, sorted ascending.
std::vector<std::string> decode_members(const json::array& items, error_sink& sink) {
  std::vector<std::string> out;
  std::map<std::string, std::size_t, std::less<>> seen;
  for (std::size_t i = 0; i < items.size() && !sink.failed(); ++i) {
    auto field = "members[" + std::to_string(i) + "]";
    const auto* text = items[i].if_string();
    if (!text || !is_guid(*text)) {
      sink.fail(field, field + " " +
                         (text ? guid_expectation(*text)
                               : "must be a string (a GUID), found " + describe(items[i])));
      break;
    }
    auto name = canonical_guid(*text);
    auto [previous, inserted] = seen.emplace(name, i);
    if (!inserted)
      sink.fail(field, field + " duplicates members[" + std::to_string(previous->second) + "] \"" +
                         name + "\"");
    out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

json::object rest_disk(const disk& d) {
  json::object out{{"id", d.id}, {"backend", d.backend}};
  if (!d.path.empty())
    out["path"] = d.path;
  out["sizeBytes"] = d.size_bytes;
  out["changeTracking"] = d.change_tracking;
  if (d.sim_fail_at)
    out["simFailAt"] = *d.sim_fail_at;
  return out;
}

json::object rest_system(const system_info& system) {
  json::array disks;
  for (const auto& d : system.disks)
    disks.emplace_back(rest_disk(d));
  json::object out{{"name", system.name},
                   {"elementName", system.element_name},
                   {"enabledState", to_string(system.state)},
                   {"replicationEnabled", system.replication_enabled}};
  out["disks"] = std::move(disks);
  put_time(out, "createdAt", system.created_at);
  return out;
}

json::object rest_reference_point(const reference_point& point) {
  json::object out{{"id", point.id},
                   {"systemId", point.system_name},
                   {"elementName", point.element_name},
                   {"type", to_string(point.kind)},
                   {"consistencyLevel", to_string(point.consistency)}};
  out["diskIds"] = json::array(point.disk_ids.begin(), point.disk_ids.end());
  out["rctIds"] = json::array(point.rct_ids.begin(), point.rct_ids.end());
  put_time(out, "createdAt", point.created_at);
  out["jobId"] = point.job_id;
  if (!point.collection_rp_id.empty())
    out["collectionReferencePointId"] = point.collection_rp_id;
  return out;
}

json::object rest_collection(const collection_info& collection) {
  json::object out{{"id", collection.id}, {"elementName", collection.element_name}};
  out["members"] = json::array(collection.members.begin(), collection.members.end());
  put_time(out, "createdAt", collection.created_at);
  return out;
}

json::object rest_collection_reference_point(const collection_reference_point& point) {
  json::object out{{"id", point.id},
                   {"collectionId", point.collection_id},
                   {"elementName", point.element_name},
                   {"type", to_string(point.kind)},
                   {"consistencyLevel", to_string(point.consistency)}};
  out["memberIds"] = json::array(point.member_ids.begin(), point.member_ids.end());
  put_time(out, "createdAt", point.created_at);
  out["jobId"] = point.job_id;
  return out;
}

json::object rest_job(const job_record& job) {
  json::object out{{"id", job.id},
                   {"type", to_string(job.type)},
                   {"target", job.request.target},
                   {"state", to_string(job.state)},
                   {"jobState", static_cast<std::uint16_t>(job.state)},
                   {"percentComplete", job.percent_complete},
                   {"status", job.status}};
  if (job.error_code != 0)
    out["error"] = json::object{{"code", job.error_code},
                                {"description", job.error_description},
                                {"summary", job.error_summary}};
  put_time(out, "submittedAt", job.submitted_at);
  put_time(out, "startedAt", job.started_at);
  put_time(out, "finishedAt", job.finished_at);
  out["cancellable"] = job.cancellable;
  json::array affected;
  for (const auto& element : job.affected)
    affected.emplace_back(rest_affected(element));
  out["affectedElements"] = std::move(affected);
  return out;
}

result<system_info> decode_system(const json::value& body) {
  error_sink sink;
  auto* object = body_object(body, sink);
  if (!object)
    return sink.take();
  object_view in{*object, "", sink};
  in.reject_unknown({"name", "elementName", "enabledState", "replicationEnabled", "disks", "node"});
  system_info out;
  decode_guid(in, "name", out.name);
  in.string("node"); // the home node: the gateway sends the request there
  if (in.require("elementName"))
    if (auto name = in.string("elementName")) {
      check_element_name(in, *name, false);
      out.element_name = std::move(*name);
    }
  if (auto state = in.choice("enabledState", parse_enabled_state, R"("enabled" or "disabled")"))
    out.state = *state;
  if (auto replication = in.boolean("replicationEnabled"))
    out.replication_enabled = *replication;
  if (auto* disks = in.array("disks"); disks && !sink.failed())
    out.disks = decode_disks(*disks, sink);
  if (sink.failed())
    return sink.take();
  return out;
}

result<collection_info> decode_collection(const json::value& body) {
  error_sink sink;
  auto* object = body_object(body, sink);
  if (!object)
    return sink.take();
  object_view in{*object, "", sink};
  in.reject_unknown({"id", "elementName", "members", "node"});
  collection_info out;
  decode_guid(in, "id", out.id);
  in.string("node"); // the home node: the gateway sends the request there
  if (in.require("elementName"))
    if (auto name = in.string("elementName")) {
      check_element_name(in, *name, false);
      out.element_name = std::move(*name);
    }
  if (auto* members = in.array("members"); members && !sink.failed())
    out.members = decode_members(*members, sink);
  if (sink.failed())
    return sink.take();
  return out;
}

result<rest_create_rp> decode_create_rp(const json::value& body) {
  error_sink sink;
  auto* object = body_object(body, sink);
  if (!object)
    return sink.take();
  object_view in{*object, "", sink};
  in.reject_unknown({"type", "elementName", "consistencyLevel"});
  rest_create_rp out;
  if (in.require("type"))
    if (auto kind = in.choice("type", parse_rp_kind, R"("rct" or "log")"))
      out.kind = *kind;
  if (auto name = in.string("elementName")) {
    check_element_name(in, *name, true);
    out.element_name = std::move(*name);
  }
  if (auto level =
        in.choice("consistencyLevel", parse_consistency_level, R"("application" or "crash")"))
    out.consistency = *level;
  if (sink.failed())
    return sink.take();
  return out;
}

json::object problem(unsigned status, std::string_view title, std::string_view detail,
                     std::string_view field) {
  json::object out{{"type", field.empty() ? "about:blank" : "urn:refpoint:problem:invalid-field"},
                   {"title", title},
                   {"status", status},
                   {"detail", detail}};
  if (!field.empty())
    out["field"] = field;
  return out;
}

} // namespace refpoint::protocol
