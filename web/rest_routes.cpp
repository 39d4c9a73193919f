// The `/api/v1` surface: resource-style JSON in camelCase, problem+json errors (DESIGN §4).

#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"
#include "protocol/job_query.hpp"
#include "protocol/rest_json.hpp"
#include "web/actor_call.hpp"
#include "web/exchange.hpp"
#include "web/job_control.hpp"

#include <caf/all.hpp>

namespace refpoint::web {

namespace {

using persistence::get_system_atom;
using persistence::list_rps_atom;
using persistence::list_systems_atom;
using protocol::job_record;
using protocol::reference_point;
using protocol::system_info;

std::string canonical_id(const std::string& id) {
  return protocol::is_guid(id) ? protocol::canonical_guid(id) : id;
}

/// POST bodies must be declared JSON (415 otherwise) and parse (400 otherwise).
std::optional<boost::json::value> json_body(const exchange& ex) {
  auto type = ex.req[http::field::content_type];
  auto essence = type.substr(0, type.find(';'));
  while (!essence.empty() && essence.back() == ' ')
    essence.remove_suffix(1);
  if (!iequals(essence, "application/json")) {
    ex.problem(http::status::unsupported_media_type, "the request body must be application/json",
               "Content-Type");
    return std::nullopt;
  }
  return parse_json_body(ex);
}

void reply_invalid(const exchange& ex, const protocol::failure& f) {
  ex.problem(f.code == protocol::return_code::not_supported ? http::status::unprocessable_entity
                                                            : http::status::bad_request,
             f.message, f.field);
}

template <class T, class Encode>
boost::json::object items_of(const std::vector<T>& values, Encode encode) {
  boost::json::array items;
  for (const auto& v : values)
    items.push_back(encode(v));
  return {{"items", std::move(items)}};
}

void list_systems(const exchange_ptr& ex) {
  call_actor(
    ex->ctx->system, ex->ctx->query, ex->ctx->method_timeout,
    [ex](std::vector<system_info>& systems) {
      ex->json(http::status::ok, items_of(systems, protocol::rest_system));
    },
    [ex](caf::error& err) { ex->fail(err); }, list_systems_atom::value);
}

void create_system(const exchange_ptr& ex) {
  auto body = json_body(*ex);
  if (!body)
    return;
  auto info = protocol::decode_system(*body);
  if (!info)
    return reply_invalid(*ex, info.error());
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex](system_info& created) {
      auto res = json_response(ex->meta, http::status::created, protocol::rest_system(created));
      res.set(http::field::location, "/api/v1/systems/" + created.name);
      ex->reply(std::move(res));
    },
    [ex](caf::error& err) { ex->fail(err); }, actors::create_system_atom::value,
    std::move(info).value());
}

void get_system(const exchange_ptr& ex, std::string name) {
  call_actor(
    ex->ctx->system, ex->ctx->query, ex->ctx->method_timeout,
    [ex](system_info& sys) { ex->json(http::status::ok, protocol::rest_system(sys)); },
    [ex](caf::error& err) { ex->fail(err); }, get_system_atom::value, std::move(name));
}

void create_reference_point(const exchange_ptr& ex, std::string name) {
  auto key = idempotency_key(*ex);
  if (!key)
    return;
  auto body = json_body(*ex);
  if (!body)
    return;
  auto call = protocol::decode_create_rp(*body);
  if (!call)
    return reply_invalid(*ex, call.error());
  protocol::create_request req{std::move(name), call.value().kind, call.value().element_name,
                               call.value().consistency};
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex](job_record& job) {
      auto res = json_response(ex->meta, http::status::accepted, protocol::rest_job(job));
      res.set(http::field::location, "/api/v1/jobs/" + job.id);
      ex->reply(std::move(res));
    },
    [ex](caf::error& err) { ex->fail(err); }, actors::create_rp_atom::value, std::move(req),
    std::move(*key));
}

void list_reference_points(const exchange_ptr& ex, std::string name) {
  // The system must exist: an unknown one is 404, not an empty list.
  with_actor(ex->ctx->system, [ex, name](caf::event_based_actor* self) {
    self->request(ex->ctx->query, ex->ctx->method_timeout, get_system_atom::value, name)
      .then(
        [=](system_info&) {
          self->request(ex->ctx->query, ex->ctx->method_timeout, list_rps_atom::value, name)
            .then(
              [ex](std::vector<reference_point>& rps) {
                ex->json(http::status::ok, items_of(rps, protocol::rest_reference_point));
              },
              [ex](caf::error& err) { ex->fail(err); });
        },
        [ex](caf::error& err) { ex->fail(err); });
  });
}

