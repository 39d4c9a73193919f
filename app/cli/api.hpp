#pragma once
/// The REST calls commands make, with the CLI's error rules (docs/CLI.md, "Exit codes"):
/// an HTTP error status is a refused request (exit 3) reported with the server's problem
/// `detail` and `field` verbatim; no answer at all is exit 4; a 2xx answer whose body is not
/// the JSON the API promises is exit 1.

#include "app/cli/http_client.hpp"

#include <boost/json/value.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace refpoint::cli {

/// One call's outcome. Converts to true for a 2xx answer (with its JSON body, null when empty).
struct api_answer {
  unsigned status = 0;     ///< 0 when no answer came
  boost::json::value json; ///< the body parsed (null when empty or not JSON)
  std::string body;        ///< the body as received
  int exit_code = 0;       ///< 0, exit_refused, exit_unreachable or exit_failure
  std::string error;       ///< what to tell the user when exit_code != 0

  explicit operator bool() const { return exit_code == 0; }
};

/// The message for an HTTP error answer: "404 Not Found: <detail> (field: <field>)", using the
/// problem+json members when the body is one, else the body's text.
std::string describe_refusal(const http_reply& reply);

class api {
public:
  api(http_client& client, std::ostream& err) : client_(client), err_(err) {}

  api_answer get(std::string_view target) { return call(http_method::get, target); }
  api_answer post(std::string_view target, const boost::json::value& body) {
    return call(http_method::post, target, &body);
  }
  api_answer put(std::string_view target) { return call(http_method::put, target); }
  api_answer del(std::string_view target) { return call(http_method::del, target); }

  api_answer call(http_method method, std::string_view target,
                  const boost::json::value* body = nullptr);

  /// Prints `answer.error` on stderr ("refpoint: ...") and answers its exit code.
  int report(const api_answer& answer) const;

  http_client& client() { return client_; }

private:
  http_client& client_;
  std::ostream& err_;
};

} // namespace refpoint::cli
