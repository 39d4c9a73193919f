#pragma once
/// Changed-range queries on both surfaces (DESIGN §4, §7), answered by the changes actor.

#include "web/exchange.hpp"

#include <string>

namespace refpoint::web {

/// `POST /cim/v2/Msvm_ImageManagementService/GetVirtualDiskChanges`
/// `{Path, LimitId, TargetSnapshotId?, ByteOffset, ByteLength}` →
/// `{ReturnValue, ProcessedByteLength, ChangedByteOffsets[], ChangedByteLengths[]}`, with
/// Hyper-V's return codes (32773 invalid parameter, 32779 file not found, ...) and an
/// `ErrorDescription` when it failed.
void get_virtual_disk_changes(const exchange_ptr& ex);

/// `GET /api/v1/reference-points/{id}/changes?disk=&offset=&length=`.
void get_reference_point_changes(const exchange_ptr& ex, std::string rp_id);

} // namespace refpoint::web
