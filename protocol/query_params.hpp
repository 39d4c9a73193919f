#pragma once
/// Checks shared by the decoders of REST query strings: which parameter names are allowed,
/// and that none is given twice. Pure functions, safe from any thread.

#include "protocol/result.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::protocol {

using query_list = std::vector<std::pair<std::string, std::string>>;

/// Invalid Parameter (4) naming, in `failure::field`, the first parameter of `query` that is
/// not in `known` (the message lists every unknown one and the allowed ones), or else the
/// first one given twice; nullopt when the names are fine.
std::optional<failure> check_query_names(const query_list& query,
                                         std::span<const std::string_view> known);

} // namespace refpoint::protocol
