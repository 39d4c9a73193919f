#pragma once
/// Decoding of the JSON bodies of the two DestroyReferencePoint methods on `/cim/v2`
/// (DESIGN §4), and the Hyper-V return codes those methods answer with. Parameter names
/// as in WMI, matched case-insensitively. Pure functions, safe from any thread.

#include "protocol/codes.hpp"
#include "protocol/result.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string>

namespace refpoint::protocol {

/// Return values of the DestroyReferencePoint methods, in Hyper-V's own numbering (the
/// 32768 family) rather than the DMTF one of `return_code`.
enum class hyperv_return_code : std::uint32_t {
  completed = 0,
  job_started = 4096,
  failed = 32768,
  access_denied = 32769,
  not_supported = 32770,
  status_unknown = 32771,
  timeout = 32772,
  invalid_parameter = 32773,
  system_in_use = 32774,
  invalid_state = 32775,
  incorrect_data_type = 32776,
  system_not_available = 32777,
  out_of_memory = 32778,
  file_not_found = 32779,
};

/// Maps a DMTF return code onto Hyper-V's: completed → 0, not supported → 32770,
/// failed → 32768, timeout → 32772, invalid parameter → 32773, invalid state → 32775,
/// invalid type → 32776 (Incorrect Data Type), job started → 4096, and invalid state
/// transition (which these methods never produce) → 32775 (Invalid State); a value
/// outside the enumeration → 32768 (Failed).
hyperv_return_code to_hyperv(return_code code);

/// Decodes `Msvm_VirtualSystemReferencePointService.DestroyReferencePoint`
/// `{AffectedReferencePoint}` to the reference point's `InstanceID`. Checks, in this
/// order, each failure naming its parameter in `failure::field` with a DMTF code (the
/// web layer converts it with `to_hyperv`):
/// 1. the body is an object whose parameters are all known and not repeated (else 4);
/// 2. `AffectedReferencePoint`: required string, an `Msvm_VirtualSystemReferencePoint`
///    path or a bare GUID, resolved to its `InstanceID` (`resolve_reference`: 4, or 6
///    for a path of another class). GUIDs come back in upper case.
result<std::string> decode_destroy_system_rp_call(const boost::json::value& body);

/// Decodes `Msvm_CollectionReferencePointService.DestroyReferencePoint`
/// `{AffectedReferencePointCollection}` to the `CollectionID` of an
/// `Msvm_ReferencePointCollection` path or bare GUID, with the same checks and codes as
/// `decode_destroy_system_rp_call`.
result<std::string> decode_destroy_collection_rp_call(const boost::json::value& body);

} // namespace refpoint::protocol
