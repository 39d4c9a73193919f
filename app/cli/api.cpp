#include "app/cli/api.hpp"

#include "app/cli/exit_codes.hpp"
#include "app/cli/json_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace refpoint::cli {

namespace json = boost::json;

std::string describe_refusal(const http_reply& reply) {
  std::string out = std::to_string(reply.status);
  if (!reply.reason.empty())
    out += " " + reply.reason;
  boost::system::error_code ec;
  const auto parsed = json::parse(reply.body, ec);
  if (!ec && parsed.is_object()) {
    const auto& problem = parsed.get_object();
    const auto detail = text_of(problem, "detail");
    const auto title = text_of(problem, "title");
    if (!detail.empty())
      out += ": " + detail;
    else if (!title.empty())
      out += ": " + title;
    if (const auto field = text_of(problem, "field"); !field.empty())
      out += " (field: " + field + ")";
    return out;
  }
  std::string text = reply.body.substr(0, 500);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  if (!text.empty())
    out += ": " + text;
  return out;
}

api_answer api::call(http_method method, std::string_view target, const json::value* body) {
  const std::string payload = body ? json::serialize(*body) : std::string{};
  auto sent = client_.send(method, target, payload);
  api_answer answer;
  if (auto* failure = std::get_if<transport_failure>(&sent)) {
    answer.exit_code = exit_unreachable;
    answer.error = failure->message;
    return answer;
  }
  auto& reply = std::get<http_reply>(sent);
  answer.status = reply.status;
  if (reply.status >= 400) {
    answer.exit_code = exit_refused;
    answer.error = describe_refusal(reply);
    answer.body = std::move(reply.body);
    return answer;
  }
  if (!reply.body.empty()) {
    boost::system::error_code ec;
    answer.json = json::parse(reply.body, ec);
    if (ec) {
      answer.exit_code = exit_failure;
      answer.error =
        "the server's answer to " + std::string{target} + " is not JSON (" + ec.message() + ")";
    }
  }
  answer.body = std::move(reply.body);
  return answer;
}

int api::report(const api_answer& answer) const {
  err_ << "refpoint: " << answer.error << "\n";
  return answer.exit_code;
}

} // namespace refpoint::cli
