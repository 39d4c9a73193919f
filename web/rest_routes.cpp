// The `/api/v1` surface for systems, reference points and jobs: resource-style JSON in
// camelCase, problem+json errors (DESIGN §4). Collections: rest_collection_routes.cpp.

#include "protocol/cim_datetime.hpp"
#include "protocol/job_query.hpp"
#include "protocol/rest_json.hpp"
#include "web/disk_changes_routes.hpp"
#include "web/job_control.hpp"
#include "web/rest_support.hpp"

namespace refpoint::web {

namespace {

using protocol::job_record;
using protocol::reference_point;
using protocol::system_info;

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
      if (ex->relayed) { // a page of a cluster listing: where each item is in this node's list
        boost::json::array seqs;
        for (const auto& job : page.items)
          seqs.emplace_back(job.seq);
        out["seqs"] = std::move(seqs);
      }
      ex->json(http::status::ok, out);
    },
    [ex](caf::error& err) { ex->fail(err); }, persistence::list_jobs_atom::value, query);
}

/// `GET /api/v1/cluster`: every node this one knows, itself first.
void list_cluster(const exchange_ptr& ex) {
  call_actor(
    ex->ctx->system, ex->ctx->cluster, ex->ctx->method_timeout,
    [ex](std::vector<actors::member_view>& members) {
      boost::json::array items;
      for (const auto& m : members) {
        auto address = [](const std::string& a) {
          return a.empty() ? boost::json::value(nullptr) : boost::json::value(a);
        };
        items.push_back(boost::json::object{{"node", m.info.name},
                                            {"address", address(m.info.http_address)},
                                            {"clusterAddress", address(m.info.cluster_address)},
                                            {"alive", m.alive},
                                            {"self", m.self},
                                            {"systems", m.systems}});
      }
      ex->json(http::status::ok, boost::json::object{{"items", std::move(items)}});
    },
    [ex](caf::error& err) { ex->fail(err); }, actors::members_atom::value);
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
                     [enc = on_this_node(ex, protocol::rest_system)](const auto& v) {
                       return items_of(v, enc);
                     },
                     persistence::list_systems_atom::value);
                 },
               .post =
                 [=] {
                   create_resource<system_info>(
                     ex, protocol::decode_system, actors::create_system_atom::value,
                     on_this_node(ex, protocol::rest_system), "/api/v1/systems",
                     [](const system_info& s) { return s.name; });
                 }});
    return true;
  }
  if (p.size() == 2 && p[0] == "systems") {
    auto name = canonical_id(p[1]);
    serve(ex, {.get = [=] {
            answer<system_info>(ex, query, http::status::ok,
                                on_this_node(ex, protocol::rest_system),
                                persistence::get_system_atom::value, name);
          }});
    return true;
  }
  if (p.size() == 3 && p[0] == "systems" && p[2] == "reference-points") {
    auto name = canonical_id(p[1]);
    serve(ex, {.get =
                 [=] {
                   list_children<system_info, reference_point>(
                     ex, name, persistence::get_system_atom::value,
                     persistence::list_rps_atom::value, protocol::rest_reference_point);
                 },
               .post = [=] { start_create_job(ex, name, actors::create_rp_atom::value); }});
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
  if (p.size() == 3 && p[0] == "reference-points" && p[2] == "changes") {
    auto id = canonical_id(p[1]);
    serve(ex, {.get = [=] { get_reference_point_changes(ex, id); }});
    return true;
  }
  if (p.size() == 1 && p[0] == "cluster") {
    serve(ex, {.get = [=] { list_cluster(ex); }});
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
  if (p.size() == 1 && p[0] == "events") {
    serve(ex, {.get = [=] {
            auto res = problem_response(ex->meta, http::status::upgrade_required,
                                        "/api/v1/events is a WebSocket: send an upgrade request");
            res.set(http::field::upgrade, "websocket");
            res.set(http::field::connection, "Upgrade");
            ex->reply(std::move(res));
          }});
    return true;
  }
  return route_rest_collections(ex, p);
}

} // namespace refpoint::web
