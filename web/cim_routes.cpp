// The `/cim/v2` surface: WMI method and class names, CIM-named JSON (DESIGN §4).
// A call that was understood answers 200 with its ReturnValue; 400 only for a body that
// is not JSON, 404 for an unknown class, method or instance.

#include "actors/op_error.hpp"
#include "protocol/cim_call.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/cim_error.hpp"
#include "protocol/cim_json.hpp"
#include "protocol/guid.hpp"
#include "protocol/job_call.hpp"
#include "protocol/object_path.hpp"
#include "web/actor_call.hpp"
#include "web/exchange.hpp"
#include "web/job_control.hpp"

#include <caf/all.hpp>

namespace refpoint::web {

namespace {

using persistence::get_job_atom;
using persistence::get_rp_atom;
using persistence::get_system_atom;
using persistence::list_rps_atom;
using persistence::list_systems_atom;
using protocol::job_record;
using protocol::reference_point;
using protocol::system_info;

constexpr std::string_view affected_job_element = "Msvm_AffectedJobElement";
constexpr std::string_view rp_of_system = "Msvm_ReferencePointOfVirtualSystem";

/// The answer of a method call that did not start a job.
boost::json::object method_failure(protocol::return_code code, std::string_view message,
                                   std::string_view result_name) {
  return {{"ReturnValue", static_cast<std::uint32_t>(code)},
          {"Job", nullptr},
          {result_name, nullptr},
          {"ErrorDescription", message}};
}

void create_system_reference_point(const exchange_ptr& ex) {
  auto key = idempotency_key(*ex);
  if (!key)
    return;
  auto body = parse_json_body(*ex);
  if (!body)
    return;
  auto call = protocol::decode_system_create_call(*body);
  if (!call) {
    const auto& f = call.error();
    return ex->json(http::status::ok, method_failure(f.code, f.message, "ResultingReferencePoint"));
  }
  protocol::create_request req{call.value().system_name, call.value().kind,
                               call.value().settings.element_name,
                               call.value().settings.consistency};
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex](job_record& job) {
      ex->json(http::status::ok,
               {{"ReturnValue", static_cast<std::uint32_t>(protocol::return_code::job_started)},
                {"Job", protocol::job_path(job.id)},
                {"ResultingReferencePoint", nullptr}});
    },
    [ex](caf::error& err) {
      auto f = actors::describe(err);
      ex->json(http::status::ok, method_failure(actors::to_return_code(f.code), f.message,
                                                "ResultingReferencePoint"));
    },
    actors::create_rp_atom::value, std::move(req), std::move(*key));
}

/// Answers a single instance read from the query actor, 404 when it does not exist.
template <class Value, class Atom, class Encode>
void get_instance(const exchange_ptr& ex, Atom atom, std::string key, Encode encode) {
  call_actor(
    ex->ctx->system, ex->ctx->query, ex->ctx->method_timeout,
    [ex, encode](Value& value) { ex->json(http::status::ok, encode(value)); },
    [ex](caf::error& err) { ex->fail(err); }, atom, std::move(key));
}

void get_job(const exchange_ptr& ex, std::string id) {
  read_live_job(ex, std::move(id), [ex](job_record& job) {
    ex->json(http::status::ok, protocol::cim_job(job, protocol::now_us()));
  });
}

void get_reference_point(const exchange_ptr& ex, std::string id) {
  get_instance<reference_point>(
    ex, get_rp_atom::value, std::move(id),
    [](const reference_point& rp) { return protocol::cim_reference_point(rp); });
}

void get_system(const exchange_ptr& ex, std::string name) {
  get_instance<system_info>(ex, get_system_atom::value, std::move(name),
                            [](const system_info& sys) { return protocol::cim_system(sys); });
}

