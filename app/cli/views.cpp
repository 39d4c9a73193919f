#include "app/cli/views.hpp"

#include "app/cli/json_text.hpp"
#include "app/cli/table.hpp"

#include <algorithm>

namespace refpoint::cli {

namespace json = boost::json;

namespace {

/// True when an item names its home node: the server is in a cluster, and lists show NODE.
bool any_node(const json::array& items) {
  return std::any_of(items.begin(), items.end(), [](const json::value& item) {
    return item.is_object() && !text_of(item.get_object(), "node").empty();
  });
}

/// `cells` with `node` before the last one (CREATED), when `shown`.
std::vector<std::string> node_column(std::vector<std::string> cells, bool shown, std::string node) {
  if (shown)
    cells.insert(cells.end() - 1, std::move(node));
  return cells;
}

std::string count_of(const json::object& object, std::string_view key) {
  return std::to_string(array_at(object, key).size());
}

std::uint64_t size_of(const json::object& disk) {
  const auto size = integer_of(disk, "sizeBytes");
  return size < 0 ? 0 : static_cast<std::uint64_t>(size);
}

std::string disks_summary(const json::object& system) {
  const auto& disks = array_at(system, "disks");
  std::uint64_t total = 0;
  for (const auto& d : disks)
    if (d.is_object())
      total += size_of(d.get_object());
  return std::to_string(disks.size()) + " (" + human_bytes(total) + ")";
}

std::string progress_of(const json::object& job) {
  return text_of(job, "percentComplete") + "%";
}

std::string state_of(const json::object& job) {
  auto state = text_of(job, "state");
  if (auto number = text_of(job, "jobState"); !number.empty())
    state += " (" + number + ")";
  return state;
}

std::string error_of(const json::object& job) {
  const auto& error = object_at(job, "error");
  if (error.empty())
    return {};
  auto text = text_of(error, "description");
  if (auto code = text_of(error, "code"); !code.empty())
    text = code + ": " + text;
  return text;
}

std::string joined(const json::array& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty())
      out += separator;
    if (item.is_string())
      out += std::string{item.get_string()};
  }
  return out;
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

} // namespace

void print_systems(std::ostream& out, const json::array& systems) {
  const bool nodes = any_node(systems);
  table t{node_column({"NAME", "ELEMENT NAME", "STATE", "REPLICATION", "DISKS", "CREATED"}, nodes,
                      "NODE")};
  for (const auto& item : systems) {
    if (!item.is_object())
      continue;
    const auto& s = item.get_object();
    t.add(node_column({text_of(s, "name"), text_of(s, "elementName"), text_of(s, "enabledState"),
                       text_of(s, "replicationEnabled"), disks_summary(s),
                       short_time(text_of(s, "createdAt"))},
                      nodes, text_of(s, "node")));
  }
  t.print(out);
}

void print_system(std::ostream& out, const json::object& system) {
  print_fields(out, {{"name", text_of(system, "name")},
                     {"element name", text_of(system, "elementName")},
                     {"state", text_of(system, "enabledState")},
                     {"replication", text_of(system, "replicationEnabled")},
                     {"node", text_of(system, "node")},
                     {"created", short_time(text_of(system, "createdAt"))},
                     {"disks", disks_summary(system)}});
  table disks{{"DISK", "BACKEND", "SIZE", "TRACKING", "DETAIL"}, "  "};
  for (const auto& item : array_at(system, "disks")) {
    if (!item.is_object())
      continue;
    const auto& d = item.get_object();
    std::string detail = text_of(d, "path");
    if (auto fail = text_of(d, "simFailAt"); !fail.empty())
      detail = "fails at " + fail;
    disks.add({text_of(d, "id"), text_of(d, "backend"), human_bytes(size_of(d)),
               text_of(d, "changeTracking"), detail});
  }
  if (disks.rows() > 0)
    disks.print(out);
}

