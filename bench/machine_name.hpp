#pragma once
/// Repeatable GUID-shaped names for generated machines, for the benchmark seeders.

#include <cstddef>
#include <cstdio>
#include <string>

namespace bench {

/// The name of generated machine `index`: a GUID whose first and last groups hold it.
inline std::string machine_name(std::size_t index) {
  char text[48];
  std::snprintf(text, sizeof text, "%08zX-B0B0-4000-8000-%012zX", index & 0xFFFFFFFFu,
                index & 0xFFFFFFFFFFFFu);
  return text;
}

} // namespace bench
