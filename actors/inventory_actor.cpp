#include "actors/inventory_actor.hpp"

#include "actors/collection_actor.hpp"
#include "actors/file_disks.hpp"
#include "actors/op_error.hpp"
#include "actors/system_actor.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <functional>
#include <memory>

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

void add_collection(self_ptr self, protocol::collection_info info) {
  auto id = info.id;
  auto actor =
    self->spawn<caf::linked>(collection_actor_impl, id, self->state.store, self->state.settings);
  self->state.collections[id] = {std::move(info), std::move(actor)};
}

/// The system actors of `names`, in the same order; a null actor for a member on another
/// node (in a cluster). Empty when one is unknown outside a cluster.
std::optional<std::vector<system_actor>> owners_of(self_ptr self,
                                                   const std::vector<std::string>& names) {
  std::vector<system_actor> out;
  for (const auto& n : names) {
    auto i = self->state.systems.find(n);
    if (i != self->state.systems.end())
      out.push_back(i->second);
    else if (self->state.cluster)
      out.emplace_back(); // its job finds it on its node
    else
      return std::nullopt;
  }
  return out;
}

caf::error unknown_system(const std::string& name, std::string field) {
  return make_error(op_errc::not_found, "system '" + name + "' does not exist", std::move(field));
}

/// Checks that every system of `names` exists, here or (in a cluster) on another node, then
/// calls `done` with the first failure (not_found naming `field_of(i)`, or the lookup's
/// error) or none.
void check_systems_exist(self_ptr self, const std::vector<std::string>& names,
                         std::function<std::string(std::size_t)> field_of,
                         std::function<void(caf::error)> done) {
  struct tally {
    std::size_t pending = 1;
    std::size_t first_index = 0;
    caf::error first;
    std::function<void(caf::error)> done;
  };
  auto t = std::make_shared<tally>();
  t->done = std::move(done);
  auto answered = [t](std::size_t index, caf::error err) {
    if (err && (!t->first || index < t->first_index)) {
      t->first = std::move(err);
      t->first_index = index;
    }
    if (--t->pending == 0)
      t->done(std::move(t->first));
  };
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (self->state.systems.count(names[i]) > 0)
      continue;
    if (!self->state.cluster) {
      answered(i, unknown_system(names[i], field_of(i)));
      continue;
    }
    ++t->pending;
    auto name = names[i];
    auto field = field_of(i);
    self->request(self->state.cluster, caf::infinite, locate_atom::value, owned_kind::system, name)
      .then(
        [=](std::string& node) {
          answered(i, node.empty() ? unknown_system(name, field) : caf::error{});
        },
        [=](caf::error& err) {
          auto failure = describe(err);
          answered(i, make_error(failure.code, failure.message, field));
        });
  }
  answered(names.size(), {});
}

using collection_promise = caf::typed_response_promise<protocol::collection_info>;

/// Stores `info` as the collection's new membership; answers it once committed. The
/// in-memory copy changes at once (so concurrent edits compose) and is put back on failure.
void store_membership(self_ptr self, protocol::collection_info info,
                      protocol::collection_info previous, collection_promise promise) {
  self->state.collections[info.id].info = info;
  self->request(self->state.store, caf::infinite, persistence::put_collection_atom::value, info)
    .then([=](ack_atom) mutable { promise.deliver(info); },
          [=](caf::error& err) mutable {
            self->state.collections[previous.id].info = previous;
            promise.deliver(write_failure("the collection could not be stored", err));
          });
}

caf::error unknown_collection(const std::string& id) {
  return make_error(op_errc::not_found, "collection '" + id + "' does not exist", "Collection");
}

void fail_orphaned_job(self_ptr self, job_record rec) {
  auto now = protocol::now_us();
  rec.state = protocol::job_state::exception;
  rec.status = "Failed";
  rec.error_code = 32768;
  rec.error_description = "'" + rec.request.target + "' no longer exists";
  rec.error_summary = "The reference point could not be created.";
  rec.finished_at = now;
  rec.last_state_change = now;
  rec.cancellable = false;
  self->request(self->state.store, caf::infinite, persistence::update_job_atom::value, rec)
    .then([](ack_atom) {}, [](caf::error&) {});
}

} // namespace

