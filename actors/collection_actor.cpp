#include "actors/collection_actor.hpp"

#include "actors/job_actor.hpp"
#include "actors/job_recording.hpp"
#include "actors/op_error.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"

#include <caf/all.hpp>

#include <memory>

namespace refpoint::actors {

using protocol::job_record;
using self_ptr = collection_actor::stateful_pointer<collection_actor_state>;

namespace {

/// Spawns the job actor and starts it; it stays listed as live until it answers `run`.
void start(self_ptr self, job_record rec, const std::vector<std::string>& names,
           const std::vector<system_actor>& owners, node_actor cluster, job_slot slot) {
  std::vector<job_member> members;
  for (std::size_t i = 0; i < names.size(); ++i) {
    members.emplace_back();
    members.back().name = names[i];
    members.back().owner = owners[i];
  }
  auto id = rec.id;
  auto job =
    self->spawn<caf::linked>(job_actor_impl, std::move(rec), std::move(members), self->state.store,
                             self->state.settings, std::move(cluster), std::move(slot));
  self->state.live.emplace(id, job);
  self->request(job, caf::infinite, run_atom::value)
    .then([=](ack_atom) { self->state.live.erase(id); },
          [=](caf::error&) { self->state.live.erase(id); });
}

/// A member's answer to `check`, named after the member: a refusal is invalid_state; a
/// node that cannot be asked (timeout) and a machine over its queue limit (busy) keep their
/// own code.
caf::error member_refusal(const std::string& name, const caf::error& err) {
  auto failure = describe(err);
  auto code = failure.code == op_errc::timeout || failure.code == op_errc::busy
                ? failure.code
                : op_errc::invalid_state;
  return make_error(code, "member " + name + ": " + failure.message, "Collection");
}

/// Asks every member, here or on its own node, whether it can take `kind`; calls `done`
/// with the first refusal or an empty error once all answered.
void check_members(self_ptr self, const std::vector<std::string>& names,
                   const std::vector<system_actor>& owners, protocol::rp_kind kind,
                   node_actor cluster, std::function<void(caf::error)> done) {
  struct tally {
    std::size_t pending;
    caf::error first;
    std::function<void(caf::error)> done;
  };
  auto t = std::make_shared<tally>(tally{1, {}, std::move(done)});
  const auto timeout = self->state.settings.member_timeout;
  for (std::size_t i = 0; i < owners.size(); ++i) {
    ++t->pending;
    auto name = names[i];
    auto answered = [t](caf::error err) {
      if (err && !t->first)
        t->first = std::move(err);
      if (--t->pending == 0)
        t->done(std::move(t->first));
    };
    auto refused = [answered, name](caf::error& err) { answered(member_refusal(name, err)); };
    if (owners[i]) {
      self->request(owners[i], caf::infinite, check_atom::value, kind)
        .then([answered](ack_atom) { answered({}); }, refused);
      continue;
    }
    if (!cluster) {
      answered(
        make_error(op_errc::invalid_state, "member " + name + " does not exist", "Collection"));
      continue;
    }
    self->request(cluster, timeout, member_atom::value, name)
      .then(
        [=](std::string&, caf::strong_actor_ptr& peer) {
          self
            ->request(caf::actor_cast<node_actor>(peer), timeout, check_atom::value,
                      member_check{name, kind})
            .then([answered](ack_atom) { answered({}); }, refused);
        },
        refused);
  }
  if (--t->pending == 0)
    t->done(std::move(t->first));
}

} // namespace

collection_actor::behavior_type collection_actor_impl(self_ptr self, std::string id,
                                                      persistence::store_actor store,
                                                      runtime_settings settings) {
  self->state.id = std::move(id);
  self->state.store = std::move(store);
  self->state.settings = settings;
  return {
    [=](create_rp_atom, protocol::create_request& req, std::string& idempotency_key,
        std::vector<std::string>& names, std::vector<system_actor>& owners,
        node_actor& cluster) -> caf::result<job_record> {
      if (names.empty())
        return make_error(op_errc::invalid_state,
                          "collection " + self->state.id + " has no members", "Collection");
      auto promise = self->make_response_promise<job_record>();
      auto rec = make_job_record(protocol::job_type::create_collection_reference_point, req,
                                 std::move(idempotency_key), self->state.settings);
      check_members(self, names, owners, req.kind, cluster, [=](caf::error refusal) mutable {
        if (refusal) {
          promise.deliver(std::move(refusal));
          return;
        }
        auto slot = self->state.settings.take_job_slot();
        if (!slot) {
          promise.deliver(jobs_in_memory_error(self->state.settings));
          return;
        }
        record_job(
          self, self->state.store, rec, promise,
          [=, slot = *slot](const job_record& stored) {
            start(self, stored, names, owners, cluster, slot);
          },
          [] {});
      });
      return promise;
    },
    [=](requeue_atom, job_record& rec, std::vector<std::string>& names,
        std::vector<system_actor>& owners, node_actor& cluster) {
      start(self, std::move(rec), names, owners, std::move(cluster),
            self->state.settings.force_job_slot());
    },
    [=](cancel_atom, std::string& job_id, protocol::job_state target) -> caf::result<ack_atom> {
      auto i = self->state.live.find(job_id);
      if (i == self->state.live.end())
        return make_error(op_errc::invalid_state, "job " + job_id + " has already finished");
      return forward_cancel(self, i->second, job_id, target);
    },
    [=](destroy_atom, std::string& rpc_id, std::string& idempotency_key,
        node_actor& cluster) -> caf::result<job_record> {
      protocol::create_request req;
      req.target = self->state.id;
      req.subject = std::move(rpc_id);
      auto rec = make_job_record(protocol::job_type::destroy_collection_reference_point,
                                 std::move(req), std::move(idempotency_key), self->state.settings);
      auto slot = self->state.settings.take_job_slot();
      if (!slot)
        return jobs_in_memory_error(self->state.settings);
      auto promise = self->make_response_promise<job_record>();
      record_job(
        self, self->state.store, std::move(rec), promise,
        [=, slot = *slot](const job_record& stored) { start(self, stored, {}, {}, cluster, slot); },
        [] {});
      return promise;
    },
  };
}

} // namespace refpoint::actors
