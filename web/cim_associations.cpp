#include "web/cim_associations.hpp"

#include "actors/op_error.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/cim_json.hpp"
#include "protocol/guid.hpp"
#include "protocol/object_path.hpp"
#include "web/actor_call.hpp"

#include <caf/all.hpp>

#include <functional>
#include <memory>
#include <type_traits>

namespace refpoint::web {

namespace {

using protocol::collection_info;
using protocol::collection_reference_point;
using protocol::job_record;
using protocol::reference_point;
using protocol::system_info;
using instance = boost::json::object;
using actor_ptr = caf::event_based_actor*;

constexpr std::string_view affected_job_element = "Msvm_AffectedJobElement";
constexpr std::string_view rp_of_system = "Msvm_ReferencePointOfVirtualSystem";
constexpr std::string_view rp_of_collection = "Msvm_ReferencePointOfVirtualSystemCollection";
constexpr std::string_view collected_systems = "Msvm_CollectedVirtualSystems";
constexpr std::string_view collected_rps = "Msvm_CollectedReferencePoints";

/// Loads the instance at the other end; answers nullopt when it is gone.
using loader = std::function<void(actor_ptr, std::function<void(std::optional<instance>)>)>;

/// One association of the object: its class, its instance, the other end's class and loader.
struct link {
  std::string_view assoc;
  instance association;
  std::string_view other_class;
  loader load_other;
};

struct query_filter {
  bool references = false;
  std::string result_class; ///< associators: class of the other end; references: assoc class
  std::string assoc_class;  ///< associators only

