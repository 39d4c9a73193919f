#include "web/job_control.hpp"

#include "actors/op_error.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/job_retention.hpp"
#include "web/actor_call.hpp"

#include <caf/all.hpp>

namespace refpoint::web {

using protocol::job_record;

void read_live_job(const exchange_ptr& ex, std::string id,
                   std::function<void(job_record&)> on_job) {
  if (auto finished = ex->ctx->finished_jobs->find(id, protocol::now_us()))
    return on_job(*finished);
  call_actor(
    ex->ctx->system, ex->ctx->query, ex->ctx->method_timeout,
    [ex, on_job](job_record& job) {
      if (protocol::is_removed(job, protocol::now_us()))
        return ex->problem(http::status::gone,
                           "job " + job.id + " was removed after its TimeBeforeRemoval");
      ex->ctx->finished_jobs->remember(job);
      on_job(job);
    },
    [ex](caf::error& err) { ex->fail(err); }, persistence::get_job_atom::value, std::move(id));
}

void destroy_reference_point(const exchange_ptr& ex, std::string id, bool collection,
                             std::string idempotency_key,
                             std::function<void(job_record&)> on_started,
                             std::function<void(caf::error&)> on_error) {
  with_actor(ex->ctx->system, [=](caf::event_based_actor* self) {
    auto timeout = ex->ctx->method_timeout;
    auto start = [=](std::string owner) {
      self
        ->request(ex->ctx->inventory, timeout, actors::destroy_atom::value, std::move(owner), id,
                  idempotency_key)
        .then([=](job_record& job) { on_started(job); }, on_error);
    };
    if (collection) {
      self->request(ex->ctx->query, timeout, persistence::get_rpc_atom::value, id)
        .then([=](protocol::collection_reference_point& rpc) { start(rpc.collection_id); },
              on_error);
      return;
    }
    self->request(ex->ctx->query, timeout, persistence::get_rp_atom::value, id)
      .then(
        [=](protocol::reference_point& rp) {
          if (!rp.collection_rp_id.empty()) {
            auto err = actors::make_error(actors::op_errc::invalid_state,
                                          "reference point " + rp.id +
                                            " belongs to collection reference point " +
                                            rp.collection_rp_id + ": destroy that instead",
                                          "AffectedReferencePoint");
            return on_error(err);
          }
          start(rp.system_name);
        },
        on_error);
  });
}

void cancel_job(const exchange_ptr& ex, std::string id, protocol::job_state target,
                std::function<void(cancel_outcome, job_record&)> on_done,
                std::function<void(caf::error&)> on_error) {
  read_live_job(ex, id, [=](job_record& job) {
    if (protocol::is_terminal(job.state))
      return on_done(cancel_outcome::already_finished, job);
    with_actor(ex->ctx->system, [=, owner = job.request.target](caf::event_based_actor* self) {
      auto timeout = ex->ctx->method_timeout;
      auto reread = [=](cancel_outcome outcome) {
        self->request(ex->ctx->query, timeout, persistence::get_job_atom::value, id)
          .then([=](job_record& stopped) { on_done(outcome, stopped); }, on_error);
      };
      self->request(ex->ctx->inventory, timeout, actors::cancel_atom::value, owner, id, target)
        .then([=](actors::ack_atom) { reread(cancel_outcome::done); },
              [=](caf::error& err) {
                // Lost the race against the job's own end: report what it ended as.
                if (actors::describe(err).code == actors::op_errc::invalid_state)
                  reread(cancel_outcome::already_finished);
                else
                  on_error(err);
              });
    });
  });
}

} // namespace refpoint::web
