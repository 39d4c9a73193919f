#pragma once
/// JSON encoders for the `/cim/v2` surface (DESIGN §4): each instance is an object
/// `{"__CLASS", "__PATH", <CIM property names>...}` with the class's CIM property
/// names, datetimes as CIM datetime strings (null when unset) and durations as CIM
/// interval strings. Pure functions, safe from any thread.

#include "protocol/model.hpp"

#include <boost/json.hpp>

namespace refpoint::protocol {

/// `Msvm_ComputerSystem`: CreationClassName, Name, ElementName, EnabledState,
/// InstallDate (`created_at`), Caption "Virtual Machine", Description
/// "Microsoft Virtual Machine".
boost::json::object cim_system(const system_info& system);

/// `Msvm_VirtualSystemReferencePoint`: InstanceID, VirtualSystemIdentifier, ElementName,
/// ReferencePointType (1 Log / 2 RCT), ConsistencyLevel (1 Application / 2 Crash),
/// HasAssociatedData (false), VirtualDiskIdentifiers[],
/// ResilientChangeTrackingIdentifiers[], CreationTime.
boost::json::object cim_reference_point(const reference_point& point);

/// `Msvm_ConcreteJob` with every property of DESIGN §3 "Jobs". Name, ElementName and
/// Caption name the operation ("Create reference point", ...); Description adds the
/// target. ErrorDescription and ErrorSummaryDescription are null when empty.
/// ElapsedTime is zero while queued (`started_at` unset), otherwise `finished_at` (or
/// `now` while unfinished) minus `started_at`. OperationalStatus follows CIM's
/// ManagedSystemElement rules:
///   running [2 OK] · shutting down [9 Stopping] · completed [2 OK, 17 Completed] ·
///   terminated, killed [10 Stopped] · exception [6 Error, 17 Completed].
boost::json::object cim_job(const job_record& job, timestamp_us now);

/// The CIM-spelled operation name of a job type: "Create reference point",
/// "Destroy reference point", "Create collection reference point",
/// "Destroy collection reference point".
std::string_view cim_job_name(job_type type);

/// CIM OperationalStatus of a job in `state` (see `cim_job`).
boost::json::array cim_operational_status(job_state state);

/// `Msvm_AffectedJobElement` association instance: AffectingElement (the job's path),
/// AffectedElement (`element.element_path`), ElementEffects [effects]; its `__PATH` is
/// `Msvm_AffectedJobElement.AffectedElement="<escaped>",AffectingElement="<escaped>"`.
boost::json::object cim_affected_job_element(const job_record& job,
                                             const affected_element& element);

/// `Msvm_ReferencePointOfVirtualSystem` association instance: Antecedent (the system's
/// path), Dependent (the reference point's path); `__PATH` keys in that order.
boost::json::object cim_reference_point_of_system(const reference_point& point);

/// `Msvm_VirtualSystemCollection`: InstanceID, ElementName, Caption
/// "Virtual System Collection", InstallDate (`created_at`).
boost::json::object cim_collection(const collection_info& collection);

/// `Msvm_CollectedVirtualSystems` association instance: Collection (the collection's
/// path), Member (the path of system `system_name`); `__PATH` keys in that order.
boost::json::object cim_collected_virtual_system(const collection_info& collection,
                                                 std::string_view system_name);

/// `Msvm_ReferencePointCollection`: CollectionID, VirtualSystemCollectionId, ElementName,
/// ReferencePointType (1 Log / 2 RCT), ConsistencyLevel (this class alone: 1 Crash /
/// 2 Application), HasAssociatedLog (true for a log-based one), CreationTime.
boost::json::object cim_reference_point_collection(const collection_reference_point& point);

/// `Msvm_CollectedReferencePoints` association instance: Collection (the collection
/// reference point's path), Member (the path of `member`, one of its member reference
/// points); `__PATH` keys in that order.
boost::json::object cim_collected_reference_point(const collection_reference_point& point,
                                                  const reference_point& member);

/// `Msvm_ReferencePointOfVirtualSystemCollection` association instance: Antecedent (the
/// path of the collection it was taken of), Dependent (the collection reference point's
/// path); `__PATH` keys in that order.
boost::json::object cim_reference_point_of_collection(const collection_reference_point& point);

} // namespace refpoint::protocol
