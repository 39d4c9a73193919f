// The `/cim/v2` surface: WMI method and class names, CIM-named JSON (DESIGN §4).
// A call that was understood answers 200 with its ReturnValue; 400 only for a body that
// is not JSON, 404 for an unknown class, method or instance.

#include "actors/op_error.hpp"
#include "protocol/cim_call.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/cim_error.hpp"
#include "protocol/cim_json.hpp"
#include "protocol/destroy_call.hpp"
#include "protocol/guid.hpp"
#include "protocol/job_call.hpp"
#include "protocol/object_path.hpp"
#include "web/actor_call.hpp"
#include "web/cim_associations.hpp"
#include "web/disk_changes_routes.hpp"
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
using protocol::collection_info;
using protocol::collection_reference_point;
using protocol::job_record;
using protocol::reference_point;
using protocol::system_info;

/// The answer of a method call that did not start a job.
boost::json::object method_failure(protocol::return_code code, std::string_view message,
                                   std::string_view result_name) {
  return {{"ReturnValue", static_cast<std::uint32_t>(code)},
          {"Job", nullptr},
          {result_name, nullptr},
          {"ErrorDescription", message}};
}

/// Hands a checked request to the inventory and answers the method's out parameters:
/// 4096 with the job's path, or the return code of the refusal.
template <class Atom>
void start_job(const exchange_ptr& ex, std::string_view result_name, Atom atom,
               protocol::create_request req, std::string key) {
  std::string result{result_name};
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex, result](job_record& job) {
      ex->json(http::status::ok,
               {{"ReturnValue", static_cast<std::uint32_t>(protocol::return_code::job_started)},
                {"Job", protocol::job_path(job.id)},
                {result, nullptr}});
    },
    [ex, result](caf::error& err) {
      auto f = actors::describe(err);
      ex->json(http::status::ok, method_failure(actors::to_return_code(f.code), f.message, result));
    },
    atom, std::move(req), std::move(key));
}

std::string target_of(const protocol::system_create_call& c) {
  return c.system_name;
}
std::string target_of(const protocol::collection_create_call& c) {
  return c.collection_id;
}

