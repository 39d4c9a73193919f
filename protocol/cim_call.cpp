#include "protocol/cim_call.hpp"

#include "protocol/object_path.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace refpoint::protocol {

namespace json = boost::json;
using boost::algorithm::iequals;

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

/// The method body with its parameters looked up case-insensitively.
/// REQUIRES: `check_names` accepted the body (no unknown or repeated names).
class parameters {
public:
  explicit parameters(const json::object& body) : body_(body) {}

  /// The value of parameter `name`, or nullptr when absent.
  const json::value* find(std::string_view name) const {
    for (const auto& [key, value] : body_)
      if (iequals(key, name))
        return &value;
    return nullptr;
  }

private:
  const json::object& body_;
};

std::optional<failure> check_names(const json::object& body, const call_spec& spec) {
  const std::array<std::string_view, 4> known{spec.target_param, settings_param, type_param,
                                              spec.resulting_param};
  std::array<bool, 4> seen{};
  for (const auto& entry : body) {
    std::string_view key = entry.key();
    std::size_t i = 0;
    while (i < known.size() && !iequals(key, known[i]))
      ++i;
    if (i == known.size())
      return bad(key, "unknown parameter " + std::string(key));
    if (seen[i])
      return bad(known[i], "parameter " + std::string(known[i]) + " is given more than once");
    seen[i] = true;
  }
  return std::nullopt;
}

result<std::string> decode_target(const json::value* v, const call_spec& spec) {
  std::string param(spec.target_param);
  if (!v || v->is_null())
    return bad(param, param + " is required");
  if (!v->is_string())
    return bad(param,
               param + " must be a string (an object path or a GUID), not " + json::serialize(*v));
  return resolve_reference(v->get_string(), spec.target_class, spec.target_key, param);
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
  if (!body.is_object())
    return bad("", "the method parameters must be a JSON object");
  if (auto error = check_names(body.get_object(), spec))
    return *error;
  parameters params{body.get_object()};
  auto target = decode_target(params.find(spec.target_param), spec);
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
