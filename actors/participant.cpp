#include "actors/participant.hpp"

#include "actors/failpoint.hpp"
#include "actors/op_error.hpp"

#include <caf/all.hpp>

#include <memory>

namespace refpoint::actors {

namespace {

using self_ptr = participant_actor::stateful_pointer<participant_state>;

/// How long one question to a coordinator node may take.
constexpr std::chrono::seconds decision_timeout{5};

/// Gives back every machine held for job `id` (granted or still queued alike).
void release(self_ptr self, const std::string& job) {
  auto i = self->state.held.find(job);
  if (i == self->state.held.end())
    return;
  for (const auto& sys : i->second)
    self->send(sys, release_atom::value, job);
  self->state.held.erase(i);
}

/// Applies a decision to the job's pending members (commit or roll back), then calls `done`
/// with the error, if any.
void apply(self_ptr self, const std::string& job, bool commit,
           std::function<void(caf::error)> done) {
  auto answered = [done](std::uint64_t) { done({}); };
  auto failed = [done](caf::error& err) { done(std::move(err)); };
  const auto& store = self->state.locals.store;
  if (commit)
    self->request(store, caf::infinite, persistence::commit_member_atom::value, job)
      .then(answered, failed);
  else
    self->request(store, caf::infinite, persistence::abort_member_atom::value, job)
      .then(answered, failed);
}

/// Asks the coordinator node of each job in doubt (none held for a live coordinator job)
/// for its decision, and applies it. One round at a time.
void resolve(self_ptr self) {
  auto& st = self->state;
  if (st.resolving)
    return;
  st.resolving = true;
  self->request(st.locals.query, decision_timeout, persistence::in_doubt_atom::value)
    .then(
      [=](std::vector<persistence::in_doubt_job>& jobs) {
        auto pending = std::make_shared<std::size_t>(1);
        auto one_done = [=] {
          if (--*pending == 0)
            self->state.resolving = false;
        };
        for (const auto& job : jobs) {
          if (self->state.held.count(job.job_id) > 0)
            continue; // its coordinator is alive and will decide
          ++*pending;
          auto id = job.job_id;
          self
            ->request(self->state.locals.node, decision_timeout, decision_atom::value,
                      job.coordinator, id)
            .then(
              [=](std::string& decided) {
                if (decided == decision::undecided)
                  return one_done();
                apply(self, id, decided == decision::commit, [=](caf::error) { one_done(); });
              },
              [=](caf::error&) { one_done(); }); // its node is down: ask again later
        }
        one_done();
      },
      [=](caf::error&) { self->state.resolving = false; });
}

} // namespace

participant_actor::behavior_type participant_impl(self_ptr self, participant_locals locals) {
  self->state.locals = std::move(locals);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto i = self->state.coordinators.find(dm.source);
    if (i == self->state.coordinators.end())
      return;
    release(self, i->second);
    self->state.coordinators.erase(i);
  });
  self->send(self, resolve_atom::value);
  return {
    [=](reserve_member_atom, std::string& job,
        std::string& system) -> caf::result<protocol::system_info> {
      // Before the promise: making it takes the sender from the current message.
      if (auto coordinator = self->current_sender()) {
        auto addr = coordinator->address();
        if (self->state.coordinators.emplace(addr, job).second)
          self->monitor(addr);
      }
      auto promise = self->make_response_promise<protocol::system_info>();
      self->request(self->state.locals.inventory, caf::infinite, lookup_atom::value, system)
        .then(
          [=](system_actor& sys) mutable {
            self->state.held[job].push_back(sys);
            self->request(sys, caf::infinite, reserve_atom::value, job)
              .then([=](protocol::system_info& info) mutable { promise.deliver(std::move(info)); },
                    [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
          },
          [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
    [=](prepare_atom, std::string& coordinator,
        protocol::reference_point& rp) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      self
        ->request(self->state.locals.store, caf::infinite, persistence::prepare_member_atom::value,
                  std::move(coordinator), std::move(rp))
        .then(
          [=](ack_atom) mutable {
            crash_at(failpoint::member_prepared);
            promise.deliver(ack_atom::value);
          },
          [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
    [=](prepare_atom, std::string& coordinator, std::string& job,
        std::string& rpc) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      self
        ->request(self->state.locals.store, caf::infinite, persistence::prepare_destroy_atom::value,
                  std::move(coordinator), std::move(job), std::move(rpc))
        .then([=](std::uint64_t) mutable { promise.deliver(ack_atom::value); },
              [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
    [=](decide_atom, std::string& job, bool commit) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      apply(self, job, commit, [=](caf::error err) mutable {
        release(self, job);
        if (err)
          promise.deliver(std::move(err)); // still in doubt: the next round resolves it
        else
          promise.deliver(ack_atom::value);
      });
      return promise;
    },
    [=](check_atom, const member_check& check) -> caf::result<ack_atom> {
      auto kind = check.kind;
      auto promise = self->make_response_promise<ack_atom>();
      self->request(self->state.locals.inventory, caf::infinite, lookup_atom::value, check.system)
        .then(
          [=](system_actor& sys) mutable {
            self->request(sys, caf::infinite, check_atom::value, kind)
              .then([=](ack_atom) mutable { promise.deliver(ack_atom::value); },
                    [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
          },
          [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
    [=](resolve_atom) {
      resolve(self);
      self->delayed_send(self, self->state.locals.resolve_interval, resolve_atom::value);
    },
  };
}

} // namespace refpoint::actors
