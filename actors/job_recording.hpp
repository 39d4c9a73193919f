#pragma once
/// Creating and recording a job, shared by the actors that own jobs (system and
/// collection actors).

#include "actors/messages.hpp"
#include "actors/op_error.hpp"
#include "actors/runtime_settings.hpp"

#include <caf/typed_response_promise.hpp>

#include <string>

namespace refpoint::actors {

/// A new job: JobState 4, "Queued", submitted now, with a fresh GUID.
protocol::job_record make_job_record(protocol::job_type type, protocol::create_request request,
                                     std::string idempotency_key, const runtime_settings& settings);

/// Records `rec` and answers `promise` with the job as stored, once committed. Calls
/// `start(stored)` first, but only for a new job: a job answered for an idempotency key
/// already stored must not run again.
template <class Self, class Start>
void record_job(Self* self, const persistence::store_actor& store, protocol::job_record rec,
                caf::typed_response_promise<protocol::job_record> promise, Start start) {
  // The store answers in the order it was asked, so jobs start in arrival order.
  self->request(store, caf::infinite, persistence::insert_job_atom::value, rec)
    .then(
      [=](protocol::job_record& stored) mutable {
        if (stored.id == rec.id)
          start(stored);
        promise.deliver(stored);
      },
      [=](caf::error& err) mutable {
        promise.deliver(
          make_error(op_errc::failed, "the job could not be recorded: " + caf::to_string(err)));
      });
}

} // namespace refpoint::actors
