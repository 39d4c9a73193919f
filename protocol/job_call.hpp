#pragma once
/// Decoding of the JSON bodies of the `Msvm_ConcreteJob` methods on `/cim/v2`
/// (DESIGN §3 "Jobs", §4): parameter names as in WMI, matched case-insensitively.
/// Decoding only: which states a job accepts, and the return codes for them, are the
/// job actor's to decide. Pure functions, safe from any thread.

#include "protocol/result.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>

namespace refpoint::protocol {

/// `Msvm_ConcreteJob.RequestStateChange`, decoded.
struct state_change_call {
  std::uint16_t requested_state = 0; ///< as sent: 4 Terminate, 5 Kill, anything else too
  /// The `TimeoutPeriod` in microseconds; nullopt when absent, null or zero (which CIM
  /// defines as "no time requirement").
  std::optional<std::int64_t> timeout_us;
  friend bool operator==(const state_change_call&, const state_change_call&) = default;
};

/// Decodes `{RequestedState, TimeoutPeriod?}`. Checks, in this order, each failure
/// Invalid Parameter (4) naming its parameter in `failure::field`:
/// 1. the body is an object whose parameters are all known and not repeated
///    (`method_params::check`);
/// 2. `RequestedState`: required (absent or null refused), a JSON integer (not a
///    fraction, string or boolean) within 0–65535;
/// 3. `TimeoutPeriod`: absent, null, or a string holding a CIM interval
///    (`ddddddddHHMMSS.mmmmmm:000`, see `parse_cim_interval`).
result<state_change_call> decode_request_state_change(const boost::json::value& body);

} // namespace refpoint::protocol
