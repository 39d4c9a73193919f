#pragma once
/// The changed-range service of the `file` backend (DESIGN §4, §7): which byte ranges of a
/// disk differ from the fingerprint map recorded by an RCT reference point. Behind both
/// `GetVirtualDiskChanges` (by RCT ID and image path) and
/// `GET /api/v1/reference-points/{id}/changes` (by reference point and disk id).
///
/// The actor only looks up the disk (through the query actor); the file is read and the
/// map verified on the file backend's query pool, a bounded amount per call
/// (`file_backend_settings::max_query_bytes`): `processed` may be less than asked, and
/// clients continue from `offset + processed`.

#include "actors/file_backend.hpp"
#include "actors/messages.hpp"
#include "persistence/store_messages.hpp"
#include "protocol/block_map.hpp"

#include <caf/actor_system.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace refpoint::actors {

using disk_changes_atom = caf::atom_constant<caf::atom("dchanges")>;
using changes_done_atom = caf::atom_constant<caf::atom("chgdone")>;
using changes_failed_atom = caf::atom_constant<caf::atom("chgfailed")>;

/// One changed-range query. Either `rct_id` and `path` (the CIM method) or `rp_id` and
/// optionally `disk_id` (REST) name the disk.
struct disk_changes_request {
  std::string rp_id;
  std::string disk_id; ///< empty: the reference point's only tracked disk
  std::string rct_id;
  std::string path; ///< with `rct_id`: must be the image of the disk that RCT ID belongs to
  std::uint64_t offset = 0;
  bool has_length = false; ///< false: to the end of the disk
  std::uint64_t length = 0;
  friend bool operator==(const disk_changes_request&, const disk_changes_request&) = default;
};

/// What a query covered and found.
struct disk_changes_answer {
  std::string rp_id;
  std::string disk_id;
  std::string rct_id;
  std::uint64_t disk_size = 0; ///< the image's size now
  std::uint64_t offset = 0;
  std::uint64_t end = 0;       ///< where the request ends (offset + length)
  std::uint64_t processed = 0; ///< bytes covered from `offset`; less than asked: call again
  std::vector<protocol::byte_range> ranges; ///< changed since the reference point, coalesced
  friend bool operator==(const disk_changes_answer&, const disk_changes_answer&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_changes_request& x) {
  return f(caf::meta::type_name("refpoint::disk_changes_request"), x.rp_id, x.disk_id, x.rct_id,
           x.path, x.offset, x.has_length, x.length);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_changes_answer& x) {
  return f(caf::meta::type_name("refpoint::disk_changes_answer"), x.rp_id, x.disk_id, x.rct_id,
           x.disk_size, x.offset, x.end, x.processed, x.ranges);
}

/// Errors (`op_error.hpp`), each naming the parameter at fault where one is (`Path`,
/// `LimitId`, `ByteOffset`, `ByteLength` for a request by RCT ID; `disk`, `offset`, `length`
/// otherwise): not_found (unknown reference point, or a disk it does not track),
/// invalid_parameter (unknown RCT ID, a path that is not that disk's, a range past the end
/// of the disk), not_supported (a log-based reference point, a sim-backed disk),
/// file_not_found (the image is missing), invalid_state (a corrupted fingerprint map, an
/// image that now resolves outside the storage root, no storage root configured), failed
/// (a read error, or the image changed while it was read).
using changes_actor = caf::typed_actor<
  caf::replies_to<disk_changes_atom, disk_changes_request>::with<disk_changes_answer>,
  /// From the query pool: the outcome of query `id`.
  caf::reacts_to<changes_done_atom, std::uint64_t, disk_changes_answer>,
  caf::reacts_to<changes_failed_atom, std::uint64_t, caf::error>>;

/// Spawns the service. `files` may be null (no storage root): every query of a file-backed
/// disk then answers invalid_state.
changes_actor spawn_changes_actor(caf::actor_system& sys, persistence::query_actor query,
                                  std::shared_ptr<file_backend> files);

} // namespace refpoint::actors
