#pragma once
/// Turning members of the server's JSON into short text for tables and lines.
/// Every accessor tolerates a missing member or another type: it answers "" (or a default).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace refpoint::cli {

/// A string member as is; a number or boolean ("yes"/"no") as text; "" otherwise.
std::string text_of(const boost::json::object& object, std::string_view key);
/// `object[key]` as an object, or an empty object.
const boost::json::object& object_at(const boost::json::object& object, std::string_view key);
/// `object[key]` as an array, or an empty array.
const boost::json::array& array_at(const boost::json::object& object, std::string_view key);
/// An integer member, or `fallback`.
std::int64_t integer_of(const boost::json::object& object, std::string_view key,
                        std::int64_t fallback = 0);

/// "512 B", "4.8 KiB", "16 MiB", "1.5 GiB".
std::string human_bytes(std::uint64_t bytes);
/// An ISO-8601 UTC time as "2026-11-22 00:28:12" (fractions dropped); other text unchanged.
std::string short_time(std::string_view iso);

/// The quoted key value `key="..."` in a CIM object path, e.g. the InstanceID of
/// `Msvm_VirtualSystemReferencePoint.InstanceID="X",VirtualSystemIdentifier="Y"`; "" if absent.
std::string path_key(std::string_view path, std::string_view key);

/// Percent-encodes everything but RFC 3986 unreserved characters (for a path segment or a
/// query value).
std::string url_encode(std::string_view text);

} // namespace refpoint::cli
