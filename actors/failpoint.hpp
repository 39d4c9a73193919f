#pragma once
/// Failpoints: named places where refpointd can be told to die as if it crashed (SIGKILL),
/// so that tests can stop a node at an exact step of a protocol (DESIGN §8) and check
/// what survives. Set with the environment variable `REFPOINT_FAILPOINT` (one name); unset,
/// a failpoint costs one comparison.

#include <string_view>

namespace refpoint::actors {

namespace failpoint {
/// A collection coordinator recorded its commit decision; no member knows it yet.
inline constexpr std::string_view collection_decided = "collection-decided";
/// A member node recorded its pending reference point; the coordinator does not know yet.
inline constexpr std::string_view member_prepared = "member-prepared";
} // namespace failpoint

/// Kills this process with SIGKILL when `REFPOINT_FAILPOINT` names `name`.
void crash_at(std::string_view name);

} // namespace refpoint::actors
