#include "protocol/codes.hpp"

namespace refpoint::protocol {

namespace {

constexpr std::int64_t vendor_first = 32768;
constexpr std::int64_t vendor_last = 65535;

type_decision reject(return_code code, std::string message) {
  return type_decision{std::nullopt, code, std::move(message)};
}

type_decision decode_range(std::int64_t value, std::int64_t reserved_first) {
  if (value >= vendor_first && value <= vendor_last)
    return reject(return_code::not_supported, "ReferencePointType " + std::to_string(value) +
                                                " is vendor specific and not supported");
  if (value >= reserved_first && value < vendor_first)
    return reject(return_code::invalid_parameter,
                  "ReferencePointType " + std::to_string(value) + " is DMTF reserved");
  return reject(return_code::invalid_parameter,
                "ReferencePointType " + std::to_string(value) + " is not a uint16 value");
}

} // namespace

type_decision decode_system_rp_type(std::int64_t value) {
  if (value == 0)
    return {rp_kind::log, return_code::completed, {}};
  if (value == 1)
    return {rp_kind::rct, return_code::completed, {}};
  return decode_range(value, 2);
}

type_decision decode_collection_rp_type(std::int64_t value) {
  if (value == 0)
    return reject(return_code::invalid_parameter,
                  "ReferencePointType 0 (Unknown) cannot be created");
  if (value == 1)
    return {rp_kind::log, return_code::completed, {}};
  if (value == 2)
    return {rp_kind::rct, return_code::completed, {}};
  return decode_range(value, 3);
}

std::uint16_t rp_type_property(rp_kind kind) {
  return kind == rp_kind::log ? 1 : 2;
}

std::uint8_t collection_consistency_value(consistency_level level) {
  return level == consistency_level::crash ? 1 : 2;
}

std::string_view to_string(rp_kind kind) {
  return kind == rp_kind::log ? "log" : "rct";
}

std::optional<rp_kind> parse_rp_kind(std::string_view text) {
  if (text == "log")
    return rp_kind::log;
  if (text == "rct")
    return rp_kind::rct;
  return std::nullopt;
}

std::string_view to_string(consistency_level level) {
  return level == consistency_level::application ? "application" : "crash";
}

std::optional<consistency_level> parse_consistency_level(std::string_view text) {
  if (text == "application")
    return consistency_level::application;
  if (text == "crash")
    return consistency_level::crash;
  return std::nullopt;
}

std::string_view to_string(enabled_state state) {
  return state == enabled_state::disabled ? "disabled" : "enabled";
}

std::optional<enabled_state> parse_enabled_state(std::string_view text) {
  if (text == "enabled")
    return enabled_state::enabled;
  if (text == "disabled")
    return enabled_state::disabled;
  return std::nullopt;
}

std::string_view to_string(job_state state) {
  switch (state) {
  case job_state::running:
    return "running";
  case job_state::shutting_down:
    return "shuttingDown";
  case job_state::completed:
    return "completed";
  case job_state::terminated:
    return "terminated";
  case job_state::killed:
    return "killed";
  case job_state::exception:
    return "exception";
  }
  return "unknown";
}

std::optional<job_state> parse_job_state(std::string_view text) {
  for (auto s : {job_state::running, job_state::shutting_down, job_state::completed,
                 job_state::terminated, job_state::killed, job_state::exception})
    if (to_string(s) == text)
      return s;
  return std::nullopt;
}

bool is_terminal(job_state state) {
  return state == job_state::completed || state == job_state::terminated ||
         state == job_state::killed || state == job_state::exception;
}

std::string_view to_string(job_type type) {
  switch (type) {
  case job_type::create_reference_point:
    return "createReferencePoint";
  case job_type::destroy_reference_point:
    return "destroyReferencePoint";
  case job_type::create_collection_reference_point:
    return "createCollectionReferencePoint";
  case job_type::destroy_collection_reference_point:
    return "destroyCollectionReferencePoint";
  }
  return "unknown";
}

std::string_view describe(return_code code) {
  switch (code) {
  case return_code::completed:
    return "Completed with No Error";
  case return_code::not_supported:
    return "Not Supported";
  case return_code::failed:
    return "Failed";
  case return_code::timeout:
    return "Timeout";
  case return_code::invalid_parameter:
    return "Invalid Parameter";
  case return_code::invalid_state:
    return "Invalid State";
  case return_code::invalid_type:
    return "Invalid Type";
  case return_code::job_started:
    return "Method Parameters Checked - Job Started";
  case return_code::invalid_state_transition:
    return "Invalid State Transition";
  case return_code::system_in_use:
    return "System is in use";
  }
  return "Unknown";
}

} // namespace refpoint::protocol
