#include "actors/system_actor.hpp"

#include "actors/job_actor.hpp"
#include "actors/job_recording.hpp"
#include "actors/op_error.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace refpoint::actors {

using protocol::job_record;
using self_ptr = system_actor::stateful_pointer<system_actor_state>;

caf::error check_can_take(const protocol::system_info& info, protocol::rp_kind kind) {
  // Replica log tracking is a sim-backend feature: the file backend tracks changes only
  // through fingerprints (RCT).
  auto file_disk = std::find_if(info.disks.begin(), info.disks.end(),
                                [](const protocol::disk& d) { return d.backend == "file"; });
  if (kind == protocol::rp_kind::log && file_disk != info.disks.end())
    return make_error(op_errc::not_supported,
                      "disk '" + file_disk->id + "' of system '" + info.name +
                        "' is file-backed: log-based reference points need the sim backend",
                      "ReferencePointType");
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

system_actor_state::~system_actor_state() {
  if (current && current->actor)
    caf::anon_send_exit(current->actor, caf::exit_reason::user_shutdown);
  for (const auto& entry : queue)
    if (entry.actor)
      caf::anon_send_exit(entry.actor, caf::exit_reason::user_shutdown);
}

namespace {

void run_next(self_ptr self) {
  auto& st = self->state;
  if (st.current || st.queue.empty())
    return;
  st.current = std::move(st.queue.front());
  st.queue.pop_front();
  if (st.current->is_reservation()) {
    // Held for a collection job until it sends `release`.
    st.current->reservation.deliver(st.info);
    return;
  }
  auto next = [self] {
    self->state.current.reset();
    run_next(self);
  };
  self->request(st.current->actor, caf::infinite, run_atom::value)
    .then([next](ack_atom) { next(); }, [next](caf::error&) { next(); });
}

void enqueue(self_ptr self, job_record rec, job_slot slot) {
  auto& st = self->state;
  auto id = rec.id;
  std::vector<job_member> members(1);
  members.front().name = st.info.name;
  members.front().disks = st.info.disks;
  auto job = self->spawn(job_actor_impl, std::move(rec), std::move(members), st.store, st.settings,
                         node_actor{}, std::move(slot));
  st.queue.push_back({std::move(id), std::move(job), {}});
  run_next(self);
}

/// Busy when the machine's queue is at its limit (jobs being recorded count: they join it).
caf::error check_queue_room(self_ptr self) {
  const auto& st = self->state;
  const auto waiting = st.queue.size() + st.recording;
  if (waiting < st.settings.max_queued_per_system)
    return {};
  return make_error(op_errc::busy,
                    "system '" + st.info.name + "' has " + std::to_string(waiting) +
                      " operations waiting, the limit ([jobs] max_queued_per_system): try again "
                      "later");
}

/// Records a new job of this machine and queues it; answers it once committed. Refused as
/// busy, with nothing recorded, over either resource limit.
caf::result<job_record> record_new(self_ptr self, protocol::job_type type,
                                   protocol::create_request req, std::string idempotency_key) {
  if (auto err = check_queue_room(self))
    return err;
  auto slot = self->state.settings.take_job_slot();
  if (!slot)
    return jobs_in_memory_error(self->state.settings);
  auto rec =
    make_job_record(type, std::move(req), std::move(idempotency_key), self->state.settings);
  auto promise = self->make_response_promise<job_record>();
  ++self->state.recording;
  record_job(
    self, self->state.store, std::move(rec), promise,
    [self, slot = *slot](const job_record& stored) { enqueue(self, stored, slot); },
    [self] { --self->state.recording; });
  return promise;
}

} // namespace

system_actor::behavior_type system_actor_impl(self_ptr self, protocol::system_info info,
                                              persistence::store_actor store,
                                              runtime_settings settings) {
  self->state.info = std::move(info);
  self->state.store = std::move(store);
  self->state.settings = settings;
  return {
    [=](create_rp_atom, protocol::create_request& req,
        std::string& idempotency_key) -> caf::result<job_record> {
      if (auto err = check_can_take(self->state.info, req.kind))
        return err;
      return record_new(self, protocol::job_type::create_reference_point, std::move(req),
                        std::move(idempotency_key));
    },
    [=](requeue_atom, job_record& rec) {
      enqueue(self, std::move(rec), self->state.settings.force_job_slot());
    },
    [=](cancel_atom, std::string& job_id, protocol::job_state target) -> caf::result<ack_atom> {
      auto& st = self->state;
      auto queued = std::find_if(st.queue.begin(), st.queue.end(), [&](const auto& entry) {
        return !entry.is_reservation() && entry.id == job_id;
      });
      if (queued != st.queue.end()) {
        auto job = queued->actor;
        st.queue.erase(queued); // it never runs: the queue moves on without it
        return forward_cancel(self, job, job_id, target);
      }
      if (st.current && !st.current->is_reservation() && st.current->id == job_id)
        return forward_cancel(self, st.current->actor, job_id, target);
      return make_error(op_errc::invalid_state, "job " + job_id + " has already finished");
    },
    [=](reserve_atom, std::string& job_id) -> caf::result<protocol::system_info> {
      auto promise = self->make_response_promise<protocol::system_info>();
      self->state.queue.push_back({std::move(job_id), {}, promise});
      run_next(self);
      return promise;
    },
    [=](release_atom, const std::string& job_id) {
      auto& st = self->state;
      if (st.current && st.current->is_reservation() && st.current->id == job_id) {
        st.current.reset();
        run_next(self);
        return;
      }
      auto queued = std::find_if(st.queue.begin(), st.queue.end(), [&](const auto& entry) {
        return entry.is_reservation() && entry.id == job_id;
      });
      if (queued == st.queue.end())
        return;
      queued->reservation.deliver(
        make_error(op_errc::invalid_state, "the reservation was released before it was granted"));
      st.queue.erase(queued);
    },
    [=](destroy_atom, std::string& rp_id, std::string& idempotency_key) -> caf::result<job_record> {
      protocol::create_request req;
      req.target = self->state.info.name;
      req.subject = std::move(rp_id);
      return record_new(self, protocol::job_type::destroy_reference_point, std::move(req),
                        std::move(idempotency_key));
    },
    [=](check_atom, protocol::rp_kind kind) -> caf::result<ack_atom> {
      if (auto err = check_can_take(self->state.info, kind))
        return err;
      if (auto err = check_queue_room(self))
        return err;
      return ack_atom::value;
    },
  };
}

} // namespace refpoint::actors
