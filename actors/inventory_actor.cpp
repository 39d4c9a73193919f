#include "actors/inventory_actor.hpp"

#include "actors/op_error.hpp"
#include "actors/system_actor.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"

#include <caf/all.hpp>

namespace refpoint::actors {

using protocol::job_record;
using protocol::system_info;
using self_ptr = inventory_actor::stateful_pointer<inventory_actor_state>;

namespace {

void add_system(self_ptr self, system_info info) {
  auto name = info.name;
  auto sys = self->spawn<caf::linked>(system_actor_impl, std::move(info), self->state.store,
                                      self->state.settings);
  self->state.systems.emplace(std::move(name), std::move(sys));
}

void fail_orphaned_job(self_ptr self, job_record rec) {
  auto now = protocol::now_us();
  rec.state = protocol::job_state::exception;
  rec.status = "Failed";
  rec.error_code = 32768;
  rec.error_description = "system '" + rec.request.target + "' no longer exists";
  rec.error_summary = "The reference point could not be created.";
  rec.finished_at = now;
  rec.last_state_change = now;
  rec.cancellable = false;
  self->request(self->state.store, caf::infinite, persistence::update_job_atom::value, rec)
    .then([](ack_atom) {}, [](caf::error&) {});
}

} // namespace

inventory_actor::behavior_type inventory_actor_impl(self_ptr self, std::vector<system_info> systems,
                                                    persistence::store_actor store,
                                                    runtime_settings settings) {
  self->state.store = std::move(store);
  self->state.settings = settings;
  for (auto& info : systems)
    add_system(self, std::move(info));
  return {
    [=](create_system_atom, system_info& info) -> caf::result<system_info> {
      auto& st = self->state;
      if (info.name.empty())
        info.name = protocol::new_guid();
      if (st.systems.count(info.name) > 0 || st.pending.count(info.name) > 0)
        return make_error(op_errc::conflict, "a system named '" + info.name + "' already exists",
                          "name");
      if (info.created_at == 0)
        info.created_at = protocol::now_us();
      st.pending.insert(info.name);
      auto promise = self->make_response_promise<system_info>();
      self->request(st.store, caf::infinite, persistence::put_system_atom::value, info)
        .then(
          [=](ack_atom) mutable {
            self->state.pending.erase(info.name);
            add_system(self, info);
            promise.deliver(info);
          },
          [=](caf::error& err) mutable {
            self->state.pending.erase(info.name);
            promise.deliver(make_error(op_errc::failed,
                                       "the system could not be stored: " + caf::to_string(err)));
          });
      return promise;
    },
    [=](create_rp_atom, protocol::create_request& req) -> caf::result<job_record> {
      auto i = self->state.systems.find(req.target);
      if (i == self->state.systems.end())
        return make_error(op_errc::not_found, "system '" + req.target + "' does not exist",
                          "AffectedSystem");
      return self->delegate(i->second, create_rp_atom::value, std::move(req));
    },
    [=](requeue_atom, job_record& rec) {
      auto i = self->state.systems.find(rec.request.target);
      if (i == self->state.systems.end())
        fail_orphaned_job(self, std::move(rec));
      else
        self->send(i->second, requeue_atom::value, std::move(rec));
    },
  };
}

} // namespace refpoint::actors
