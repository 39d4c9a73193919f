// REST request bodies (`protocol/rest_json.hpp`): a system, a collection and a reference
// point request, from any bytes parsed as JSON. Each decodes or refuses, never crashes.

#include "json_input.hpp"
#include "protocol/rest_json.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = refpoint::protocol;
  const auto parsed = refpoint::fuzz::json_of(data, size);
  if (!parsed)
    return 0;
  const auto& body = *parsed;
  (void)p::decode_system(body);
  (void)p::decode_collection(body);
  (void)p::decode_create_rp(body);
  return 0;
}