void list_systems(const exchange_ptr& ex) {
  call_actor(
    ex->ctx->system, ex->ctx->query, ex->ctx->method_timeout,
    [ex](std::vector<system_info>& systems) {
      boost::json::array out;
      for (const auto& s : systems)
        out.push_back(protocol::cim_system(s));
      ex->json(http::status::ok, out);
    },
    [ex](caf::error& err) { ex->fail(err); }, list_systems_atom::value);
}

void list_reference_points(const exchange_ptr& ex) {
  call_actor(
    ex->ctx->system, ex->ctx->query, ex->ctx->method_timeout,
    [ex](std::vector<reference_point>& rps) {
      boost::json::array out;
      for (const auto& rp : rps)
        out.push_back(protocol::cim_reference_point(rp));
      ex->json(http::status::ok, out);
    },
    [ex](caf::error& err) { ex->fail(err); }, list_rps_atom::value, std::string{});
}

/// GUID keys are matched in their canonical upper-case form.
std::string canonical_key(std::string key) {
  return protocol::is_guid(key) ? protocol::canonical_guid(key) : key;
}

// ---- associations ---------------------------------------------------------------------

/// What `associators` and `references` were asked for.
struct association_query {
  bool references = false;  ///< answer association instances instead of the other end
  std::string result_class; ///< associators: class of the other end; references: assoc class
  std::string assoc_class;  ///< associators only
};

bool assoc_allowed(const association_query& q, std::string_view assoc) {
  auto wanted = q.references ? q.result_class : q.assoc_class;
  if (wanted.empty())
    return true;
  // The seed names the association by its CIM parent class as well.
  return iequals(wanted, assoc) ||
         (assoc == affected_job_element && iequals(wanted, "CIM_AffectedJobElement"));
}

bool result_allowed(const association_query& q, std::string_view cls) {
  return q.references || q.result_class.empty() || iequals(q.result_class, cls);
}

/// Collects instances from several requests and answers once all have come back.
struct gather {
  exchange_ptr ex;
  boost::json::array items;
  size_t pending = 0;
  void done() {
    if (--pending == 0)
      ex->json(http::status::ok, items);
  }
};

void associations_of_job(const exchange_ptr& ex, association_query q, std::string id) {
  with_actor(ex->ctx->system, [ex, q, id](caf::event_based_actor* self) {
    self->request(ex->ctx->query, ex->ctx->method_timeout, get_job_atom::value, id)
      .then(
        [=](job_record& job) {
          auto g = std::make_shared<gather>(gather{ex, {}, 1});
          for (const auto& el : job.affected) {
            if (!assoc_allowed(q, affected_job_element))
              continue;
            if (q.references) {
              g->items.push_back(protocol::cim_affected_job_element(job, el));
              continue;
            }
            auto path = protocol::parse_object_path(el.element_path);
            if (!path || !result_allowed(q, path.value().class_name))
              continue;
            auto rp_id = path.value().key("InstanceID").value_or("");
            ++g->pending;
            self->request(ex->ctx->query, ex->ctx->method_timeout, get_rp_atom::value, rp_id)
              .then(
                [g](reference_point& rp) {
                  g->items.push_back(protocol::cim_reference_point(rp));
                  g->done();
                },
                [g](caf::error&) { g->done(); }); // removed since: not associated any more
          }
          g->done();
        },
        [ex](caf::error& err) { ex->fail(err); });
  });
}

void associations_of_system(const exchange_ptr& ex, association_query q, std::string name) {
  with_actor(ex->ctx->system, [ex, q, name](caf::event_based_actor* self) {
    self->request(ex->ctx->query, ex->ctx->method_timeout, get_system_atom::value, name)
      .then(
        [=](system_info&) {
          self->request(ex->ctx->query, ex->ctx->method_timeout, list_rps_atom::value, name)
            .then(
              [=](std::vector<reference_point>& rps) {
                boost::json::array out;
                if (assoc_allowed(q, rp_of_system))
                  for (const auto& rp : rps) {
                    if (q.references)
                      out.push_back(protocol::cim_reference_point_of_system(rp));
                    else if (result_allowed(q, "Msvm_VirtualSystemReferencePoint"))
                      out.push_back(protocol::cim_reference_point(rp));
                  }
                ex->json(http::status::ok, out);
              },
              [ex](caf::error& err) { ex->fail(err); });
        },
        [ex](caf::error& err) { ex->fail(err); });
  });
}