  bool keeps(const link& l) const {
    auto assoc_wanted = references ? result_class : assoc_class;
    bool assoc_ok =
      assoc_wanted.empty() || iequals(assoc_wanted, l.assoc) ||
      (l.assoc == affected_job_element && iequals(assoc_wanted, "CIM_AffectedJobElement"));
    return assoc_ok && (references || result_class.empty() || iequals(result_class, l.other_class));
  }
};

/// The objects a node actor finds on its peers (`find_atom`).
template <class Atom>
constexpr bool found_on_peers =
  std::is_same_v<Atom, persistence::get_system_atom> ||
  std::is_same_v<Atom, persistence::get_rp_atom> || std::is_same_v<Atom, persistence::get_rpc_atom>;

/// Asks the query actor for `key`; in a cluster, an object this node does not hold is asked
/// of its peers (a collection spanning nodes has members, and member systems, elsewhere).
/// Calls `done` with the object, or nullopt when no node has it or can say.
template <class Value, class Atom>
void get_anywhere(actor_ptr self, const exchange_ptr& ex, Atom atom, std::string key,
                  std::function<void(std::optional<Value>)> done) {
  const auto& ctx = *ex->ctx;
  self->request(ctx.query, ctx.method_timeout, atom, key)
    .then([=](Value& v) { done(std::move(v)); },
          [=](caf::error& err) {
            if constexpr (found_on_peers<Atom>) {
              if (ex->ctx->clustered && actors::describe(err).code == actors::op_errc::not_found) {
                self
                  ->request(ex->ctx->cluster, ex->ctx->method_timeout, actors::find_atom::value,
                            atom, key)
                  .then([=](Value& v) { done(std::move(v)); },
                        [=](caf::error&) { done(std::nullopt); });
                return;
              }
            }
            done(std::nullopt);
          });
}

/// A loader fetching `key` (here or on a peer) and encoding the answer.
template <class Value, class Atom, class Encode>
loader load(const exchange_ptr& ex, Atom atom, std::string key, Encode encode) {
  return [=](actor_ptr self, std::function<void(std::optional<instance>)> done) {
    get_anywhere<Value>(self, ex, atom, key, [=](std::optional<Value> v) {
      done(v ? std::optional<instance>{instance(encode(*v))} : std::nullopt);
    });
  };
}

/// Answers the links that pass the filter: their association instances, or the instances
/// at their other ends (links whose other end is gone are left out).
void answer_links(actor_ptr self, const exchange_ptr& ex, const query_filter& filter,
                  std::vector<link> links) {
  struct gather {
    exchange_ptr ex;
    boost::json::array items;
    std::size_t pending = 1;
    void done() {
      if (--pending == 0)
        ex->json(http::status::ok, items);
    }
  };
  auto g = std::make_shared<gather>(gather{ex, {}, 1});
  for (auto& l : links) {
    if (!filter.keeps(l))
      continue;
    if (filter.references) {
      g->items.push_back(std::move(l.association));
      continue;
    }
    ++g->pending;
    l.load_other(self, [g](std::optional<instance> other) {
      if (other)
        g->items.push_back(std::move(*other));
      g->done();
    });
  }
  g->done();
}

/// Links from an affected element's path to the element (reference point or collection rp).
std::optional<link> affected_link(const exchange_ptr& ex, const job_record& job,
                                  const protocol::affected_element& el) {
  auto path = protocol::parse_object_path(el.element_path);
  if (!path)
    return std::nullopt;
  const auto& p = path.value();
  auto assoc = protocol::cim_affected_job_element(job, el);
  if (p.is_class("Msvm_VirtualSystemReferencePoint"))
    return link{affected_job_element, assoc, "Msvm_VirtualSystemReferencePoint",
                load<reference_point>(ex, persistence::get_rp_atom::value,
                                      p.key("InstanceID").value_or(""),
                                      protocol::cim_reference_point)};
  if (p.is_class("Msvm_ReferencePointCollection"))
    return link{affected_job_element, assoc, "Msvm_ReferencePointCollection",
                load<collection_reference_point>(ex, persistence::get_rpc_atom::value,
                                                 p.key("CollectionID").value_or(""),
                                                 protocol::cim_reference_point_collection)};
  return std::nullopt;
}

/// The link from a creating job to what it created, loading the job.
link job_link(const exchange_ptr& ex, instance association, std::string job_id) {
  return link{
    affected_job_element, std::move(association), "Msvm_ConcreteJob",
    load<job_record>(ex, persistence::get_job_atom::value, std::move(job_id),
                     [](const job_record& j) { return protocol::cim_job(j, protocol::now_us()); })};
}

/// Fetches the object with `atom`/`key`, then answers the links `make(self, object)` builds.
template <class Value, class Atom, class Make>
void from_object(const exchange_ptr& ex, Atom atom, std::string key, Make make) {
  with_actor(ex->ctx->system, [=](actor_ptr self) {
    self->request(ex->ctx->query, ex->ctx->method_timeout, atom, key)
      .then([=](Value& object) { make(self, object); }, [ex](caf::error& err) { ex->fail(err); });
  });
}

void of_job(const exchange_ptr& ex, const query_filter& f, std::string id) {
  from_object<job_record>(ex, persistence::get_job_atom::value, id,
                          [=](actor_ptr self, const job_record& job) {
                            std::vector<link> links;
                            for (const auto& el : job.affected)
                              if (auto l = affected_link(ex, job, el))
                                links.push_back(std::move(*l));
                            answer_links(self, ex, f, std::move(links));
                          });
}

void of_system(const exchange_ptr& ex, const query_filter& f, std::string name) {
  from_object<system_info>(
    ex, persistence::get_system_atom::value, name, [=](actor_ptr self, const system_info&) {
      self
        ->request(ex->ctx->query, ex->ctx->method_timeout, persistence::list_rps_atom::value, name)
        .then(
          [=](std::vector<reference_point>& rps) {
            std::vector<link> links;
            for (const auto& rp : rps) {
              auto encoded = protocol::cim_reference_point(rp);
              links.push_back({rp_of_system, protocol::cim_reference_point_of_system(rp),
                               "Msvm_VirtualSystemReferencePoint",
                               [encoded](actor_ptr, auto done) { done(encoded); }});
            }
            answer_links(self, ex, f, std::move(links));
          },
          [ex](caf::error& err) { ex->fail(err); });
    });
}

void of_reference_point(const exchange_ptr& ex, const query_filter& f, std::string id) {
  from_object<reference_point>(
    ex, persistence::get_rp_atom::value, id, [=](actor_ptr self, const reference_point& rp) {
      std::vector<link> links;
      links.push_back({rp_of_system, protocol::cim_reference_point_of_system(rp),
                       "Msvm_ComputerSystem",
                       load<system_info>(ex, persistence::get_system_atom::value, rp.system_name,
                                         protocol::cim_system)});
      job_record creator;
      creator.id = rp.job_id;
      protocol::affected_element el{protocol::reference_point_path(rp.id, rp.system_name),
                                    protocol::element_effects::create};
      if (!rp.job_id.empty())
        links.push_back(job_link(ex, protocol::cim_affected_job_element(creator, el), rp.job_id));
      if (!rp.collection_rp_id.empty()) {
        collection_reference_point owner;
        owner.id = rp.collection_rp_id;
        links.push_back({collected_rps, protocol::cim_collected_reference_point(owner, rp),
                         "Msvm_ReferencePointCollection",
                         load<collection_reference_point>(
                           ex, persistence::get_rpc_atom::value, rp.collection_rp_id,
                           protocol::cim_reference_point_collection)});
      }
      answer_links(self, ex, f, std::move(links));
    });
}

void of_collection(const exchange_ptr& ex, const query_filter& f, std::string id) {
  from_object<collection_info>(
    ex, persistence::get_collection_atom::value, id,
    [=](actor_ptr self, const collection_info& coll) {
      self->request(ex->ctx->query, ex->ctx->method_timeout, persistence::list_rpcs_atom::value, id)
        .then(
          [=](std::vector<collection_reference_point>& rpcs) {
            std::vector<link> links;
            for (const auto& name : coll.members)
              links.push_back({collected_systems,
                               protocol::cim_collected_virtual_system(coll, name),
                               "Msvm_ComputerSystem",
                               load<system_info>(ex, persistence::get_system_atom::value, name,
                                                 protocol::cim_system)});
            for (const auto& rpc : rpcs) {
              auto encoded = protocol::cim_reference_point_collection(rpc);
              links.push_back({rp_of_collection, protocol::cim_reference_point_of_collection(rpc),
                               "Msvm_ReferencePointCollection",
                               [encoded](actor_ptr, auto done) { done(encoded); }});
            }
            answer_links(self, ex, f, std::move(links));
          },
          [ex](caf::error& err) { ex->fail(err); });
    });
}

void of_collection_rp(const exchange_ptr& ex, const query_filter& f, std::string id) {
  from_object<collection_reference_point>(
    ex, persistence::get_rpc_atom::value, id,
    [=](actor_ptr self, const collection_reference_point& rpc) {
      // Member paths name their systems: load the members before building the links.
      struct members_state {
        std::vector<reference_point> found;
        std::size_t pending;
      };
      auto m = std::make_shared<members_state>(members_state{{}, rpc.member_ids.size() + 1});
      auto build = [=] {
        if (--m->pending != 0)
          return;
        std::vector<link> links;
        for (const auto& member : m->found) {
          auto encoded = protocol::cim_reference_point(member);
          links.push_back({collected_rps, protocol::cim_collected_reference_point(rpc, member),
                           "Msvm_VirtualSystemReferencePoint",
                           [encoded](actor_ptr, auto done) { done(encoded); }});
        }
        links.push_back({rp_of_collection, protocol::cim_reference_point_of_collection(rpc),
                         "Msvm_VirtualSystemCollection",
                         load<collection_info>(ex, persistence::get_collection_atom::value,
                                               rpc.collection_id, protocol::cim_collection)});
        job_record creator;
        creator.id = rpc.job_id;
        protocol::affected_element el{protocol::collection_reference_point_path(rpc.id),
                                      protocol::element_effects::create};
        if (!rpc.job_id.empty())
          links.push_back(
            job_link(ex, protocol::cim_affected_job_element(creator, el), rpc.job_id));
        answer_links(self, ex, f, std::move(links));
      };
      for (const auto& member_id : rpc.member_ids)
        get_anywhere<reference_point>(self, ex, persistence::get_rp_atom::value, member_id,
                                      [=](std::optional<reference_point> rp) {
                                        if (rp)
                                          m->found.push_back(std::move(*rp));
                                        build();
                                      });
      build();
    });
}

} // namespace

void answer_associations(const exchange_ptr& ex, bool references) {
  auto object = ex->param("object");
  if (!object || object->empty())
    return ex->problem(http::status::bad_request, "query parameter 'object' is required", "object");
  auto path = protocol::parse_object_path(*object);
  if (!path)
    return ex->problem(http::status::bad_request, path.error().message, "object");
  query_filter f{references, ex->param("ResultClass").value_or(""),
                 ex->param("AssocClass").value_or("")};
  const auto& p = path.value();
  auto key = [&](std::string_view name) { return canonical_id(p.key(name).value_or("")); };
  if (p.is_class("Msvm_ConcreteJob") && p.key("InstanceID"))
    return of_job(ex, f, key("InstanceID"));
  if (p.is_class("Msvm_ComputerSystem") && p.key("Name"))
    return of_system(ex, f, key("Name"));
  if (p.is_class("Msvm_VirtualSystemReferencePoint") && p.key("InstanceID"))
    return of_reference_point(ex, f, key("InstanceID"));
  if (p.is_class("Msvm_VirtualSystemCollection") && p.key("InstanceID"))
    return of_collection(ex, f, key("InstanceID"));
  if (p.is_class("Msvm_ReferencePointCollection") && p.key("CollectionID"))
    return of_collection_rp(ex, f, key("CollectionID"));
  ex->problem(http::status::not_found,
              "no associations are known for objects of class '" + p.class_name + "'", "object");
}

} // namespace refpoint::web
