#include "web/responses.hpp"

#include "protocol/rest_json.hpp"

#include <boost/json/serialize.hpp>

namespace refpoint::web {

reply_meta meta_of(const http_request& req) {
  return {req.version(), req.keep_alive()};
}

namespace {

/// Length of the valid UTF-8 sequence starting at `text[i]` (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF); 0 when none starts there.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80)
    return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF; // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : low;
    high = lead == 0xED ? 0x9F : high;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : low;
    high = lead == 0xF4 ? 0x8F : high;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high)
    return 0;
  for (std::size_t k = 2; k < length; ++k)
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
  return length;
}

/// `json` with every byte that is not part of valid UTF-8 replaced by U+FFFD. Messages echo
/// what clients sent (a raw target, percent-decoded ids and parameters), which may be any
/// bytes, and Boost.JSON writes string bytes as they are; JSON must be UTF-8. Outside strings
/// serialized JSON is ASCII, so this only ever changes the contents of strings.
std::string valid_utf8(std::string json) {
  std::size_t i = 0;
  for (std::size_t length; i < json.size() && (length = utf8_sequence(json, i)) > 0;)
    i += length;
  if (i == json.size())
    return json;
  std::string out = json.substr(0, i);
  while (i < json.size()) {
    const auto length = utf8_sequence(json, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(json, i, length);
      i += length;
    }
  }
  return out;
}

http_response make_response(const reply_meta& meta, http::status status, std::string body,
                            std::string_view content_type) {
  http_response res{status, meta.version};
  res.set(http::field::content_type, content_type);
  res.keep_alive(meta.keep_alive);
  res.body() = valid_utf8(std::move(body));
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
