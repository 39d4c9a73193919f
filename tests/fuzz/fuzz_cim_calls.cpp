// The CIM method bodies a client POSTs (`protocol/cim_call.hpp`, `destroy_call.hpp`,
// `job_call.hpp`, `disk_changes_call.hpp`): the bytes parsed as JSON, then given to every
// decoder. Each decodes or refuses with a failure, never crashes.

#include "json_input.hpp"
#include "protocol/cim_call.hpp"
#include "protocol/destroy_call.hpp"
#include "protocol/disk_changes_call.hpp"
#include "protocol/job_call.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = refpoint::protocol;
  const auto parsed = refpoint::fuzz::json_of(data, size);
  if (!parsed)
    return 0;
  const auto& body = *parsed;
  (void)p::decode_system_create_call(body);
  (void)p::decode_collection_create_call(body);
  (void)p::decode_destroy_system_rp_call(body);
  (void)p::decode_destroy_collection_rp_call(body);
  (void)p::decode_request_state_change(body);
  (void)p::decode_disk_changes_call(body);
  return 0;
}
