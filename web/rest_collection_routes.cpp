// `/api/v1/collections` and `/api/v1/reference-point-collections` (DESIGN §4).

#include "protocol/rest_json.hpp"
#include "web/rest_support.hpp"

#include <cstdio>

namespace refpoint::web {

namespace {

using protocol::collection_info;
using protocol::collection_reference_point;
using protocol::job_record;

/// `members[k]` of the decoded (sorted) members, named by its place in the body instead.
std::string member_as_written(const std::string& field, const collection_info& decoded,
                              const boost::json::value& body) {
  std::size_t k = 0;
  if (std::sscanf(field.c_str(), "members[%zu]", &k) != 1 || k >= decoded.members.size())
    return field;
  const auto* written = body.as_object().if_contains("members");
  for (std::size_t i = 0; written && i < written->as_array().size(); ++i)
    if (canonical_id(std::string{written->as_array()[i].as_string()}) == decoded.members[k])
      return "members[" + std::to_string(i) + "]";
  return field;
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

} // namespace

bool route_rest_collections(const exchange_ptr& ex, const std::vector<std::string>& p) {
  const auto& query = ex->ctx->query;
  const auto& inventory = ex->ctx->inventory;
  if (p.size() == 1 && p[0] == "collections") {
    serve(ex, {.get =
                 [=] {
                   answer<std::vector<collection_info>>(
                     ex, query, http::status::ok,
                     [enc = on_this_node(ex, protocol::rest_collection)](const auto& v) {
                       return items_of(v, enc);
                     },
                     persistence::list_collections_atom::value);
                 },
               .post =
                 [=] {
                   create_resource<collection_info>(
                     ex, protocol::decode_collection, actors::create_collection_atom::value,
                     on_this_node(ex, protocol::rest_collection), "/api/v1/collections",
                     [](const collection_info& c) { return c.id; }, member_as_written);
                 }});
    return true;
  }
  if (p.size() == 2 && p[0] == "collections") {
    auto id = canonical_id(p[1]);
    serve(ex, {.get =
                 [=] {
                   answer<collection_info>(ex, query, http::status::ok,
                                           on_this_node(ex, protocol::rest_collection),
                                           persistence::get_collection_atom::value, id);
                 },
               .del = [=] { delete_collection(ex, id); }});
    return true;
  }
  if (p.size() == 4 && p[0] == "collections" && p[2] == "members") {
    auto id = canonical_id(p[1]);
    auto system = canonical_id(p[3]);
    serve(ex, {.put =
                 [=] {
                   answer<collection_info>(ex, inventory, http::status::ok,
                                           on_this_node(ex, protocol::rest_collection),
                                           actors::add_member_atom::value, id, system);
                 },
               .del =
                 [=] {
                   answer<collection_info>(ex, inventory, http::status::ok,
                                           on_this_node(ex, protocol::rest_collection),
                                           actors::remove_member_atom::value, id, system);
                 }});
    return true;
  }
  if (p.size() == 3 && p[0] == "collections" && p[2] == "reference-points") {
    auto id = canonical_id(p[1]);
    serve(ex, {.get =
                 [=] {
                   list_children<collection_info, collection_reference_point>(
                     ex, id, persistence::get_collection_atom::value,
                     persistence::list_rpcs_atom::value, protocol::rest_collection_reference_point);
                 },
               .post = [=] { start_create_job(ex, id, actors::create_crp_atom::value); }});
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
