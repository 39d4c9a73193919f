#pragma once
/// The domain model shared by every layer: virtual systems and their disks, reference
/// points, jobs and their affected elements (DESIGN §3). Plain values, no behaviour
/// beyond trivial helpers; safe to copy between threads.

#include "protocol/codes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace refpoint::protocol {

/// Microseconds since the Unix epoch, UTC. 0 means "not set".
using timestamp_us = std::int64_t;

/// One virtual disk of a machine.
struct disk {
  std::string id;              ///< unique within its machine
  std::string backend = "sim"; ///< "sim" or "file"
  std::string path;            ///< file backend only
  std::uint64_t size_bytes = 0;
  bool change_tracking = true;
  std::optional<double> sim_fail_at; ///< sim only: fail when the scan reaches this fraction
  friend bool operator==(const disk&, const disk&) = default;
};

/// A virtual system (`Msvm_ComputerSystem`). `name` is the GUID that is also its CIM Name.
struct system_info {
  std::string name;
  std::string element_name;
  enabled_state state = enabled_state::enabled;
  bool replication_enabled = false;
  std::vector<disk> disks;
  timestamp_us created_at = 0;
  friend bool operator==(const system_info&, const system_info&) = default;
};

/// The fingerprint map of one file-backed disk of an RCT reference point (DESIGN §7), as
/// stored: written together with its reference point and removed with it.
struct disk_block_map {
  std::uint32_t ordinal = 0; ///< which entry of `disk_ids`/`rct_ids` it belongs to
  std::string path;          ///< the disk's image path as registered
  std::string map;           ///< `encode_block_map` of the fingerprints
  friend bool operator==(const disk_block_map&, const disk_block_map&) = default;
};

/// A virtual-system reference point (`Msvm_VirtualSystemReferencePoint`).
struct reference_point {
  std::string id;          ///< InstanceID, GUID
  std::string system_name; ///< VirtualSystemIdentifier
  std::string element_name;
  rp_kind kind = rp_kind::rct;
  consistency_level consistency = consistency_level::application;
  std::vector<std::string> disk_ids; ///< VirtualDiskIdentifiers (RCT only)
  std::vector<std::string> rct_ids;  ///< ResilientChangeTrackingIdentifiers, parallel to disk_ids
  timestamp_us created_at = 0;
  std::string job_id; ///< the job that created it
  /// The collection reference point this one belongs to (empty when taken alone). Such a
  /// member is destroyed only together with its collection reference point.
  std::string collection_rp_id;
  /// Fingerprint maps of its file-backed disks. Only filled when it is created (the store
  /// writes them); reads leave it empty: maps are read one at a time by RCT ID.
  std::vector<disk_block_map> block_maps;
  friend bool operator==(const reference_point&, const reference_point&) = default;
};

/// A collection of virtual systems (`Msvm_VirtualSystemCollection`).
struct collection_info {
  std::string id; ///< InstanceID, GUID
  std::string element_name;
  std::vector<std::string> members; ///< system names, ascending, no duplicates
  timestamp_us created_at = 0;
  friend bool operator==(const collection_info&, const collection_info&) = default;
};

/// A collection reference point (`Msvm_ReferencePointCollection`): one member reference
/// point per system of the collection, all taken at one consistent moment.
struct collection_reference_point {
  std::string id;            ///< CollectionID, GUID
  std::string collection_id; ///< VirtualSystemCollectionId
  std::string element_name;
  rp_kind kind = rp_kind::rct;
  consistency_level consistency = consistency_level::application;
  std::vector<std::string> member_ids; ///< member reference point ids, by ascending system name
  /// Parallel to `member_ids`: the cluster node holding each member reference point (""
  /// = this node). Empty when every member is on this node (the canonical form: reads
  /// answer it empty unless some member is elsewhere).
  std::vector<std::string> member_nodes;
  timestamp_us created_at = 0;
  std::string job_id; ///< the job that created it
  friend bool operator==(const collection_reference_point&,
                         const collection_reference_point&) = default;
};

/// One `Msvm_AffectedJobElement` row: the job affected `element_path` with `effects`.
struct affected_element {
  std::string element_path; ///< WMI object path of the affected element
  element_effects effects = element_effects::create;
  friend bool operator==(const affected_element&, const affected_element&) = default;
};

/// What a job was asked to do (kept so a queued job can run again after a restart).
/// `target` is the job's owner: the system name (201, 202) or the collection id (205, 208).
/// `subject` is what a destroy job destroys: the reference point id (202) or the collection
/// reference point id (208); empty for create jobs.
struct create_request {
  std::string target{};
  std::string subject{};
  rp_kind kind = rp_kind::rct;
  std::string element_name;
  consistency_level consistency = consistency_level::application;
  friend bool operator==(const create_request&, const create_request&) = default;
};

/// A job (`Msvm_ConcreteJob`) as stored and shown.
struct job_record {
  std::string id;       ///< InstanceID, upper-case GUID
  std::int64_t seq = 0; ///< submission order, assigned by the store (rowid)
  job_type type = job_type::create_reference_point;
  create_request request;
  job_state state = job_state::running;
  std::string status = "Queued"; ///< JobStatus text
  std::uint16_t percent_complete = 0;
  std::uint16_t error_code = 0;
  std::string error_description;
  std::string error_summary;
  timestamp_us submitted_at = 0;
  timestamp_us started_at = 0;  ///< 0 while queued
  timestamp_us finished_at = 0; ///< 0 until terminal
  timestamp_us last_state_change = 0;
  std::uint32_t time_before_removal_s = 300;
  bool delete_on_completion = false;
  bool cancellable = true;
  std::vector<affected_element> affected;
  /// The client's `Idempotency-Key` (empty: none). Unique among stored jobs: submitting a
  /// job with a key already stored answers the stored job instead.
  std::string idempotency_key;
  friend bool operator==(const job_record&, const job_record&) = default;
};

} // namespace refpoint::protocol