void print_collections(std::ostream& out, const json::array& collections) {
  const bool nodes = any_node(collections);
  table t{node_column({"ID", "ELEMENT NAME", "MEMBERS", "CREATED"}, nodes, "NODE")};
  for (const auto& item : collections) {
    if (!item.is_object())
      continue;
    const auto& c = item.get_object();
    t.add(node_column({text_of(c, "id"), text_of(c, "elementName"), count_of(c, "members"),
                       short_time(text_of(c, "createdAt"))},
                      nodes, text_of(c, "node")));
  }
  t.print(out);
}

void print_cluster(std::ostream& out, const json::array& nodes) {
  table t{{"NODE", "SELF", "ALIVE", "ADDRESS", "CLUSTER ADDRESS", "SYSTEMS"}};
  for (const auto& item : nodes) {
    if (!item.is_object())
      continue;
    const auto& n = item.get_object();
    t.add({text_of(n, "node"), text_of(n, "self"), text_of(n, "alive"), text_of(n, "address"),
           text_of(n, "clusterAddress"), text_of(n, "systems")});
  }
  t.print(out);
}

void print_collection(std::ostream& out, const json::object& collection) {
  print_fields(out, {{"id", text_of(collection, "id")},
                     {"element name", text_of(collection, "elementName")},
                     {"node", text_of(collection, "node")},
                     {"created", short_time(text_of(collection, "createdAt"))},
                     {"members", count_of(collection, "members")}});
  for (const auto& member : array_at(collection, "members"))
    if (member.is_string())
      out << "  " << member.get_string().c_str() << "\n";
}

void print_jobs(std::ostream& out, const json::array& jobs) {
  table t{{"ID", "TYPE", "TARGET", "STATE", "PROGRESS", "STATUS", "SUBMITTED"}};
  for (const auto& item : jobs) {
    if (!item.is_object())
      continue;
    const auto& j = item.get_object();
    t.add({text_of(j, "id"), text_of(j, "type"), text_of(j, "target"), text_of(j, "state"),
           progress_of(j), text_of(j, "status"), short_time(text_of(j, "submittedAt"))});
  }
  t.print(out);
}

void print_job(std::ostream& out, const json::object& job) {
  std::string affected;
  for (const auto& item : array_at(job, "affectedElements"))
    if (item.is_object())
      affected += (affected.empty() ? "" : "; ") + text_of(item.get_object(), "element");
  print_fields(out, {{"id", text_of(job, "id")},
                     {"type", text_of(job, "type")},
                     {"target", text_of(job, "target")},
                     {"state", state_of(job)},
                     {"progress", progress_of(job)},
                     {"status", text_of(job, "status")},
                     {"error", error_of(job)},
                     {"submitted", short_time(text_of(job, "submittedAt"))},
                     {"started", short_time(text_of(job, "startedAt"))},
                     {"finished", short_time(text_of(job, "finishedAt"))},
                     {"cancellable", text_of(job, "cancellable")},
                     {"affected", affected}});
}

void print_reference_points(std::ostream& out, const json::array& points) {
  table t{{"ID", "ELEMENT NAME", "TYPE", "CONSISTENCY", "DISKS", "CREATED"}};
  for (const auto& item : points) {
    if (!item.is_object())
      continue;
    const auto& p = item.get_object();
    t.add({text_of(p, "id"), text_of(p, "elementName"), text_of(p, "type"),
           text_of(p, "consistencyLevel"), count_of(p, "diskIds"),
           short_time(text_of(p, "createdAt"))});
  }
  t.print(out);
}

