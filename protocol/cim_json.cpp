#include "protocol/cim_json.hpp"

#include "protocol/cim_datetime.hpp"
#include "protocol/object_path.hpp"

namespace refpoint::protocol {

namespace {

namespace json = boost::json;

constexpr std::int64_t us_per_second = 1'000'000;

/// A CIM datetime, or null when `ts` is unset (0).
json::value cim_time(timestamp_us ts) {
  if (ts == 0)
    return nullptr;
  return json::string{format_cim_datetime(ts)};
}

/// A string property that CIM leaves null when it has no value.
json::value optional_string(const std::string& text) {
  if (text.empty())
    return nullptr;
  return json::string{text};
}

json::object instance(std::string_view class_name, std::string path) {
  return json::object{{"__CLASS", class_name}, {"__PATH", std::move(path)}};
}

/// `Class.Key1="v1",Key2="v2"` for an association, keys escaped by `format_object_path`.
std::string association_path(std::string_view class_name, std::string_view key1, std::string value1,
                             std::string_view key2, std::string value2) {
  object_path path;
  path.class_name = class_name;
  path.keys = {{std::string{key1}, std::move(value1)}, {std::string{key2}, std::move(value2)}};
  return format_object_path(path);
}

std::string job_description(const job_record& job) {
  const auto& target = job.request.target;
  switch (job.type) {
  case job_type::create_reference_point:
    return "Creating a reference point of virtual system " + target;
  case job_type::destroy_reference_point:
    return "Destroying reference point " + target;
  case job_type::create_collection_reference_point:
    return "Creating a reference point of collection " + target;
  case job_type::destroy_collection_reference_point:
    return "Destroying reference point collection " + target;
  }
  return std::string{cim_job_name(job.type)};
}

std::int64_t elapsed_us(const job_record& job, timestamp_us now) {
  if (job.started_at == 0)
    return 0;
  auto end = job.finished_at != 0 ? job.finished_at : now;
  return end - job.started_at;
}

} // namespace

json::object cim_system(const system_info& system) {
  auto out = instance("Msvm_ComputerSystem", system_path(system.name));
  out["CreationClassName"] = "Msvm_ComputerSystem";
  out["Name"] = system.name;
  out["ElementName"] = system.element_name;
  out["EnabledState"] = static_cast<std::uint16_t>(system.state);
  out["InstallDate"] = cim_time(system.created_at);
  out["Caption"] = "Virtual Machine";
  out["Description"] = "Microsoft Virtual Machine";
  return out;
}

json::object cim_reference_point(const reference_point& point) {
  auto out =
    instance("Msvm_VirtualSystemReferencePoint", reference_point_path(point.id, point.system_name));
  out["InstanceID"] = point.id;
  out["VirtualSystemIdentifier"] = point.system_name;
  out["ElementName"] = point.element_name;
  out["ReferencePointType"] = rp_type_property(point.kind);
  out["ConsistencyLevel"] = static_cast<std::uint8_t>(point.consistency);
  out["HasAssociatedData"] = false;
  out["VirtualDiskIdentifiers"] = json::array(point.disk_ids.begin(), point.disk_ids.end());
  out["ResilientChangeTrackingIdentifiers"] =
    json::array(point.rct_ids.begin(), point.rct_ids.end());
  out["CreationTime"] = cim_time(point.created_at);
  return out;
}

std::string_view cim_job_name(job_type type) {
  switch (type) {
  case job_type::create_reference_point:
    return "Create reference point";
  case job_type::destroy_reference_point:
    return "Destroy reference point";
  case job_type::create_collection_reference_point:
    return "Create collection reference point";
  case job_type::destroy_collection_reference_point:
    return "Destroy collection reference point";
  }
  return "Unknown job";
}

json::array cim_operational_status(job_state state) {
  constexpr std::uint16_t ok = 2, error = 6, stopping = 9, stopped = 10, completed = 17;
  switch (state) {
  case job_state::running:
    return {ok};
  case job_state::shutting_down:
    return {stopping};
  case job_state::completed:
    return {ok, completed};
  case job_state::terminated:
  case job_state::killed:
    return {stopped};
  case job_state::exception:
    return {error, completed};
  }
  return {};
}

json::object cim_job(const job_record& job, timestamp_us now) {
  auto name = cim_job_name(job.type);
  auto out = instance("Msvm_ConcreteJob", job_path(job.id));
  out["InstanceID"] = job.id;
  out["Name"] = name;
  out["ElementName"] = name;
  out["Caption"] = name;
  out["Description"] = job_description(job);
  out["JobType"] = static_cast<std::uint16_t>(job.type);
  out["JobState"] = static_cast<std::uint16_t>(job.state);
  out["JobStatus"] = job.status;
  out["PercentComplete"] = job.percent_complete;
  out["ErrorCode"] = job.error_code;
  out["ErrorDescription"] = optional_string(job.error_description);
  out["ErrorSummaryDescription"] = optional_string(job.error_summary);
  out["TimeSubmitted"] = cim_time(job.submitted_at);
  out["StartTime"] = cim_time(job.started_at);
  out["ElapsedTime"] = format_cim_interval(elapsed_us(job, now));
  out["TimeOfLastStateChange"] = cim_time(job.last_state_change);
  out["TimeBeforeRemoval"] =
    format_cim_interval(static_cast<std::int64_t>(job.time_before_removal_s) * us_per_second);
  out["DeleteOnCompletion"] = job.delete_on_completion;
  out["Cancellable"] = job.cancellable;
  out["OperationalStatus"] = cim_operational_status(job.state);
  return out;
}

json::object cim_affected_job_element(const job_record& job, const affected_element& element) {
  auto affecting = job_path(job.id);
  auto out = instance("Msvm_AffectedJobElement",
                      association_path("Msvm_AffectedJobElement", "AffectedElement",
                                       element.element_path, "AffectingElement", affecting));
  out["AffectingElement"] = affecting;
  out["AffectedElement"] = element.element_path;
  out["ElementEffects"] = json::array{static_cast<std::uint16_t>(element.effects)};
  return out;
}

json::object cim_reference_point_of_system(const reference_point& point) {
  auto antecedent = system_path(point.system_name);
  auto dependent = reference_point_path(point.id, point.system_name);
  auto out = instance("Msvm_ReferencePointOfVirtualSystem",
                      association_path("Msvm_ReferencePointOfVirtualSystem", "Antecedent",
                                       antecedent, "Dependent", dependent));
  out["Antecedent"] = antecedent;
  out["Dependent"] = dependent;
  return out;
}

json::object cim_collection(const collection_info& collection) {
  auto out = instance("Msvm_VirtualSystemCollection", collection_path(collection.id));
  out["InstanceID"] = collection.id;
  out["ElementName"] = collection.element_name;
  out["Caption"] = "Virtual System Collection";
  out["InstallDate"] = cim_time(collection.created_at);
  return out;
}

json::object cim_collected_virtual_system(const collection_info& collection,
                                          std::string_view system_name) {
  auto owner = collection_path(collection.id);
  auto member = system_path(system_name);
  auto out = instance(
    "Msvm_CollectedVirtualSystems",
    association_path("Msvm_CollectedVirtualSystems", "Collection", owner, "Member", member));
  out["Collection"] = owner;
  out["Member"] = member;
  return out;
}

json::object cim_reference_point_collection(const collection_reference_point& point) {
  auto out = instance("Msvm_ReferencePointCollection", collection_reference_point_path(point.id));
  out["CollectionID"] = point.id;
  out["VirtualSystemCollectionId"] = point.collection_id;
  out["ElementName"] = point.element_name;
  out["ReferencePointType"] = rp_type_property(point.kind);
  out["ConsistencyLevel"] = collection_consistency_value(point.consistency);
  out["HasAssociatedLog"] = point.kind == rp_kind::log;
  out["CreationTime"] = cim_time(point.created_at);
  return out;
}

json::object cim_collected_reference_point(const collection_reference_point& point,
                                           const reference_point& member) {
  auto owner = collection_reference_point_path(point.id);
  auto member_path = reference_point_path(member.id, member.system_name);
  auto out = instance(
    "Msvm_CollectedReferencePoints",
    association_path("Msvm_CollectedReferencePoints", "Collection", owner, "Member", member_path));
  out["Collection"] = owner;
  out["Member"] = member_path;
  return out;
}

json::object cim_reference_point_of_collection(const collection_reference_point& point) {
  auto antecedent = collection_path(point.collection_id);
  auto dependent = collection_reference_point_path(point.id);
  auto out = instance("Msvm_ReferencePointOfVirtualSystemCollection",
                      association_path("Msvm_ReferencePointOfVirtualSystemCollection", "Antecedent",
                                       antecedent, "Dependent", dependent));
  out["Antecedent"] = antecedent;
  out["Dependent"] = dependent;
  return out;
}

} // namespace refpoint::protocol