/// `GET /api/v1/jobs?state=&target=&limit=&after=`: oldest first, stable cursor pages.
void list_jobs(const exchange_ptr& ex) {
  auto filter = protocol::decode_job_filter(ex->query);
  if (!filter)
    return reply_invalid(*ex, filter.error());
  const auto& f = filter.value();
  persistence::job_query query{f.state, f.target, f.limit, f.after_seq, protocol::now_us()};
  call_actor(
    ex->ctx->system, ex->ctx->query, ex->ctx->method_timeout,
    [ex](persistence::job_page& page) {
      auto out = items_of(page.items, protocol::rest_job);
      if (page.next_after != 0)
        out["next"] = protocol::encode_cursor(page.next_after);
      ex->json(http::status::ok, out);
    },
    [ex](caf::error& err) { ex->fail(err); }, persistence::list_jobs_atom::value, query);
}

void get_job(const exchange_ptr& ex, std::string id) {
  read_live_job(ex, std::move(id),
                [ex](job_record& job) { ex->json(http::status::ok, protocol::rest_job(job)); });
}

/// `POST /api/v1/jobs/{id}/cancel[?mode=terminate|kill]`: 200 with the stopped job, 409 when
/// it had already finished.
void cancel(const exchange_ptr& ex, std::string id) {
  auto mode = ex->param("mode").value_or("terminate");
  if (mode != "terminate" && mode != "kill")
    return ex->problem(http::status::bad_request,
                       "mode must be \"terminate\" or \"kill\", found \"" + mode + "\"", "mode");
  auto target = mode == "kill" ? protocol::job_state::killed : protocol::job_state::terminated;
  cancel_job(
    ex, std::move(id), target,
    [ex](cancel_outcome outcome, job_record& job) {
      if (outcome == cancel_outcome::already_finished)
        return ex->problem(http::status::conflict, "job " + job.id + " has already finished (" +
                                                     std::string{protocol::to_string(job.state)} +
                                                     ")");
      ex->json(http::status::ok, protocol::rest_job(job));
    },
    [ex](caf::error& err) { ex->fail(err); });
}

void method_not_allowed(const exchange& ex, std::string_view allow) {
  auto res = problem_response(ex.meta, http::status::method_not_allowed,
                              std::string{ex.req.method_string()} + " is not allowed here; use " +
                                std::string{allow});
  res.set(http::field::allow, allow);
  ex.reply(std::move(res));
}

} // namespace

bool route_rest(const exchange_ptr& ex) {
  std::vector<std::string> p(ex->path.begin() + 2, ex->path.end());
  auto method = ex->req.method();
  auto is_get = method == http::verb::get;
  auto is_post = method == http::verb::post;
  if (p.size() == 1 && p[0] == "systems") {
    if (is_get)
      list_systems(ex);
    else if (is_post)
      create_system(ex);
    else
      method_not_allowed(*ex, "GET, POST");
    return true;
  }
  if (p.size() == 2 && p[0] == "systems") {
    if (is_get)
      get_system(ex, canonical_id(p[1]));
    else
      method_not_allowed(*ex, "GET");
    return true;
  }
  if (p.size() == 3 && p[0] == "systems" && p[2] == "reference-points") {
    if (is_get)
      list_reference_points(ex, canonical_id(p[1]));
    else if (is_post)
      create_reference_point(ex, canonical_id(p[1]));
    else
      method_not_allowed(*ex, "GET, POST");
    return true;
  }
  if (p.size() == 1 && p[0] == "jobs") {
    if (is_get)
      list_jobs(ex);
    else
      method_not_allowed(*ex, "GET");
    return true;
  }
  if (p.size() == 3 && p[0] == "jobs" && p[2] == "cancel") {
    if (is_post)
      cancel(ex, canonical_id(p[1]));
    else
      method_not_allowed(*ex, "POST");
    return true;
  }
  if (p.size() == 2 && p[0] == "jobs") {
    if (is_get)
      get_job(ex, canonical_id(p[1]));
    else
      method_not_allowed(*ex, "GET");
    return true;
  }
  return false;
}

} // namespace refpoint::web
