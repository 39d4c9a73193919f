#include "actors/job_actor.hpp"

#include "actors/sim_scan.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"
#include "protocol/object_path.hpp"

#include <caf/all.hpp>

#include <chrono>

namespace refpoint::actors {

using protocol::job_record;
using protocol::job_state;

/// Generic ErrorCode of a failed job (Hyper-V uses 32768 "Failed" for job errors).
constexpr std::uint16_t job_failed_error_code = 32768;

namespace {

using self_ptr = job_actor::stateful_pointer<job_actor_state>;

void persist(self_ptr self) {
  // Writes from one actor commit in order; a failed progress write is not fatal: the
  // terminal write decides what is recorded.
  self
    ->request(self->state.store, caf::infinite, persistence::update_job_atom::value,
              self->state.record)
    .then([](ack_atom) {}, [](caf::error&) {});
}

void finish(self_ptr self) {
  self->state.done.deliver(ack_atom::value);
  self->quit();
}

void set_terminal(job_record& rec, job_state state, std::string status) {
  auto now = protocol::now_us();
  rec.state = state;
  rec.status = std::move(status);
  rec.finished_at = now;
  rec.last_state_change = now;
  rec.cancellable = false;
}

void fail(self_ptr self, std::string description) {
  auto& rec = self->state.record;
  set_terminal(rec, job_state::exception, "Failed");
  rec.error_code = job_failed_error_code;
  rec.error_description = std::move(description);
  rec.error_summary = "The reference point could not be created.";
  self->request(self->state.store, caf::infinite, persistence::update_job_atom::value, rec)
    .then([=](ack_atom) { finish(self); }, [=](caf::error&) { finish(self); });
}

protocol::reference_point make_reference_point(const job_actor_state& st) {
  const auto& req = st.record.request;
  protocol::reference_point rp;
  rp.id = protocol::new_guid();
  rp.system_name = req.target;
  rp.element_name = req.element_name;
  rp.kind = req.kind;
  rp.consistency = req.consistency;
  rp.created_at = protocol::now_us();
  rp.job_id = st.record.id;
  if (req.kind == protocol::rp_kind::rct) {
    for (const auto& d : st.disks) {
      if (!d.change_tracking)
        continue;
      rp.disk_ids.push_back(d.id);
      rp.rct_ids.push_back(protocol::make_rct_id(protocol::new_guid(), 1));
    }
  }
  return rp;
}

void complete(self_ptr self) {
  auto rp = make_reference_point(self->state);
  auto& rec = self->state.record;
  set_terminal(rec, job_state::completed, "Completed");
  rec.percent_complete = 100;
  rec.affected = {
    {protocol::reference_point_path(rp.id, rp.system_name), protocol::element_effects::create}};
  self->request(self->state.store, caf::infinite, persistence::complete_job_atom::value, rec, rp)
    .then([=](ack_atom) { finish(self); },
          [=](caf::error& err) {
            // Nothing was committed: record the failure instead of a completion.
            self->state.record.affected.clear();
            self->state.record.percent_complete = 99;
            fail(self, "the reference point could not be stored: " + caf::to_string(err));
          });
}

void on_progress(self_ptr self) {
  auto& st = self->state;
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
    std::chrono::steady_clock::now() - st.run_started);
  auto fraction = scan_fraction(st.plan, elapsed);
  if (st.plan.failure && fraction >= st.plan.failure->fraction) {
    st.record.percent_complete = running_percent(st.plan.failure->fraction);
    fail(self, "disk '" + st.plan.failure->disk_id + "' failed at " +
                 std::to_string(st.record.percent_complete) + "% of the scan (simulated failure)");
    return;
  }
  if (fraction >= 1.0) {
    complete(self);
    return;
  }
  auto percent = running_percent(fraction);
  if (percent != st.record.percent_complete) {
    st.record.percent_complete = percent;
    persist(self);
  }
  self->delayed_send(self, st.settings.sim_progress_interval, progress_atom::value);
}

} // namespace

job_actor::behavior_type job_actor_impl(self_ptr self, job_record record,
                                        std::vector<protocol::disk> disks,
                                        persistence::store_actor store, runtime_settings settings) {
  auto& st = self->state;
  st.record = std::move(record);
  st.disks = std::move(disks);
  st.store = std::move(store);
  st.settings = settings;
  st.plan = plan_sim_scan(st.disks, settings.sim_bytes_per_second);
  return {
    [=](run_atom) -> caf::result<ack_atom> {
      auto& s = self->state;
      s.done = self->make_response_promise();
      auto now = protocol::now_us();
      s.record.started_at = now;
      s.record.last_state_change = now;
      s.record.status = "Running";
      s.run_started = std::chrono::steady_clock::now();
      persist(self);
      on_progress(self);
      return s.done;
    },
    [=](progress_atom) { on_progress(self); },
  };
}

} // namespace refpoint::actors