/// Both CreateReferencePoint methods: decode with `decode`, then start the job with `atom`.
template <class Decode, class Atom>
void create_reference_point(const exchange_ptr& ex, std::string_view result_name, Decode decode,
                            Atom atom) {
  auto key = idempotency_key(*ex);
  if (!key)
    return;
  auto body = parse_json_body(*ex);
  if (!body)
    return;
  auto call = decode(*body);
  if (!call) {
    const auto& f = call.error();
    return ex->json(http::status::ok, method_failure(f.code, f.message, result_name));
  }
  const auto& c = call.value();
  protocol::create_request req{.target = target_of(c),
                               .kind = c.kind,
                               .element_name = c.settings.element_name,
                               .consistency = c.settings.consistency};
  start_job(ex, result_name, atom, std::move(req), std::move(*key));
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

/// Answers every instance a query returns, encoded, as a JSON array.
template <class Value, class Encode, class... Ts>
void list_instances(const exchange_ptr& ex, Encode encode, Ts... xs) {
  call_actor(
    ex->ctx->system, ex->ctx->query, ex->ctx->method_timeout,
    [ex, encode](std::vector<Value>& values) {
      boost::json::array out;
      for (const auto& v : values)
        out.push_back(encode(v));
      ex->json(http::status::ok, out);
    },
    [ex](caf::error& err) { ex->fail(err); }, std::move(xs)...);
}

/// Both DestroyReferencePoint methods. The virtual-system service answers Hyper-V's return
/// codes (32768 family), the collection service DMTF's (1–6), as in WMI.
template <class Decode>
void destroy(const exchange_ptr& ex, Decode decode, bool collection) {
  auto key = idempotency_key(*ex);
  if (!key)
    return;
  auto body = parse_json_body(*ex);
  if (!body)
    return;
  auto code_of = [collection](protocol::return_code code) -> std::uint32_t {
    return collection ? static_cast<std::uint32_t>(code)
                      : static_cast<std::uint32_t>(protocol::to_hyperv(code));
  };
  auto refuse = [ex, code_of](protocol::return_code code, std::string_view message) {
    ex->json(http::status::ok,
             {{"ReturnValue", code_of(code)}, {"Job", nullptr}, {"ErrorDescription", message}});
  };
  auto call = decode(*body);
  if (!call)
    return refuse(call.error().code, call.error().message);
  destroy_reference_point(
    ex, call.value(), collection, std::move(*key),
    [ex, code_of](job_record& job) {
      ex->json(http::status::ok, {{"ReturnValue", code_of(protocol::return_code::job_started)},
                                  {"Job", protocol::job_path(job.id)}});
    },
    [refuse](caf::error& err) {
      auto f = actors::describe(err);
      refuse(actors::to_return_code(f.code), f.message);
    });
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
    auto id = canonical_id(p[1]);
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
  if (p.size() == 2 && iequals(p[0], "Msvm_ImageManagementService") &&
      iequals(p[1], "GetVirtualDiskChanges")) {
    get_virtual_disk_changes(ex);
    return true;
  }
  if (p.size() == 2 && iequals(p[1], "DestroyReferencePoint")) {
    if (iequals(p[0], "Msvm_VirtualSystemReferencePointService"))
      destroy(ex, protocol::decode_destroy_system_rp_call, false);
    else if (iequals(p[0], "Msvm_CollectionReferencePointService"))
      destroy(ex, protocol::decode_destroy_collection_rp_call, true);
    else
      return false;
    return true;
  }
  if (p.size() != 2 || !iequals(p[1], "CreateReferencePoint"))
    return false;
  if (iequals(p[0], "Msvm_VirtualSystemReferencePointService"))
    create_reference_point(ex, "ResultingReferencePoint", protocol::decode_system_create_call,
                           actors::create_rp_atom::value);
  else if (iequals(p[0], "Msvm_CollectionReferencePointService"))
    create_reference_point(ex, "ResultingReferencePointCollection",
                           protocol::decode_collection_create_call, actors::create_crp_atom::value);
  else
    return false;
  return true;
}

/// `GET /cim/v2/{Class}[/{key}]` for the classes refpoint serves.
bool route_get(const exchange_ptr& ex, const std::vector<std::string>& p) {
  if (p.size() == 1 && iequals(p[0], "associators")) {
    answer_associations(ex, false);
    return true;
  }
  if (p.size() == 1 && iequals(p[0], "references")) {
    answer_associations(ex, true);
    return true;
  }
  if (p.empty() || p.size() > 2)
    return false;
  auto key = p.size() == 2 ? canonical_id(p[1]) : std::string{};
  const auto& cls = p[0];
  if (iequals(cls, "Msvm_ConcreteJob") && p.size() == 2) {
    get_job(ex, key);
  } else if (iequals(cls, "Msvm_VirtualSystemReferencePoint")) {
    if (p.size() == 2)
      get_instance<reference_point>(ex, get_rp_atom::value, key, protocol::cim_reference_point);
    else
      list_instances<reference_point>(ex, protocol::cim_reference_point, list_rps_atom::value,
                                      std::string{});
  } else if (iequals(cls, "Msvm_ComputerSystem")) {
    if (p.size() == 2)
      get_instance<system_info>(ex, get_system_atom::value, key, protocol::cim_system);
    else
      list_instances<system_info>(ex, protocol::cim_system, list_systems_atom::value);
  } else if (iequals(cls, "Msvm_VirtualSystemCollection")) {
    if (p.size() == 2)
      get_instance<collection_info>(ex, persistence::get_collection_atom::value, key,
                                    protocol::cim_collection);
    else
      list_instances<collection_info>(ex, protocol::cim_collection,
                                      persistence::list_collections_atom::value);
  } else if (iequals(cls, "Msvm_ReferencePointCollection")) {
    if (p.size() == 2)
      get_instance<collection_reference_point>(ex, persistence::get_rpc_atom::value, key,
                                               protocol::cim_reference_point_collection);
    else
      list_instances<collection_reference_point>(ex, protocol::cim_reference_point_collection,
                                                 persistence::list_rpcs_atom::value, std::string{});
  } else {
    return false;
  }
  return true;
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
