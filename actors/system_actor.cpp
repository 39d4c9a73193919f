#include "actors/system_actor.hpp"

#include "actors/job_actor.hpp"
#include "actors/op_error.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace refpoint::actors {

using protocol::job_record;
using self_ptr = system_actor::stateful_pointer<system_actor_state>;

caf::error check_can_take(const protocol::system_info& info, protocol::rp_kind kind) {
  if (kind == protocol::rp_kind::log && !info.replication_enabled)
    return make_error(op_errc::invalid_state,
                      "system '" + info.name +
                        "' has replication disabled: a log-based reference point needs it",
                      "ReferencePointType");
  if (kind == protocol::rp_kind::rct &&
      std::none_of(info.disks.begin(), info.disks.end(),
                   [](const protocol::disk& d) { return d.change_tracking; }))
    return make_error(op_errc::invalid_state,
                      "system '" + info.name +
                        "' has no disk with change tracking enabled: an RCT reference point "
                        "needs one",
                      "ReferencePointType");
  return {};
}

namespace {

job_record new_job(const protocol::create_request& req, const runtime_settings& settings) {
  job_record rec;
  rec.id = protocol::new_guid();
  rec.type = protocol::job_type::create_reference_point;
  rec.request = req;
  rec.state = protocol::job_state::running;
  rec.status = "Queued";
  rec.submitted_at = protocol::now_us();
  rec.last_state_change = rec.submitted_at;
  rec.time_before_removal_s = settings.time_before_removal_s;
  return rec;
}

void run_next(self_ptr self) {
  auto& st = self->state;
  if (st.busy || st.queue.empty())
    return;
  auto job = std::move(st.queue.front());
  st.queue.pop_front();
  st.busy = true;
  auto next = [self] {
    self->state.busy = false;
    run_next(self);
  };
  self->request(job, caf::infinite, run_atom::value)
    .then([next](ack_atom) { next(); }, [next](caf::error&) { next(); });
}

void enqueue(self_ptr self, job_record rec) {
  auto& st = self->state;
  auto job =
    self->spawn<caf::linked>(job_actor_impl, std::move(rec), st.info.disks, st.store, st.settings);
  st.queue.push_back(std::move(job));
  run_next(self);
}

} // namespace

system_actor::behavior_type system_actor_impl(self_ptr self, protocol::system_info info,
                                              persistence::store_actor store,
                                              runtime_settings settings) {
  self->state.info = std::move(info);
  self->state.store = std::move(store);
  self->state.settings = settings;
  return {
    [=](create_rp_atom, protocol::create_request& req) -> caf::result<job_record> {
      if (auto err = check_can_take(self->state.info, req.kind))
        return err;
      auto rec = new_job(req, self->state.settings);
      auto promise = self->make_response_promise<job_record>();
      // The store answers in the order it was asked, so jobs queue in arrival order.
      self->request(self->state.store, caf::infinite, persistence::insert_job_atom::value, rec)
        .then(
          [=](std::int64_t seq) mutable {
            rec.seq = seq;
            enqueue(self, rec);
            promise.deliver(rec);
          },
          [=](caf::error& err) mutable {
            promise.deliver(
              make_error(op_errc::failed, "the job could not be recorded: " + caf::to_string(err)));
          });
      return promise;
    },
    [=](requeue_atom, job_record& rec) { enqueue(self, std::move(rec)); },
  };
}

} // namespace refpoint::actors
