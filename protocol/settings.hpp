#pragma once
/// Decoding of the `ReferencePointSettings` method parameter: an embedded
/// `Msvm_VirtualSystemReferencePointSettingData` or
/// `Msvm_CollectionReferencePointSettingData` instance (DESIGN §3).
/// Pure functions, safe from any thread.

#include "protocol/codes.hpp"
#include "protocol/result.hpp"

#include <boost/json.hpp>

#include <string>

namespace refpoint::protocol {

/// The settings a client may choose when creating a reference point.
struct rp_settings {
  std::string element_name;
  consistency_level consistency = consistency_level::application;
  friend bool operator==(const rp_settings&, const rp_settings&) = default;
};

/// Which setting-data class the parameter must hold; it decides the class name and the
/// `ConsistencyLevel` numbering (system: 1 Application, 2 Crash; collection: 1 Crash,
/// 2 Application).
enum class settings_class { system, collection };

/// The setting-data class name for `cls`, as WMI spells it.
std::string_view settings_class_name(settings_class cls);

/// Decodes `ReferencePointSettings`. Accepted forms:
/// - JSON null, or a string that is empty or only whitespace: default settings;
/// - a string holding CIM-XML: one `INSTANCE` element (optionally after an XML
///   declaration, or inside a `VALUE.*` wrapper such as `VALUE.NAMEDOBJECT`) as
///   hand-written, as `GetText_(1)` (CIM-DTD 2.0) or `GetText_(2)` (WMI-DTD 2.0) writes it. Only
///   each property's own `VALUE` counts; qualifiers, `PROPERTY.ARRAY`, `PROPERTY.REFERENCE` and
///   `PROPERTY.OBJECT*` elements are understood; element and attribute names are compared
///   case-insensitively;
/// - a string holding a JSON object, or a JSON object: CIM property names as keys,
///   `__CLASS` optional.
/// Property names are case-insensitive. Known properties: `ElementName` (string or
/// null), `ConsistencyLevel` (an integer, or a string holding one, or null), `InstanceID`,
/// `Caption`, `Description` (ignored) and any name starting with `__` (ignored, except
/// that `__CLASS` in JSON must name the expected class). Absent or null values keep the
/// defaults.
/// Errors, all Invalid Parameter (4) with `failure::field` "ReferencePointSettings":
/// malformed XML or JSON (with the parser's description and offset), another class
/// (naming it), an unknown or repeated property (naming it), a `ConsistencyLevel` other
/// than 1 or 2 (naming it and the value), a wrongly typed `ElementName`, and any other
/// JSON type (number, bool, array).
result<rp_settings> decode_rp_settings(const boost::json::value& v, settings_class cls);

} // namespace refpoint::protocol
