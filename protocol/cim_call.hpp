#pragma once
/// Decoding of the JSON bodies of the two CreateReferencePoint methods on `/cim/v2`
/// (DESIGN §4): parameter names as in WMI, matched case-insensitively.
/// Pure functions, safe from any thread.

#include "protocol/codes.hpp"
#include "protocol/result.hpp"
#include "protocol/settings.hpp"

#include <boost/json.hpp>

#include <string>

namespace refpoint::protocol {

/// `Msvm_VirtualSystemReferencePointService.CreateReferencePoint`, decoded.
struct system_create_call {
  std::string system_name; ///< the `Name` of the `AffectedSystem` (GUIDs in upper case)
  rp_kind kind = rp_kind::rct;
  rp_settings settings;
  friend bool operator==(const system_create_call&, const system_create_call&) = default;
};

/// `Msvm_CollectionReferencePointService.CreateReferencePoint`, decoded.
struct collection_create_call {
  std::string collection_id; ///< the `InstanceID` of the `Collection` (GUIDs in upper case)
  rp_kind kind = rp_kind::rct;
  rp_settings settings;
  friend bool operator==(const collection_create_call&, const collection_create_call&) = default;
};

/// Decodes `{AffectedSystem, ReferencePointSettings, ReferencePointType,
/// ResultingReferencePoint?}`. Checks, in this order, each failure naming its parameter
/// in `failure::field`:
/// 1. the body is an object (else 4) whose parameters are all known and not repeated
///    (else 4 naming the parameter; `method_params::check`);
/// 2. `AffectedSystem`: required string, an `Msvm_ComputerSystem` path or a bare GUID,
///    resolved to its `Name` (`resolve_reference`: 4, or 6 for another class);
/// 3. `ReferencePointType`: required integer number, decoded by `decode_system_rp_type`
///    (4 or 1);
/// 4. `ReferencePointSettings`: `decode_rp_settings` (absent: defaults);
/// 5. `ResultingReferencePoint`: if present, null or a string (its value is ignored).
result<system_create_call> decode_system_create_call(const boost::json::value& body);

/// Decodes `{Collection, ReferencePointSettings, ReferencePointType,
/// ResultingReferencePointCollection?}` with the same checks and order as
/// `decode_system_create_call`; `Collection` is an `Msvm_VirtualSystemCollection` path
/// or bare GUID resolved to its `InstanceID`, the type is decoded by
/// `decode_collection_rp_type`, and the settings use the collection class.
result<collection_create_call> decode_collection_create_call(const boost::json::value& body);

} // namespace refpoint::protocol