void associations_of_reference_point(const exchange_ptr& ex, association_query q, std::string id) {
  with_actor(ex->ctx->system, [ex, q, id](caf::event_based_actor* self) {
    self->request(ex->ctx->query, ex->ctx->method_timeout, get_rp_atom::value, id)
      .then(
        [=](reference_point& rp) {
          auto g = std::make_shared<gather>(gather{ex, {}, 1});
          if (assoc_allowed(q, rp_of_system)) {
            if (q.references) {
              g->items.push_back(protocol::cim_reference_point_of_system(rp));
            } else if (result_allowed(q, "Msvm_ComputerSystem")) {
              ++g->pending;
              self
                ->request(ex->ctx->query, ex->ctx->method_timeout, get_system_atom::value,
                          rp.system_name)
                .then(
                  [g](system_info& sys) {
                    g->items.push_back(protocol::cim_system(sys));
                    g->done();
                  },
                  [g](caf::error&) { g->done(); });
            }
          }
          if (assoc_allowed(q, affected_job_element) && !rp.job_id.empty() &&
              result_allowed(q, "Msvm_ConcreteJob")) {
            ++g->pending;
            self->request(ex->ctx->query, ex->ctx->method_timeout, get_job_atom::value, rp.job_id)
              .then(
                [g, q](job_record& job) {
                  if (q.references) {
                    for (const auto& el : job.affected)
                      g->items.push_back(protocol::cim_affected_job_element(job, el));
                  } else {
                    g->items.push_back(protocol::cim_job(job, protocol::now_us()));
                  }
                  g->done();
                },
                [g](caf::error&) { g->done(); }); // the job was removed: no association
          }
          g->done();
        },
        [ex](caf::error& err) { ex->fail(err); });
  });
}

void associations(const exchange_ptr& ex, bool references) {
  auto object = ex->param("object");
  if (!object || object->empty())
    return ex->problem(http::status::bad_request, "query parameter 'object' is required", "object");
  auto path = protocol::parse_object_path(*object);
  if (!path)
    return ex->problem(http::status::bad_request, path.error().message, "object");
  association_query q{references, ex->param("ResultClass").value_or(""),
                      ex->param("AssocClass").value_or("")};
  const auto& p = path.value();
  if (p.is_class("Msvm_ConcreteJob") && p.key("InstanceID"))
    return associations_of_job(ex, q, canonical_key(*p.key("InstanceID")));
  if (p.is_class("Msvm_ComputerSystem") && p.key("Name"))
    return associations_of_system(ex, q, canonical_key(*p.key("Name")));
  if (p.is_class("Msvm_VirtualSystemReferencePoint") && p.key("InstanceID"))
    return associations_of_reference_point(ex, q, canonical_key(*p.key("InstanceID")));
  ex->problem(http::status::not_found,
              "no associations are known for objects of class '" + p.class_name + "'", "object");
}

// ---- job methods ----------------------------------------------------------------------

