#include "bench/soak/invariants.hpp"

#include "bench/soak/http_client.hpp"
#include "bench/soak/json_fields.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <iterator>

namespace soak {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::string_view point_class = "Msvm_VirtualSystemReferencePoint";
constexpr std::size_t examples_shown = 5;

std::optional<json::value> get_json(http_client& client, const std::string& target,
                                    std::string& error) {
  const auto r = client.send(http::verb::get, target);
  if (r.status != 200) {
    error = "GET " + target + " answered " +
            (r.status == 0 ? r.error : std::to_string(r.status) + " " + r.body);
    return std::nullopt;
  }
  boost::system::error_code ec;
  auto value = json::parse(r.body, ec);
  if (ec) {
    error = "GET " + target + ": not JSON";
    return std::nullopt;
  }
  return value;
}

bool terminal(const std::string& state) {
  return state == "completed" || state == "terminated" || state == "killed" || state == "exception";
}

/// "N ... (e.g. a, b, c)".
std::string describe(std::string what, const std::vector<std::string>& ids) {
  what = std::to_string(ids.size()) + " " + what + " (e.g.";
  for (std::size_t i = 0; i < ids.size() && i < examples_shown; ++i)
    what += " " + ids[i];
  return what + ")";
}

/// The items of `a` that are not in `b`.
std::vector<std::string> difference(const std::set<std::string>& a,
                                    const std::set<std::string>& b) {
  std::vector<std::string> out;
  std::ranges::set_difference(a, b, std::back_inserter(out));
  return out;
}

template <class Map>
std::set<std::string> keys_of(const Map& map) {
  std::set<std::string> keys;
  for (const auto& [key, value] : map)
    keys.insert(key);
  return keys;
}

} // namespace

std::optional<server_state> read_server_state(std::uint16_t port, const fleet& machines,
                                              std::string& error) {
  http_client client{"127.0.0.1", port, std::chrono::seconds{60}};
  server_state state;
  for (std::string after;;) {
    const auto page = get_json(client, "/api/v1/jobs?limit=1000" + after, error);
    if (!page)
      return std::nullopt;
    for (const auto& item : items_of(*page)) {
      job_summary job{string_field(item, "type"), string_field(item, "state"), {}};
      if (const auto* affected = item.as_object().if_contains("affectedElements");
          affected && affected->is_array())
        for (const auto& element : affected->get_array())
          job.affected.push_back(string_field(element, "element"));
      state.jobs.emplace(string_field(item, "id"), std::move(job));
    }
    const auto next = string_field(*page, "next");
    if (next.empty())
      break;
    after = "&after=" + next;
  }
  for (const auto& system : machines.systems) {
    const auto list = get_json(client, "/api/v1/systems/" + system + "/reference-points", error);
    if (!list)
      return std::nullopt;
    for (const auto& item : items_of(*list))
      state.reference_points.emplace(string_field(item, "id"), string_field(item, "jobId"));
  }
  for (const auto& collection : machines.collections) {
    const auto list =
      get_json(client, "/api/v1/collections/" + collection + "/reference-points", error);
    if (!list)
      return std::nullopt;
    for (const auto& item : items_of(*list)) {
      auto& members = state.collection_points[string_field(item, "id")];
      if (const auto* ids = item.as_object().if_contains("memberIds"); ids && ids->is_array())
        for (const auto& id : ids->get_array())
          if (id.is_string())
            members.emplace_back(id.get_string());
    }
  }
  return state;
}

std::size_t unfinished_jobs(const server_state& state) {
  std::size_t n = 0;
  for (const auto& [id, job] : state.jobs)
    if (!terminal(job.state))
      ++n;
  return n;
}

std::vector<std::string> check_invariants(const server_state& state,
                                          const std::set<std::string>& acknowledged,
                                          const full_stream& stream) {
  std::vector<std::string> broken;

  std::vector<std::string> unfinished;
  for (const auto& [id, job] : state.jobs)
    if (!terminal(job.state))
      unfinished.push_back(id + " (" + job.state + ")");
  if (!unfinished.empty())
    broken.push_back(describe("jobs are not terminal", unfinished));

  if (const auto lost = difference(acknowledged, keys_of(state.jobs)); !lost.empty())
    broken.push_back(describe("acknowledged jobs are missing", lost));

  // What the completed jobs made, minus what the stream says was deleted: each deletion of
  // something they made, and as many as completed destroy jobs (each deletes one).
  std::set<std::string> points, collections;
  std::size_t point_destroys = 0, collection_destroys = 0;
  for (const auto& [id, job] : state.jobs) {
    if (job.state != "completed")
      continue;
    point_destroys += job.type == "destroyReferencePoint" ? 1U : 0U;
    collection_destroys += job.type == "destroyCollectionReferencePoint" ? 1U : 0U;
    for (const auto& path : job.affected)
      (class_of(path) == point_class ? points : collections).insert(key_value(path));
  }
  std::vector<std::string> unknown;
  for (const auto& id : stream.deleted_points)
    if (points.erase(id) == 0)
      unknown.push_back(id);
  for (const auto& id : stream.deleted_collections)
    if (collections.erase(id) == 0)
      unknown.push_back(id);
  if (!unknown.empty())
    broken.push_back(
      describe("deleted reference points no completed job made (or deleted twice)", unknown));
  if (stream.deleted_points.size() != point_destroys ||
      stream.deleted_collections.size() != collection_destroys)
    broken.push_back(std::to_string(point_destroys) + " + " + std::to_string(collection_destroys) +
                     " completed destroy jobs, but the stream deleted " +
                     std::to_string(stream.deleted_points.size()) + " reference points and " +
                     std::to_string(stream.deleted_collections.size()) +
                     " collection reference points");
  // A collection reference point's members are machine reference points its job made.
  for (const auto& [id, members] : state.collection_points)
    points.insert(members.begin(), members.end());

  const auto stored_points = keys_of(state.reference_points);
  const auto stored_collections = keys_of(state.collection_points);
  if (const auto extra = difference(stored_points, points); !extra.empty())
    broken.push_back(describe("stored reference points no completed job accounts for", extra));
  if (const auto absent = difference(points, stored_points); !absent.empty())
    broken.push_back(describe("reference points of completed jobs are not stored", absent));
  if (const auto extra = difference(stored_collections, collections); !extra.empty())
    broken.push_back(describe("stored collection reference points without a completed job", extra));
  if (const auto absent = difference(collections, stored_collections); !absent.empty())
    broken.push_back(
      describe("collection reference points of completed jobs are not stored", absent));

  std::vector<std::string> orphans;
  for (const auto& [id, job] : state.reference_points)
    if (const auto it = state.jobs.find(job);
        it == state.jobs.end() || it->second.state != "completed")
      orphans.push_back(id + " (job " + job + ")");
  if (!orphans.empty())
    broken.push_back(describe("reference points whose job did not complete", orphans));
  return broken;
}

} // namespace soak
