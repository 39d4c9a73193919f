#pragma once
/// How the CLI shows the server's resources to people: one table per list, one block of
/// "key: value" lines per resource, one line per event. The input is always the REST form of
/// docs/API.md; members the server leaves out are shown empty.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <ostream>
#include <string>

namespace refpoint::cli {

void print_systems(std::ostream& out, const boost::json::array& systems);
void print_system(std::ostream& out, const boost::json::object& system);

void print_collections(std::ostream& out, const boost::json::array& collections);
void print_collection(std::ostream& out, const boost::json::object& collection);
/// `GET /api/v1/cluster`'s nodes, this one first.
void print_cluster(std::ostream& out, const boost::json::array& nodes);

void print_jobs(std::ostream& out, const boost::json::array& jobs);
void print_job(std::ostream& out, const boost::json::object& job);

/// Reference points of one system.
void print_reference_points(std::ostream& out, const boost::json::array& points);
void print_reference_point(std::ostream& out, const boost::json::object& point);
/// Collection reference points of one collection.
void print_collection_reference_points(std::ostream& out, const boost::json::array& points);
void print_collection_reference_point(std::ostream& out, const boost::json::object& point);

/// One event as a line: "CURSOR  TIME  TYPE  what it is about".
std::string event_line(const boost::json::object& event);

/// The id of the element a job created or destroyed, from its first `affectedElements` path
/// (InstanceID or CollectionID); "" when it has none.
std::string affected_id(const boost::json::object& job);

} // namespace refpoint::cli
