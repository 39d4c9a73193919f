#pragma once
/// WMI object paths: parse as clients write them, format exactly as WMI does (DESIGN §3).
/// Pure functions, safe from any thread.

#include "protocol/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::protocol {

/// `\\HOST\root\virtualization\v2:Class.Key1="v1",Key2="v2"`; host and namespace optional.
struct object_path {
  std::string host;       ///< empty when the path had no `\\HOST\ns:` prefix
  std::string name_space; ///< e.g. `root\virtualization\v2`; empty without prefix
  std::string class_name; ///< as written
  std::vector<std::pair<std::string, std::string>> keys; ///< unescaped values, in written order

  /// Value of key `name`, compared case-insensitively.
  std::optional<std::string> key(std::string_view name) const;
  /// True when `class_name` equals `name` case-insensitively.
  bool is_class(std::string_view name) const;

  /// Exact (case-sensitive) equality of every member.
  friend bool operator==(const object_path&, const object_path&) = default;
};

/// Parses a path. Accepts the optional `\\HOST\ns:` prefix, keys in any order, string
/// values in double quotes with `\"` and `\\` escapes, unquoted integer values, and
/// case-insensitive class and key names. Fails with Invalid Parameter (4) and a
/// message saying where the text went wrong.
/// Also accepts a namespace-relative path `ns:Class...` (host empty, `name_space` set).
/// A path without keys (`Class` alone) parses with `keys` empty.
result<object_path> parse_object_path(std::string_view text);

/// Formats `Class.Key1="v1",Key2="v2"` (keys in the given order, `"` and `\` escaped),
/// with `\\HOST\ns:` in front when `host` is set.
/// With `host` empty and `name_space` set, writes `ns:` in front, so that
/// `parse_object_path(format_object_path(p))` gives back `p` for every parsed `p`.
std::string format_object_path(const object_path& path);

/// Paths of the objects refpoint hands out, written as WMI writes them.
std::string job_path(std::string_view instance_id);
std::string system_path(std::string_view name);
std::string reference_point_path(std::string_view instance_id, std::string_view system_name);
/// `Msvm_VirtualSystemCollection.InstanceID="<id>"`.
std::string collection_path(std::string_view instance_id);
/// `Msvm_ReferencePointCollection.CollectionID="<id>"`.
std::string collection_reference_point_path(std::string_view collection_id);

/// Resolves a reference parameter (e.g. `AffectedSystem`) to the value of `key_name`.
/// Accepts a full object path of class `expected_class`, or a bare GUID.
/// Errors: empty/unparsable/missing key → 4 (Invalid Parameter); a path naming another
/// class → 6 (Invalid Type). `field` names the parameter in messages and in `failure::field`.
/// Whitespace around `text` is ignored (error offsets count from its first non-blank
/// character); a GUID result, bare or key value, comes back in canonical upper case.
result<std::string> resolve_reference(std::string_view text, std::string_view expected_class,
                                      std::string_view key_name, std::string_view field);

} // namespace refpoint::protocol
