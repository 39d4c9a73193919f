#include "protocol/job_call.hpp"

#include "protocol/cim_datetime.hpp"
#include "protocol/method_params.hpp"

#include <limits>
#include <string>
#include <string_view>

namespace refpoint::protocol {

namespace json = boost::json;

namespace {

constexpr std::string_view state_param = "RequestedState";
constexpr std::string_view timeout_param = "TimeoutPeriod";

result<std::uint16_t> decode_requested_state(const json::value* v) {
  std::string param(state_param);
  if (!v || v->is_null())
    return invalid_parameter(param, param + " is required");
  if (!v->is_int64() && !v->is_uint64())
    return invalid_parameter(param, param + " must be an integer, not " + json::serialize(*v));
  constexpr auto max = std::numeric_limits<std::uint16_t>::max();
  if (v->is_uint64() || v->get_int64() < 0 || v->get_int64() > max)
    return invalid_parameter(param, param + " " + json::serialize(*v) + " is not a uint16 value");
  return static_cast<std::uint16_t>(v->get_int64());
}

result<std::optional<std::int64_t>> decode_timeout(const json::value* v) {
  if (!v || v->is_null())
    return std::optional<std::int64_t>{};
  std::string param(timeout_param);
  const auto* text = v->if_string();
  auto interval = text ? parse_cim_interval(*text) : std::nullopt;
  if (!interval)
    return invalid_parameter(param, param +
                                      " must be null or a CIM interval "
                                      "(ddddddddHHMMSS.mmmmmm:000), not " +
                                      json::serialize(*v));
  if (*interval == 0)
    return std::optional<std::int64_t>{};
  return interval;
}

} // namespace

result<state_change_call> decode_request_state_change(const json::value& body) {
  auto checked = method_params::check(body, {state_param, timeout_param});
  if (!checked)
    return checked.error();
  const auto& params = checked.value();
  auto state = decode_requested_state(params.find(state_param));
  if (!state)
    return state.error();
  auto timeout = decode_timeout(params.find(timeout_param));
  if (!timeout)
    return timeout.error();
  return state_change_call{state.value(), timeout.value()};
}

} // namespace refpoint::protocol
