#pragma once
/// Pieces every `/api/v1` route uses: ids, request bodies, list envelopes, method dispatch
/// and the ask-an-actor-then-answer pattern.

#include "protocol/model.hpp"
#include "protocol/rest_json.hpp"
#include "protocol/result.hpp"
#include "web/actor_call.hpp"
#include "web/exchange.hpp"

#include <caf/all.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace refpoint::web {

/// A POST/PUT body: must be declared JSON (415 otherwise) and parse (400 otherwise).
std::optional<boost::json::value> json_body(const exchange& ex);

/// Answers a decoding failure: 422 for Not Supported, 400 otherwise, naming the field.
void reply_invalid(const exchange& ex, const protocol::failure& f);

/// `{"items": [encode(v)...]}`.
template <class T, class Encode>
boost::json::object items_of(const std::vector<T>& values, Encode encode) {
  boost::json::array items;
  for (const auto& v : values)
    items.push_back(encode(v));
  return {{"items", std::move(items)}};
}

/// `encode` plus the answering node's name as `node` (null for a node without a name):
/// every system and collection is answered for by its home node.
template <class Encode>
auto on_this_node(const exchange_ptr& ex, Encode encode) {
  return [encode, node = ex->ctx->node_name](const auto& value) {
    auto out = encode(value);
    out["node"] = node.empty() ? boost::json::value(nullptr) : boost::json::value(node);
    return out;
  };
}

/// The handlers of one path, by method; an absent one answers 405 with `Allow`.
struct verbs {
  std::function<void()> get{}, post{}, put{}, del{};
};
void serve(const exchange_ptr& ex, const verbs& handlers);

/// Asks `dest` for `xs...` and answers `status` with `encode(value)`; errors as problems.
template <class Value, class Handle, class Encode, class... Ts>
void answer(const exchange_ptr& ex, const Handle& dest, http::status status, Encode encode,
            Ts... xs) {
  call_actor(
    ex->ctx->system, dest, ex->ctx->method_timeout,
    [ex, status, encode](Value& value) { ex->json(status, encode(value)); },
    [ex](caf::error& err) { ex->fail(err); }, std::move(xs)...);
}

/// Answers 202 with the started job and `Location: /api/v1/jobs/{id}`.
void reply_job_started(const exchange& ex, const protocol::job_record& job);

/// A POST creating a resource: decodes the body with `decode`, asks the inventory with
/// `atom`, answers 201 with `encode(created)` and `Location: <collection_path>/<id_of(created)>`.
/// A refusal names its field as `field_in_body(field, decoded, body)` says (the decoded
/// value may order things differently from the body).
template <class Value, class Decode, class Atom, class Encode, class IdOf,
          class FieldInBody = std::nullptr_t>
void create_resource(const exchange_ptr& ex, Decode decode, Atom atom, Encode encode,
                     std::string collection_path, IdOf id_of, FieldInBody field_in_body = nullptr) {
  auto body = json_body(*ex);
  if (!body)
    return;
  auto decoded = decode(*body);
  if (!decoded)
    return reply_invalid(*ex, decoded.error());
  auto value = decoded.value();
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [=](Value& created) {
      auto res = json_response(ex->meta, http::status::created, encode(created));
      res.set(http::field::location, collection_path + "/" + id_of(created));
      ex->reply(std::move(res));
    },
    [ex, field_in_body, value, written = *body](caf::error& err) {
      auto failure = actors::describe(err);
      if constexpr (!std::is_same_v<FieldInBody, std::nullptr_t>)
        failure.field = field_in_body(failure.field, value, written);
      ex->reply(failure_response(ex->meta, failure));
    },
    atom, std::move(decoded).value());
}

/// A POST starting a create job on `target` (`{type, elementName?, consistencyLevel?}`,
/// with an optional Idempotency-Key): asks the inventory with `atom`, answers 202.
template <class Atom>
void start_create_job(const exchange_ptr& ex, std::string target, Atom atom) {
  auto key = idempotency_key(*ex);
  if (!key)
    return;
  auto body = json_body(*ex);
  if (!body)
    return;
  auto call = protocol::decode_create_rp(*body);
  if (!call)
    return reply_invalid(*ex, call.error());
  protocol::create_request req{.target = std::move(target),
                               .kind = call.value().kind,
                               .element_name = call.value().element_name,
                               .consistency = call.value().consistency};
  call_actor(
    ex->ctx->system, ex->ctx->inventory, ex->ctx->method_timeout,
    [ex](protocol::job_record& job) { reply_job_started(*ex, job); },
    [ex](caf::error& err) { ex->fail(err); }, atom, std::move(req), std::move(*key));
}

/// A GET listing the children of `key` (`{"items": [...]}`), after checking the parent
/// exists: an unknown parent is 404, not an empty list.
template <class Parent, class Child, class ParentAtom, class ChildAtom, class Encode>
void list_children(const exchange_ptr& ex, std::string key, ParentAtom parent_atom,
                   ChildAtom child_atom, Encode encode) {
  with_actor(ex->ctx->system, [=](caf::event_based_actor* self) {
    auto timeout = ex->ctx->method_timeout;
    self->request(ex->ctx->query, timeout, parent_atom, key)
      .then(
        [=](Parent&) {
          self->request(ex->ctx->query, timeout, child_atom, key)
            .then(
              [ex, encode](std::vector<Child>& children) {
                ex->json(http::status::ok, items_of(children, encode));
              },
              [ex](caf::error& err) { ex->fail(err); });
        },
        [ex](caf::error& err) { ex->fail(err); });
  });
}

/// `DELETE` of a reference point (`collection` false) or collection reference point: 202
/// with the destroy job; 404 unknown; 409 for a member of a collection reference point.
void destroy(const exchange_ptr& ex, std::string id, bool collection);

/// Route table of collections and collection reference points (`rest_collection_routes.cpp`).
bool route_rest_collections(const exchange_ptr& ex, const std::vector<std::string>& p);

} // namespace refpoint::web
