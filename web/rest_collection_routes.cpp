// `/api/v1/collections` and `/api/v1/reference-point-collections` (DESIGN §4).

#include "protocol/rest_json.hpp"
#include "web/rest_support.hpp"

namespace refpoint::web {

namespace {

using protocol::collection_info;
using protocol::collection_reference_point;
using protocol::job_record;

void create_collection(const exchange_ptr& ex) {
  auto body = json_body(*ex);
  if (!body)
    return;
  auto info = protocol::decode_collection(*body);
  if (!info)
    return reply_invalid(*ex, info.error());
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex](collection_info& created) {
      auto res = json_response(ex->meta, http::status::created, protocol::rest_collection(created));
      res.set(http::field::location, "/api/v1/collections/" + created.id);
      ex->reply(std::move(res));
    },
    [ex](caf::error& err) { ex->fail(err); }, actors::create_collection_atom::value,
    std::move(info).value());
}

void delete_collection(const exchange_ptr& ex, std::string id) {
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex](actors::ack_atom) {
      http_response res{http::status::no_content, ex->meta.version};
      res.keep_alive(ex->meta.keep_alive);
      ex->reply(std::move(res));
    },
    [ex](caf::error& err) { ex->fail(err); }, actors::remove_collection_atom::value, std::move(id));
}

void create_collection_reference_point(const exchange_ptr& ex, std::string id) {
  auto key = idempotency_key(*ex);
  if (!key)
    return;
  auto body = json_body(*ex);
  if (!body)
    return;
  auto call = protocol::decode_create_rp(*body);
  if (!call)
    return reply_invalid(*ex, call.error());
  protocol::create_request req{.target = std::move(id),
                               .kind = call.value().kind,
                               .element_name = call.value().element_name,
                               .consistency = call.value().consistency};
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex](job_record& job) { reply_job_started(*ex, job); },
    [ex](caf::error& err) { ex->fail(err); }, actors::create_crp_atom::value, std::move(req),
    std::move(*key));
}

void list_collection_reference_points(const exchange_ptr& ex, std::string id) {
  // The collection must exist: an unknown one is 404, not an empty list.
  with_actor(ex->ctx->system, [ex, id](caf::event_based_actor* self) {
    self
      ->request(ex->ctx->query, ex->ctx->method_timeout, persistence::get_collection_atom::value,
                id)
      .then(
        [=](collection_info&) {
          self
            ->request(ex->ctx->query, ex->ctx->method_timeout, persistence::list_rpcs_atom::value,
                      id)
            .then(
              [ex](std::vector<collection_reference_point>& rpcs) {
                ex->json(http::status::ok,
                         items_of(rpcs, protocol::rest_collection_reference_point));
              },
              [ex](caf::error& err) { ex->fail(err); });
        },
        [ex](caf::error& err) { ex->fail(err); });
  });
}

} // namespace

bool route_rest_collections(const exchange_ptr& ex, const std::vector<std::string>& p) {
  const auto& query = ex->ctx->query;
  const auto& inventory = ex->ctx->inventory;
  if (p.size() == 1 && p[0] == "collections") {
    serve(ex, {.get =
                 [=] {
                   answer<std::vector<collection_info>>(
                     ex, query, http::status::ok,
                     [](const auto& v) { return items_of(v, protocol::rest_collection); },
                     persistence::list_collections_atom::value);
                 },
               .post = [=] { create_collection(ex); }});
    return true;
  }
  if (p.size() == 2 && p[0] == "collections") {
    auto id = canonical_id(p[1]);
    serve(ex, {.get =
                 [=] {
                   answer<collection_info>(ex, query, http::status::ok, protocol::rest_collection,
                                           persistence::get_collection_atom::value, id);
                 },
               .del = [=] { delete_collection(ex, id); }});
    return true;
  }
  if (p.size() == 4 && p[0] == "collections" && p[2] == "members") {
    auto id = canonical_id(p[1]);
    auto system = canonical_id(p[3]);
    serve(ex,
          {.put =
             [=] {
               answer<collection_info>(ex, inventory, http::status::ok, protocol::rest_collection,
                                       actors::add_member_atom::value, id, system);
             },
           .del =
             [=] {
               answer<collection_info>(ex, inventory, http::status::ok, protocol::rest_collection,
                                       actors::remove_member_atom::value, id, system);
             }});
    return true;
  }
  if (p.size() == 3 && p[0] == "collections" && p[2] == "reference-points") {
    auto id = canonical_id(p[1]);
    serve(ex, {.get = [=] { list_collection_reference_points(ex, id); },
               .post = [=] { create_collection_reference_point(ex, id); }});
    return true;
  }
  if (p.size() == 2 && p[0] == "reference-point-collections") {
    auto id = canonical_id(p[1]);
    serve(ex, {.get =
                 [=] {
                   answer<collection_reference_point>(ex, query, http::status::ok,
                                                      protocol::rest_collection_reference_point,
                                                      persistence::get_rpc_atom::value, id);
                 },
               .del = [=] { destroy(ex, id, true); }});
    return true;
  }
  return false;
}

} // namespace refpoint::web
