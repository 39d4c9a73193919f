#include "web/problem.hpp"

#include "protocol/rest_json.hpp"

#include <boost/json/serialize.hpp>

namespace refpoint::web {

http_response make_problem(http::status status, std::string_view detail) {
  http_response res{status, 11};
  res.set(http::field::content_type, "application/problem+json");
  res.body() = boost::json::serialize(
    protocol::problem(static_cast<unsigned>(status), http::obsolete_reason(status), detail));
  return res;
}

} // namespace refpoint::web