inventory_actor::behavior_type
inventory_actor_impl(self_ptr self, std::vector<system_info> systems,
                     std::vector<protocol::collection_info> collections,
                     persistence::store_actor store, runtime_settings settings) {
  self->state.store = std::move(store);
  self->state.settings = settings;
  for (auto& info : systems)
    add_system(self, std::move(info));
  for (auto& info : collections)
    add_collection(self, std::move(info));
  self->send(self, purge_atom::value);
  return {
    [=](create_system_atom, system_info& info) -> caf::result<system_info> {
      auto& st = self->state;
      if (info.name.empty())
        info.name = protocol::new_guid();
      if (st.systems.count(info.name) > 0 || st.pending.count(info.name) > 0)
        return make_error(op_errc::conflict, "a system named '" + info.name + "' already exists",
                          "name");
      if (auto err = register_file_disks(st.settings.files.get(), info))
        return err;
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
            promise.deliver(write_failure("the system could not be stored", err));
          });
      return promise;
    },
    [=](create_rp_atom, protocol::create_request& req,
        std::string& idempotency_key) -> caf::result<job_record> {
      auto i = self->state.systems.find(req.target);
      if (i == self->state.systems.end())
        return make_error(op_errc::not_found, "system '" + req.target + "' does not exist",
                          "AffectedSystem");
      return self->delegate(i->second, create_rp_atom::value, std::move(req),
                            std::move(idempotency_key));
    },
    [=](create_collection_atom,
        protocol::collection_info& info) -> caf::result<protocol::collection_info> {
      auto& st = self->state;
      if (info.id.empty())
        info.id = protocol::new_guid();
      if (st.collections.count(info.id) > 0)
        return make_error(op_errc::conflict, "a collection '" + info.id + "' already exists", "id");
      auto members = info.members; // as given: an unknown one is named by its place here
      // Jobs reserve members in this order: it must be ascending Name order, or overlapping
      // collections could deadlock.
      std::sort(info.members.begin(), info.members.end());
      info.members.erase(std::unique(info.members.begin(), info.members.end()), info.members.end());
      if (info.created_at == 0)
        info.created_at = protocol::now_us();
      add_collection(self, info); // reserves the id; removed again if it cannot be stored
      auto promise = self->make_response_promise<protocol::collection_info>();
      auto drop = [=](caf::error err) mutable {
        if (auto i = self->state.collections.find(info.id); i != self->state.collections.end()) {
          self->send_exit(i->second.actor, caf::exit_reason::user_shutdown);
          self->state.collections.erase(i);
        }
        promise.deliver(std::move(err));
      };
      check_systems_exist(
        self, members, [](std::size_t i) { return "members[" + std::to_string(i) + "]"; },
        [=](caf::error missing) mutable {
          if (missing)
            return drop(std::move(missing));
          self
            ->request(self->state.store, caf::infinite, persistence::put_collection_atom::value,
                      info)
            .then([=](ack_atom) mutable { promise.deliver(info); },
                  [=](caf::error& err) mutable {
                    drop(write_failure("the collection could not be stored", err));
                  });
        });
      return promise;
    },
    [=](remove_collection_atom, std::string& id) -> caf::result<ack_atom> {
      auto i = self->state.collections.find(id);
      if (i == self->state.collections.end())
        return unknown_collection(id);
      auto promise = self->make_response_promise<ack_atom>();
      self
        ->request(self->state.store, caf::infinite, persistence::delete_collection_atom::value, id)
        .then(
          [=](ack_atom) mutable {
            // Jobs already running finish; the actor stays linked (retired) so that
            // shutdown still takes it and them down.
            auto j = self->state.collections.find(id);
            if (j != self->state.collections.end()) {
              self->state.retired.emplace(id, j->second.actor);
              self->state.collections.erase(j);
            }
            promise.deliver(ack_atom::value);
          },
          [=](caf::error& err) mutable { promise.deliver(err); });
      return promise;
    },
    [=](add_member_atom, std::string& id,
        std::string& system) -> caf::result<protocol::collection_info> {
      auto i = self->state.collections.find(id);
      if (i == self->state.collections.end())
        return unknown_collection(id);
      auto promise = self->make_response_promise<protocol::collection_info>();
      check_systems_exist(
        self, {system}, [](std::size_t) { return std::string{"systemId"}; },
        [=](caf::error missing) mutable {
          auto j = self->state.collections.find(id);
          if (missing || j == self->state.collections.end()) {
            promise.deliver(missing ? std::move(missing) : unknown_collection(id));
            return; // unknown member, or the collection was deleted meanwhile
          }
          auto info = j->second.info;
          auto at = std::lower_bound(info.members.begin(), info.members.end(), system);
          if (at != info.members.end() && *at == system) {
            promise.deliver(info); // already a member: PUT is idempotent
            return;
          }
          auto previous = info;
          info.members.insert(at, system);
          store_membership(self, std::move(info), std::move(previous), promise);
        });
      return promise;
    },
    [=](remove_member_atom, std::string& id,
        std::string& system) -> caf::result<protocol::collection_info> {
      auto i = self->state.collections.find(id);
      if (i == self->state.collections.end())
        return unknown_collection(id);
      auto info = i->second.info;
      auto previous = info;
      auto gone = std::remove(info.members.begin(), info.members.end(), system);
      if (gone == info.members.end())
        return make_error(op_errc::not_found,
                          "system '" + system + "' is not a member of collection '" + id + "'",
                          "systemId");
      info.members.erase(gone, info.members.end());
      auto promise = self->make_response_promise<protocol::collection_info>();
      store_membership(self, std::move(info), std::move(previous), promise);
      return promise;
    },
    [=](create_crp_atom, protocol::create_request& req,
        std::string& idempotency_key) -> caf::result<job_record> {
      auto i = self->state.collections.find(req.target);
      if (i == self->state.collections.end())
        return unknown_collection(req.target);
      const auto& names = i->second.info.members;
      auto owners = owners_of(self, names);
      if (!owners)
        return make_error(op_errc::invalid_state, "a member of the collection no longer exists",
                          "Collection");
      return self->delegate(i->second.actor, create_rp_atom::value, std::move(req),
                            std::move(idempotency_key), names, std::move(*owners),
                            self->state.cluster);
    },
    [=](destroy_atom, std::string& owner, std::string& id,
        std::string& idempotency_key) -> caf::result<job_record> {
      if (auto i = self->state.systems.find(owner); i != self->state.systems.end())
        return self->delegate(i->second, destroy_atom::value, std::move(id),
                              std::move(idempotency_key));
      if (auto i = self->state.collections.find(owner); i != self->state.collections.end())
        return self->delegate(i->second.actor, destroy_atom::value, std::move(id),
                              std::move(idempotency_key), self->state.cluster);
      return make_error(op_errc::invalid_state,
                        "the owner '" + owner + "' of '" + id + "' no longer exists");
    },
    [](ready_atom) { return ack_atom::value; },
    [=](lookup_atom, const std::string& name) -> caf::result<system_actor> {
      auto i = self->state.systems.find(name);
      if (i == self->state.systems.end())
        return unknown_system(name, "AffectedSystem");
      return i->second;
    },
    [=](cluster_atom, node_actor& node) { self->state.cluster = std::move(node); },
    [=](owned_atom) {
      ownership out;
      out.systems.reserve(self->state.systems.size());
      for (const auto& [name, actor] : self->state.systems)
        out.systems.push_back(name);
      for (const auto& [id, entry] : self->state.collections)
        out.collections.push_back(id);
      std::sort(out.systems.begin(), out.systems.end());
      std::sort(out.collections.begin(), out.collections.end());
      return out;
    },
    [=](purge_atom) {
      self
        ->request(self->state.store, caf::infinite, persistence::purge_jobs_atom::value,
                  protocol::now_us())
        .then([](std::uint64_t) {}, [](caf::error&) {});
      self->delayed_send(self, std::chrono::minutes{1}, purge_atom::value);
    },
    [=](cancel_atom, std::string& target, std::string& job_id,
        protocol::job_state state) -> caf::result<ack_atom> {
      if (auto i = self->state.systems.find(target); i != self->state.systems.end())
        return self->delegate(i->second, cancel_atom::value, std::move(job_id), state);
      if (auto i = self->state.collections.find(target); i != self->state.collections.end())
        return self->delegate(i->second.actor, cancel_atom::value, std::move(job_id), state);
      if (auto i = self->state.retired.find(target); i != self->state.retired.end())
        return self->delegate(i->second, cancel_atom::value, std::move(job_id), state);
      return make_error(op_errc::invalid_state, "job " + job_id + " has no running owner");
    },
    [=](requeue_atom, job_record& rec) {
      const auto& target = rec.request.target;
      if (auto i = self->state.systems.find(target); i != self->state.systems.end())
        return self->send(i->second, requeue_atom::value, std::move(rec));
      auto i = self->state.collections.find(target);
      auto owners =
        i == self->state.collections.end() ? std::nullopt : owners_of(self, i->second.info.members);
      if (!owners)
        return fail_orphaned_job(self, std::move(rec));
      self->send(i->second.actor, requeue_atom::value, std::move(rec), i->second.info.members,
                 std::move(*owners), self->state.cluster);
    },
  };
}

} // namespace refpoint::actors
