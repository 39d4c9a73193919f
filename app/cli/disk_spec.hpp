#pragma once
/// `--disk` of `refpoint systems create`: a compact form of one disk of the REST system body.
///
///   ID:SIZE[:fail=F][:notrack]   a sim disk of SIZE bytes (suffix K, M, G or T: powers of
///                                1024, "KiB" etc. also accepted); fail=F sets simFailAt
///                                (0-1); notrack turns change tracking off
///   ID:file=PATH                 a file-backed disk (PATH is everything after "file=", so it
///                                may contain ':'); notrack may come before file=

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace refpoint::cli {

/// The REST disk object `{id, backend?, sizeBytes?, path?, simFailAt?, changeTracking?}`, or a
/// message saying what is wrong with `spec`.
std::variant<boost::json::object, std::string> parse_disk_spec(std::string_view spec);

/// "64M" → 67108864; nullopt when not a size.
std::optional<std::uint64_t> parse_size(std::string_view text);

} // namespace refpoint::cli
