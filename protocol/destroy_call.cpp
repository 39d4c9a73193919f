#include "protocol/destroy_call.hpp"

#include "protocol/method_params.hpp"

#include <string_view>

namespace refpoint::protocol {

namespace {

result<std::string> decode_destroy_call(const boost::json::value& body, std::string_view param,
                                        std::string_view expected_class,
                                        std::string_view key_name) {
  auto checked = method_params::check(body, {param});
  if (!checked)
    return checked.error();
  return decode_reference_param(checked.value().find(param), param, expected_class, key_name);
}

} // namespace

hyperv_return_code to_hyperv(return_code code) {
  switch (code) {
  case return_code::completed:
    return hyperv_return_code::completed;
  case return_code::not_supported:
    return hyperv_return_code::not_supported;
  case return_code::failed:
    return hyperv_return_code::failed;
  case return_code::timeout:
    return hyperv_return_code::timeout;
  case return_code::invalid_parameter:
    return hyperv_return_code::invalid_parameter;
  case return_code::invalid_state:
  case return_code::invalid_state_transition:
    return hyperv_return_code::invalid_state;
  case return_code::invalid_type:
    return hyperv_return_code::incorrect_data_type;
  case return_code::job_started:
    return hyperv_return_code::job_started;
  case return_code::system_in_use:
    return hyperv_return_code::system_in_use;
  }
  return hyperv_return_code::failed;
}

result<std::string> decode_destroy_system_rp_call(const boost::json::value& body) {
  return decode_destroy_call(body, "AffectedReferencePoint", "Msvm_VirtualSystemReferencePoint",
                             "InstanceID");
}

result<std::string> decode_destroy_collection_rp_call(const boost::json::value& body) {
  return decode_destroy_call(body, "AffectedReferencePointCollection",
                             "Msvm_ReferencePointCollection", "CollectionID");
}

} // namespace refpoint::protocol
