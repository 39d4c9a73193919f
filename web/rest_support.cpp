#include "web/rest_support.hpp"

#include "protocol/rest_json.hpp"

namespace refpoint::web {

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

void serve(const exchange_ptr& ex, const verbs& handlers) {
  const std::pair<http::verb, const std::function<void()>*> table[] = {
    {http::verb::get, &handlers.get},
    {http::verb::post, &handlers.post},
    {http::verb::put, &handlers.put},
    {http::verb::delete_, &handlers.del},
  };
  std::string allow;
  for (const auto& [verb, handler] : table) {
    if (!*handler)
      continue;
    if (ex->req.method() == verb)
      return (*handler)();
    allow += (allow.empty() ? "" : ", ") + std::string{http::to_string(verb)};
  }
  auto res =
    problem_response(ex->meta, http::status::method_not_allowed,
                     std::string{ex->req.method_string()} + " is not allowed here; use " + allow);
  res.set(http::field::allow, allow);
  ex->reply(std::move(res));
}

void reply_job_started(const exchange& ex, const protocol::job_record& job) {
  auto res = json_response(ex.meta, http::status::accepted, protocol::rest_job(job));
  res.set(http::field::location, "/api/v1/jobs/" + job.id);
  ex.reply(std::move(res));
}

} // namespace refpoint::web