void print_reference_point(std::ostream& out, const json::object& point) {
  print_fields(out, {{"id", text_of(point, "id")},
                     {"system", text_of(point, "systemId")},
                     {"element name", text_of(point, "elementName")},
                     {"type", text_of(point, "type")},
                     {"consistency", text_of(point, "consistencyLevel")},
                     {"created", short_time(text_of(point, "createdAt"))},
                     {"job", text_of(point, "jobId")},
                     {"collection rp", text_of(point, "collectionReferencePointId")}});
  const auto& disks = array_at(point, "diskIds");
  const auto& rcts = array_at(point, "rctIds");
  table t{{"DISK", "RCT ID"}, "  "};
  for (std::size_t i = 0; i < disks.size(); ++i)
    t.add(
      {disks[i].is_string() ? std::string{disks[i].get_string()} : std::string{},
       i < rcts.size() && rcts[i].is_string() ? std::string{rcts[i].get_string()} : std::string{}});
  if (t.rows() > 0)
    t.print(out);
}

void print_collection_reference_points(std::ostream& out, const json::array& points) {
  table t{{"ID", "ELEMENT NAME", "TYPE", "CONSISTENCY", "MEMBERS", "CREATED"}};
  for (const auto& item : points) {
    if (!item.is_object())
      continue;
    const auto& p = item.get_object();
    t.add({text_of(p, "id"), text_of(p, "elementName"), text_of(p, "type"),
           text_of(p, "consistencyLevel"), count_of(p, "memberIds"),
           short_time(text_of(p, "createdAt"))});
  }
  t.print(out);
}

void print_collection_reference_point(std::ostream& out, const json::object& point) {
  print_fields(out, {{"id", text_of(point, "id")},
                     {"collection", text_of(point, "collectionId")},
                     {"element name", text_of(point, "elementName")},
                     {"type", text_of(point, "type")},
                     {"consistency", text_of(point, "consistencyLevel")},
                     {"created", short_time(text_of(point, "createdAt"))},
                     {"job", text_of(point, "jobId")},
                     {"members", count_of(point, "memberIds")}});
  for (const auto& member : array_at(point, "memberIds"))
    if (member.is_string())
      out << "  " << member.get_string().c_str() << "\n";
}

std::string event_line(const json::object& event) {
  const auto type = text_of(event, "type");
  std::string about;
  if (const auto& job = object_at(event, "job"); !job.empty()) {
    about = "job " + text_of(job, "id") + " " + text_of(job, "type") + " on " +
            text_of(job, "target") + ": " + text_of(job, "state") + " " + progress_of(job);
    if (auto status = text_of(job, "status"); !status.empty())
      about += " " + status;
    if (type == "job.affected")
      about += " -> " + affected_id(job);
    if (auto error = error_of(job); !error.empty())
      about += " (" + error + ")";
  } else if (const auto& rp = object_at(event, "referencePoint"); !rp.empty()) {
    about = "reference point " + text_of(rp, "id") + " of system " + text_of(rp, "systemId");
    if (auto name = text_of(rp, "elementName"); !name.empty())
      about += " " + quoted(name);
  } else if (const auto& crp = object_at(event, "collectionReferencePoint"); !crp.empty()) {
    about = "collection reference point " + text_of(crp, "id") + " of collection " +
            text_of(crp, "collectionId");
  } else if (const auto& system = object_at(event, "system"); !system.empty()) {
    about = "system " + text_of(system, "name") + " " + quoted(text_of(system, "elementName"));
  } else if (const auto& collection = object_at(event, "collection"); !collection.empty()) {
    about = "collection " + text_of(collection, "id") + " " +
            quoted(text_of(collection, "elementName")) +
            " members: " + joined(array_at(collection, "members"));
  }
  std::string line =
    text_of(event, "cursor") + "  " + short_time(text_of(event, "time")) + "  " + type;
  if (!about.empty())
    line += "  " + about;
  if (auto node = text_of(event, "node"); !node.empty()) // made on another cluster node
    line += "  [node " + node + "]";
  return line;
}

std::string affected_id(const json::object& job) {
  for (const auto& item : array_at(job, "affectedElements")) {
    if (!item.is_object())
      continue;
    const auto path = text_of(item.get_object(), "element");
    if (auto id = path_key(path, "InstanceID"); !id.empty())
      return id;
    if (auto id = path_key(path, "CollectionID"); !id.empty())
      return id;
  }
  return {};
}

} // namespace refpoint::cli
