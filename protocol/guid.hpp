#pragma once
/// GUIDs and RCT identifiers.

#include <cstdint>
#include <string>
#include <string_view>

namespace refpoint::protocol {

/// A fresh random (version 4) GUID, upper case, `8-4-4-4-12` hex digits.
/// Thread-safe (thread-local generator).
std::string new_guid();

/// True for `8-4-4-4-12` hex digits, either case, optionally wrapped in `{}`.
bool is_guid(std::string_view text);

/// Upper-case canonical form of a GUID (braces stripped). REQUIRES: is_guid(text).
std::string canonical_guid(std::string_view text);

/// An RCT ID as Hyper-V writes them: `rctX:<guid, lower case, '-' → ':'>:<counter as 8 hex>`.
std::string make_rct_id(std::string_view guid, std::uint32_t counter);

} // namespace refpoint::protocol
