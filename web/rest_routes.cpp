// The `/api/v1` surface for systems, reference points and jobs: resource-style JSON in
// camelCase, problem+json errors (DESIGN §4). Collections: rest_collection_routes.cpp.

#include "protocol/cim_datetime.hpp"
#include "protocol/job_query.hpp"
#include "protocol/rest_json.hpp"
#include "web/job_control.hpp"
#include "web/rest_support.hpp"

namespace refpoint::web {

namespace {

using protocol::job_record;
using protocol::reference_point;
using protocol::system_info;

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
  protocol::create_request req{.target = std::move(name),
                               .kind = call.value().kind,
                               .element_name = call.value().element_name,
                               .consistency = call.value().consistency};
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex](job_record& job) { reply_job_started(*ex, job); },
    [ex](caf::error& err) { ex->fail(err); }, actors::create_rp_atom::value, std::move(req),
    std::move(*key));
}

void list_reference_points(const exchange_ptr& ex, std::string name) {
  // The system must exist: an unknown one is 404, not an empty list.
  with_actor(ex->ctx->system, [ex, name](caf::event_based_actor* self) {
    self
      ->request(ex->ctx->query, ex->ctx->method_timeout, persistence::get_system_atom::value, name)
      .then(
        [=](system_info&) {
          self
            ->request(ex->ctx->query, ex->ctx->method_timeout, persistence::list_rps_atom::value,
                      name)
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

} // namespace

void destroy(const exchange_ptr& ex, std::string id, bool collection) {
  auto key = idempotency_key(*ex);
  if (!key)
    return;
  destroy_reference_point(
    ex, std::move(id), collection, std::move(*key),
    [ex](job_record& job) { reply_job_started(*ex, job); },
    [ex](caf::error& err) { ex->fail(err); });
}

bool route_rest(const exchange_ptr& ex) {
  std::vector<std::string> p(ex->path.begin() + 2, ex->path.end());
  const auto& query = ex->ctx->query;
  if (p.size() == 1 && p[0] == "systems") {
    serve(ex, {.get =
                 [=] {
                   answer<std::vector<system_info>>(
                     ex, query, http::status::ok,
                     [](const auto& v) { return items_of(v, protocol::rest_system); },
                     persistence::list_systems_atom::value);
                 },
               .post = [=] { create_system(ex); }});
    return true;
  }
  if (p.size() == 2 && p[0] == "systems") {
    auto name = canonical_id(p[1]);
    serve(ex, {.get = [=] {
            answer<system_info>(ex, query, http::status::ok, protocol::rest_system,
                                persistence::get_system_atom::value, name);
          }});
    return true;
  }
  if (p.size() == 3 && p[0] == "systems" && p[2] == "reference-points") {
    auto name = canonical_id(p[1]);
    serve(ex, {.get = [=] { list_reference_points(ex, name); },
               .post = [=] { create_reference_point(ex, name); }});
    return true;
  }
  if (p.size() == 2 && p[0] == "reference-points") {
    auto id = canonical_id(p[1]);
    serve(ex, {.get =
                 [=] {
                   answer<reference_point>(ex, query, http::status::ok,
                                           protocol::rest_reference_point,
                                           persistence::get_rp_atom::value, id);
                 },
               .del = [=] { destroy(ex, id, false); }});
    return true;
  }
  if (p.size() == 1 && p[0] == "jobs") {
    serve(ex, {.get = [=] { list_jobs(ex); }});
    return true;
  }
  if (p.size() == 2 && p[0] == "jobs") {
    auto id = canonical_id(p[1]);
    serve(ex, {.get = [=] {
            read_live_job(ex, id, [ex](job_record& job) {
              ex->json(http::status::ok, protocol::rest_job(job));
            });
          }});
    return true;
  }
  if (p.size() == 3 && p[0] == "jobs" && p[2] == "cancel") {
    auto id = canonical_id(p[1]);
    serve(ex, {.post = [=] { cancel(ex, id); }});
    return true;
  }
  return route_rest_collections(ex, p);
}

} // namespace refpoint::web
