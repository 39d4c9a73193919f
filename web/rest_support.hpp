#pragma once
/// Pieces every `/api/v1` route uses: ids, request bodies, list envelopes, method dispatch
/// and the ask-an-actor-then-answer pattern.

#include "protocol/result.hpp"
#include "web/actor_call.hpp"
#include "web/exchange.hpp"

#include <caf/all.hpp>

#include <functional>
#include <string>
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

/// `DELETE` of a reference point (`collection` false) or collection reference point: 202
/// with the destroy job; 404 unknown; 409 for a member of a collection reference point.
void destroy(const exchange_ptr& ex, std::string id, bool collection);

/// Route table of collections and collection reference points (`rest_collection_routes.cpp`).
bool route_rest_collections(const exchange_ptr& ex, const std::vector<std::string>& p);

} // namespace refpoint::web