/// `RequestStateChange(RequestedState, TimeoutPeriod)`: 4 Terminate, 5 Kill; other states 1;
/// a job that already finished 4097. Answers once the terminal state is committed (0).
void request_state_change(const exchange_ptr& ex, std::string id) {
  auto body = parse_json_body(*ex);
  if (!body)
    return;
  auto call = protocol::decode_request_state_change(*body);
  auto answer = [ex](protocol::return_code code, std::string_view message = {}) {
    boost::json::object out{{"ReturnValue", static_cast<std::uint32_t>(code)}, {"Job", nullptr}};
    if (!message.empty())
      out["ErrorDescription"] = message;
    ex->json(http::status::ok, out);
  };
  if (!call)
    return answer(call.error().code, call.error().message);
  auto requested = call.value().requested_state;
  if (requested != 4 && requested != 5)
    return answer(protocol::return_code::not_supported,
                  "RequestedState " + std::to_string(requested) +
                    " is not supported: use 4 (Terminate) or 5 (Kill)");
  auto target = requested == 5 ? protocol::job_state::killed : protocol::job_state::terminated;
  cancel_job(
    ex, std::move(id), target,
    [answer](cancel_outcome outcome, job_record& job) {
      if (outcome == cancel_outcome::already_finished)
        return answer(protocol::return_code::invalid_state_transition,
                      "job " + job.id + " has already finished");
      answer(protocol::return_code::completed);
    },
    [ex](caf::error& err) { ex->fail(err); });
}

/// `GetError` → `{ReturnValue, Error}`; `GetErrorEx` → `{ReturnValue, Errors[]}`. The error is
/// an embedded `Msvm_Error` instance, null (empty) for a job that did not fail.
void get_error(const exchange_ptr& ex, std::string id, bool extended) {
  read_live_job(ex, std::move(id), [ex, extended](job_record& job) {
    auto error = protocol::msvm_error_xml(job);
    boost::json::object out{{"ReturnValue", 0}};
    if (extended) {
      boost::json::array errors;
      if (error)
        errors.emplace_back(*error);
      out["Errors"] = std::move(errors);
    } else {
      out["Error"] = error ? boost::json::value(*error) : boost::json::value(nullptr);
    }
    ex->json(http::status::ok, out);
  });
}

// ---- routing --------------------------------------------------------------------------

bool route_post(const exchange_ptr& ex, const std::vector<std::string>& p) {
  if (p.size() == 3 && iequals(p[0], "Msvm_ConcreteJob")) {
    auto id = canonical_key(p[1]);
    if (iequals(p[2], "RequestStateChange"))
      request_state_change(ex, std::move(id));
    else if (iequals(p[2], "GetError"))
      get_error(ex, std::move(id), false);
    else if (iequals(p[2], "GetErrorEx"))
      get_error(ex, std::move(id), true);
    else
      return false;
    return true;
  }
  if (p.size() == 2 && iequals(p[0], "Msvm_VirtualSystemReferencePointService") &&
      iequals(p[1], "CreateReferencePoint")) {
    create_system_reference_point(ex);
    return true;
  }
  return false;
}

bool route_get(const exchange_ptr& ex, const std::vector<std::string>& p) {
  if (p.size() == 1 && iequals(p[0], "associators")) {
    associations(ex, false);
    return true;
  }
  if (p.size() == 1 && iequals(p[0], "references")) {
    associations(ex, true);
    return true;
  }
  if (p.empty() || p.size() > 2)
    return false;
  if (iequals(p[0], "Msvm_ConcreteJob") && p.size() == 2) {
    get_job(ex, canonical_key(p[1]));
    return true;
  }
  if (iequals(p[0], "Msvm_VirtualSystemReferencePoint")) {
    p.size() == 2 ? get_reference_point(ex, canonical_key(p[1])) : list_reference_points(ex);
    return true;
  }
  if (iequals(p[0], "Msvm_ComputerSystem")) {
    p.size() == 2 ? get_system(ex, canonical_key(p[1])) : list_systems(ex);
    return true;
  }
  return false;
}

} // namespace

bool route_cim(const exchange_ptr& ex) {
  std::vector<std::string> p(ex->path.begin() + 2, ex->path.end());
  auto method = ex->req.method();
  bool handled = false;
  if (method == http::verb::post)
    handled = route_post(ex, p);
  else if (method == http::verb::get)
    handled = route_get(ex, p);
  if (!handled)
    ex->problem(http::status::not_found,
                "unknown CIM class, method or instance: '" + std::string{ex->req.target()} + "'");
  return true;
}

} // namespace refpoint::web
