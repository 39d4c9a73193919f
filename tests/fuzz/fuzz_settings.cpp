// `ReferencePointSettings` (`protocol/settings.hpp`) in every form a client may send: the raw
// bytes as the embedded CIM-XML string, and as JSON (an object, or any other value), for
// both settings classes. Each is decoded or refused, never crashes.

#include "json_input.hpp"
#include "protocol/settings.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using refpoint::protocol::settings_class;
  const std::string text{reinterpret_cast<const char*>(data), size};
  const boost::json::value as_xml_string{text};
  const auto as_json = refpoint::fuzz::json_of(data, size);
  for (auto cls : {settings_class::system, settings_class::collection}) {
    (void)refpoint::protocol::decode_rp_settings(as_xml_string, cls);
    if (as_json)
      (void)refpoint::protocol::decode_rp_settings(*as_json, cls);
  }
  return 0;
}
