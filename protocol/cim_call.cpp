#include "protocol/cim_call.hpp"

#include "protocol/method_params.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace refpoint::protocol {

namespace json = boost::json;

namespace {

constexpr std::string_view type_param = "ReferencePointType";
constexpr std::string_view settings_param = "ReferencePointSettings";

/// What differs between the two CreateReferencePoint methods.
struct call_spec {
  std::string_view target_param;    ///< e.g. `AffectedSystem`
  std::string_view target_class;    ///< class the target path must name
  std::string_view target_key;      ///< key whose value identifies the target
  std::string_view resulting_param; ///< the [in, out] result reference
  settings_class settings;
  type_decision (*decode_type)(std::int64_t);
};

constexpr call_spec system_spec{
  "AffectedSystem",          "Msvm_ComputerSystem",  "Name",
  "ResultingReferencePoint", settings_class::system, &decode_system_rp_type};

constexpr call_spec collection_spec{"Collection",
                                    "Msvm_VirtualSystemCollection",
                                    "InstanceID",
                                    "ResultingReferencePointCollection",
                                    settings_class::collection,
                                    &decode_collection_rp_type};

/// The decoded parameters common to both methods.
struct create_call {
  std::string target;
  rp_kind kind = rp_kind::rct;
  rp_settings settings;
};

failure bad(std::string_view param, std::string message) {
  return invalid_parameter(std::string(param), std::move(message));
}

result<rp_kind> decode_type(const json::value* v, const call_spec& spec) {
  std::string param(type_param);
  if (!v || v->is_null())
    return bad(param, param + " is required");
  if (v->is_uint64())
    return bad(param, param + " " + json::serialize(*v) + " is not a uint16 value");
  if (!v->is_int64())
    return bad(param, param + " must be an integer, not " + json::serialize(*v));
  auto decision = spec.decode_type(v->get_int64());
  if (!decision.kind)
    return failure{decision.code, std::move(decision.message), param};
  return *decision.kind;
}

result<rp_settings> decode_settings(const json::value* v, const call_spec& spec) {
  if (!v)
    return rp_settings{};
  return decode_rp_settings(*v, spec.settings);
}

std::optional<failure> check_resulting(const json::value* v, const call_spec& spec) {
  if (!v || v->is_null() || v->is_string())
    return std::nullopt;
  std::string param(spec.resulting_param);
  return bad(param,
             param + " must be null or a string (an object path), not " + json::serialize(*v));
}

result<create_call> decode_create_call(const json::value& body, const call_spec& spec) {
  auto checked = method_params::check(
    body, {spec.target_param, settings_param, type_param, spec.resulting_param});
  if (!checked)
    return checked.error();
  const auto& params = checked.value();
  auto target = decode_reference_param(params.find(spec.target_param), spec.target_param,
                                       spec.target_class, spec.target_key);
  if (!target)
    return target.error();
  auto kind = decode_type(params.find(type_param), spec);
  if (!kind)
    return kind.error();
  auto settings = decode_settings(params.find(settings_param), spec);
  if (!settings)
    return settings.error();
  if (auto error = check_resulting(params.find(spec.resulting_param), spec))
    return *error;
  return create_call{std::move(target).value(), kind.value(), std::move(settings).value()};
}

} // namespace

result<system_create_call> decode_system_create_call(const json::value& body) {
  auto call = decode_create_call(body, system_spec);
  if (!call)
    return call.error();
  auto& c = call.value();
  return system_create_call{std::move(c.target), c.kind, std::move(c.settings)};
}

result<collection_create_call> decode_collection_create_call(const json::value& body) {
  auto call = decode_create_call(body, collection_spec);
  if (!call)
    return call.error();
  auto& c = call.value();
  return collection_create_call{std::move(c.target), c.kind, std::move(c.settings)};
}

} // namespace refpoint::protocol
