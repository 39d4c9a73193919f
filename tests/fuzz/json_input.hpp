#pragma once
// A fuzz input read as JSON, as the server reads a request body.

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace refpoint::fuzz {

/// The bytes parsed as JSON; nullopt when they are not JSON.
inline std::optional<boost::json::value> json_of(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  auto value = boost::json::parse(std::string_view{reinterpret_cast<const char*>(data), size}, ec);
  if (ec)
    return std::nullopt;
  return value;
}

} // namespace refpoint::fuzz
