#pragma once
/// Decoding of changed-range queries (DESIGN §4): the body of
/// `Msvm_ImageManagementService.GetVirtualDiskChanges` on `/cim/v2` and the query string of
/// `GET /api/v1/reference-points/{id}/changes`. Pure functions, safe from any thread.

#include "protocol/result.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::protocol {

/// True for an RCT ID as `make_rct_id` writes them, in either case:
/// `rctX:` + a GUID's 32 hex digits grouped 8:4:4:4:12 with ':' + `:` + 8 hex digits.
bool is_rct_id(std::string_view text);

/// The parameters of `GetVirtualDiskChanges`.
struct disk_changes_call {
  std::string path;     ///< Path: the image file, absolute or relative to the storage root
  std::string limit_id; ///< LimitId: the RCT ID to compare with
  std::uint64_t byte_offset = 0;
  std::uint64_t byte_length = 0;
  friend bool operator==(const disk_changes_call&, const disk_changes_call&) = default;
};

/// Decodes a `GetVirtualDiskChanges` body. Checks, in this order, each failure naming its
/// parameter in `failure::field`, with DMTF codes (the web layer converts them with
/// `to_hyperv`):
/// 1. the body is an object whose parameters are all among `Path`, `LimitId`,
///    `TargetSnapshotId`, `ByteOffset`, `ByteLength`, none repeated (`method_params`): 4;
/// 2. `Path`: required, a non-empty string: 4;
/// 3. `LimitId`: required, a string that `is_rct_id` accepts: 4;
/// 4. `TargetSnapshotId`: absent, null or "" (comparing with a snapshot is not supported:
///    1 Not Supported otherwise);
/// 5. `ByteOffset`, `ByteLength`: required, each a non-negative JSON integer or a string of
///    decimal digits (WMI sends uint64 values as strings) that fits in 64 bits: 4;
///    `ByteLength` must be greater than 0: 4.
result<disk_changes_call> decode_disk_changes_call(const boost::json::value& body);

/// The query of `GET /api/v1/reference-points/{id}/changes?disk=&offset=&length=`.
struct changes_query {
  std::string disk;                   ///< a disk id; empty: the reference point's only one
  std::uint64_t offset = 0;           ///< default 0
  std::optional<std::uint64_t> length; ///< none: to the end of the disk
  friend bool operator==(const changes_query&, const changes_query&) = default;
};

/// Decodes the query parameters (already percent-decoded, in order). Every failure is 4
/// naming the parameter: an unknown or repeated parameter; `disk` empty; `offset` or
/// `length` not plain decimal digits (no sign, no spaces) or beyond 64 bits; `length` 0.
result<changes_query>
decode_changes_query(const std::vector<std::pair<std::string, std::string>>& query);

} // namespace refpoint::protocol
