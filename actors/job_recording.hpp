#pragma once
/// Creating, recording and cancelling jobs, shared by the actors that own jobs (system and
/// collection actors).

#include "actors/messages.hpp"
#include "actors/op_error.hpp"
#include "actors/runtime_settings.hpp"

#include <caf/sec.hpp>
#include <caf/typed_response_promise.hpp>

#include <string>

namespace refpoint::actors {

/// A new job: JobState 4, "Queued", submitted now, with a fresh GUID.
protocol::job_record make_job_record(protocol::job_type type, protocol::create_request request,
                                     std::string idempotency_key, const runtime_settings& settings);

/// Records `rec` and answers `promise` with the job as stored, once committed. Calls
/// `settled()` once the store answered either way, then `start(stored)`, but only for a new
/// job: a job answered for an idempotency key already stored must not run again.
template <class Self, class Start, class Settled>
void record_job(Self* self, const persistence::store_actor& store, protocol::job_record rec,
                caf::typed_response_promise<protocol::job_record> promise, Start start,
                Settled settled) {
  // The store answers in the order it was asked, so jobs start in arrival order.
  self->request(store, caf::infinite, persistence::insert_job_atom::value, rec)
    .then(
      [=](protocol::job_record& stored) mutable {
        settled();
        if (stored.id == rec.id)
          start(stored);
        promise.deliver(stored);
      },
      [=](caf::error& err) mutable {
        settled();
        promise.deliver(write_failure("the job could not be recorded", err));
      });
}

/// Busy: the jobs held in memory are at their limit.
inline caf::error jobs_in_memory_error(const runtime_settings& settings) {
  return make_error(op_errc::busy, std::to_string(settings.budget->held()) +
                                     " jobs are held in memory, the limit ([jobs] "
                                     "max_jobs_in_memory): try again later");
}

/// Forwards a cancellation to `job`. A job that finished and exited between the owner's
/// lookup and the request answers invalid_state (it "has already finished"), not a failure.
template <class Self>
caf::result<ack_atom> forward_cancel(Self* self, const job_actor& job, const std::string& id,
                                     protocol::job_state target) {
  auto promise = self->template make_response_promise<ack_atom>();
  self->request(job, caf::infinite, cancel_atom::value, target)
    .then([=](ack_atom) mutable { promise.deliver(ack_atom::value); },
          [=](caf::error& err) mutable {
            if (err == caf::sec::request_receiver_down)
              promise.deliver(
                make_error(op_errc::invalid_state, "job " + id + " has already finished"));
            else
              promise.deliver(std::move(err));
          });
  return promise;
}

} // namespace refpoint::actors
