#pragma once
/// Cancelling a job, shared by CIM `RequestStateChange` and REST `POST .../cancel`.

#include "web/exchange.hpp"

#include <functional>

namespace refpoint::web {

/// Reads job `id` and calls `on_job` with it; answers the exchange itself when the job is
/// unknown (404), removed after its TimeBeforeRemoval (410 Gone) or unreadable. A finished
/// job read before comes from `finished_jobs` at once, on the calling thread.
void read_live_job(const exchange_ptr& ex, std::string id,
                   std::function<void(protocol::job_record&)> on_job);

/// Starts a job destroying reference point `id` (`collection` false) or collection
/// reference point `id` (true), after checking it exists (not_found) and, for a reference
/// point, that it is not a member of a collection reference point (invalid_state).
void destroy_reference_point(const exchange_ptr& ex, std::string id, bool collection,
                             std::string idempotency_key,
                             std::function<void(protocol::job_record&)> on_started,
                             std::function<void(caf::error&)> on_error);

/// How a cancellation ended.
enum class cancel_outcome {
  done,            ///< the job is now Terminated or Killed (committed)
  already_finished ///< the job had reached a terminal state first
};

/// Stops job `id` with `target` (terminated or killed): reads the job, routes the request
/// to its owner, and re-reads it once the terminal state is committed. Calls `on_done`
/// with the outcome and the job as stored, or `on_error` (e.g. not_found, timeout).
void cancel_job(const exchange_ptr& ex, std::string id, protocol::job_state target,
                std::function<void(cancel_outcome, protocol::job_record&)> on_done,
                std::function<void(caf::error&)> on_error);

} // namespace refpoint::web
