#include "web/responses.hpp"

#include "protocol/rest_json.hpp"

#include <boost/json/serialize.hpp>

namespace refpoint::web {

reply_meta meta_of(const http_request& req) {
  return {req.version(), req.keep_alive()};
}

namespace {

http_response make_response(const reply_meta& meta, http::status status, std::string body,
                            std::string_view content_type) {
  http_response res{status, meta.version};
  res.set(http::field::content_type, content_type);
  res.keep_alive(meta.keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

} // namespace

http_response json_response(const reply_meta& meta, http::status status,
                            const boost::json::value& body) {
  return make_response(meta, status, boost::json::serialize(body), "application/json");
}

http_response problem_response(const reply_meta& meta, http::status status, std::string_view detail,
                               std::string_view field) {
  auto code = static_cast<unsigned>(status);
  auto body = protocol::problem(code, http::obsolete_reason(status), detail, field);
  return make_response(meta, status, boost::json::serialize(body), "application/problem+json");
}

http::status http_status_of(actors::op_errc code) {
  using actors::op_errc;
  switch (code) {
  case op_errc::not_found:
  case op_errc::file_not_found:
    return http::status::not_found;
  case op_errc::invalid_parameter:
  case op_errc::invalid_type:
    return http::status::bad_request;
  case op_errc::invalid_state:
  case op_errc::conflict:
    return http::status::conflict;
  case op_errc::not_supported:
    return http::status::unprocessable_entity;
  case op_errc::timeout:
    return http::status::service_unavailable;
  case op_errc::failed:
    return http::status::internal_server_error;
  case op_errc::busy:
    return http::status::too_many_requests;
  case op_errc::no_storage:
    return http::status::insufficient_storage;
  }
  return http::status::internal_server_error;
}

http_response failure_response(const reply_meta& meta, const actors::op_failure& failure) {
  auto res = problem_response(meta, http_status_of(failure.code), failure.message, failure.field);
  if (failure.code == actors::op_errc::busy)
    res.set(http::field::retry_after, std::to_string(busy_retry_after_s));
  return res;
}

} // namespace refpoint::web
