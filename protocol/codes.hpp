#pragma once
/// CIM enumerations and return codes of the reference-point services (DESIGN §3).
/// Pure values: no I/O, safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace refpoint::protocol {

/// Return values of both CreateReferencePoint methods and of job methods.
enum class return_code : std::uint32_t {
  completed = 0,
  not_supported = 1,
  failed = 2,
  timeout = 3,
  invalid_parameter = 4,
  invalid_state = 5,
  invalid_type = 6,
  job_started = 4096,
  invalid_state_transition = 4097,
  /// Hyper-V's "System is in use": too much work is waiting already (resource limits);
  /// the client may try again later.
  system_in_use = 32774,
};

/// What a reference point tracks, independent of either wire encoding.
enum class rp_kind : std::uint8_t { log, rct };

/// `Msvm_ConcreteJob.JobState` values refpoint uses.
enum class job_state : std::uint16_t {
  running = 4,
  shutting_down = 6,
  completed = 7,
  terminated = 8,
  killed = 9,
  exception = 10,
};

/// `Msvm_ConcreteJob.JobType` values refpoint uses.
enum class job_type : std::uint16_t {
  create_reference_point = 201,
  destroy_reference_point = 202,
  create_collection_reference_point = 205,
  destroy_collection_reference_point = 208,
};

/// `CIM_AffectedJobElement.ElementEffects` values (CIM schema).
enum class element_effects : std::uint16_t {
  unknown = 0,
  other = 1,
  exclusive_use = 2,
  performance_impact = 3,
  element_integrity = 4,
  create = 5,
};

/// `Msvm_VirtualSystemReferencePoint.ConsistencyLevel` numbering (1 Application,
/// 2 Crash). The collection class numbers them the other way round: use
/// `collection_consistency_value` when writing that class.
enum class consistency_level : std::uint8_t { application = 1, crash = 2 };

/// `Msvm_ComputerSystem.EnabledState` values refpoint uses.
enum class enabled_state : std::uint16_t { enabled = 2, disabled = 3 };

/// Outcome of decoding a `ReferencePointType` method parameter: either a kind, or a
/// return code with a message naming the problem.
struct type_decision {
  std::optional<rp_kind> kind;
  return_code code = return_code::completed;
  std::string message;
};

/// Virtual-system encoding: 0 Log, 1 RCT, 2–32767 DMTF reserved (4),
/// 32768–65535 vendor specific (1), anything else (4).
type_decision decode_system_rp_type(std::int64_t value);

/// Collection encoding: 0 Unknown (4), 1 Log, 2 RCT, 3–32767 reserved (4),
/// 32768–65535 vendor specific (1), anything else (4).
type_decision decode_collection_rp_type(std::int64_t value);

/// The `ReferencePointType` *property* of both result classes: 1 Log, 2 RCT.
std::uint16_t rp_type_property(rp_kind kind);

/// Value of `Msvm_ReferencePointCollection.ConsistencyLevel` (1 Crash, 2 Application).
std::uint8_t collection_consistency_value(consistency_level level);

/// REST spelling: "log" / "rct"; parse accepts exactly those (case-sensitive).
std::string_view to_string(rp_kind kind);
std::optional<rp_kind> parse_rp_kind(std::string_view text);

/// REST spelling: "application" / "crash".
std::string_view to_string(consistency_level level);
std::optional<consistency_level> parse_consistency_level(std::string_view text);

/// REST spelling: "enabled" / "disabled".
std::string_view to_string(enabled_state state);
std::optional<enabled_state> parse_enabled_state(std::string_view text);

/// REST spelling of job states: "running", "shuttingDown", "completed", "terminated",
/// "killed", "exception".
std::string_view to_string(job_state state);
std::optional<job_state> parse_job_state(std::string_view text);
bool is_terminal(job_state state);

/// REST spelling of job types: "createReferencePoint", "destroyReferencePoint",
/// "createCollectionReferencePoint", "destroyCollectionReferencePoint".
std::string_view to_string(job_type type);

/// Human-readable name of a return code ("Invalid Parameter", ...).
std::string_view describe(return_code code);

} // namespace refpoint::protocol
