// CIM object paths (`protocol/object_path.hpp`): any text parses or is refused cleanly, and a
// parsed path formats to text that parses back to the same path.

#include "protocol/object_path.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  auto parsed = refpoint::protocol::parse_object_path(text);
  if (!parsed)
    return 0;
  auto again = refpoint::protocol::parse_object_path(format_object_path(parsed.value()));
  if (!again || !(again.value() == parsed.value()))
    std::abort(); // formatting lost or changed something
  return 0;
}
