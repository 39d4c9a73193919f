// Bearer-token checks and the CORS origin policy.

#include "web/auth.hpp"
#include "web/cors.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using namespace refpoint::web;
using query_list = std::vector<std::pair<std::string, std::string>>;

const std::vector<std::string> tokens{"alpha", "s3cret"};

http_request request(http::verb method, std::string authorization = {}) {
  http_request req{method, "/api/v1/systems", 11};
  if (!authorization.empty())
    req.set(http::field::authorization, authorization);
  return req;
}

TEST(Auth, NoTokensGrantsEverything) {
  EXPECT_EQ(authenticate(request(http::verb::post), {}, {}), auth_outcome::granted);
}

TEST(Auth, BearerHeaderWithAnyCaseOfTheScheme) {
  EXPECT_EQ(authenticate(request(http::verb::post, "Bearer s3cret"), {}, tokens),
            auth_outcome::granted);
  EXPECT_EQ(authenticate(request(http::verb::get, "BEARER alpha"), {}, tokens),
            auth_outcome::granted);
  EXPECT_EQ(authenticate(request(http::verb::get, "bearer   s3cret  "), {}, tokens),
            auth_outcome::granted);
  EXPECT_EQ(authenticate(request(http::verb::get, "Bearer s3cre"), {}, tokens),
            auth_outcome::invalid);
  EXPECT_EQ(authenticate(request(http::verb::get, "Bearer s3crets"), {}, tokens),
            auth_outcome::invalid);
  EXPECT_EQ(authenticate(request(http::verb::get, "Basic czNjcmV0"), {}, tokens),
            auth_outcome::missing);
  EXPECT_EQ(authenticate(request(http::verb::get, "Bearer "), {}, tokens), auth_outcome::missing);
  EXPECT_EQ(authenticate(request(http::verb::get, "Bearers3cret"), {}, tokens),
            auth_outcome::missing);
  EXPECT_EQ(authenticate(request(http::verb::get), {}, tokens), auth_outcome::missing);
}

TEST(Auth, QueryParameterOnGetOnly) {
  const query_list good{{"since", "0"}, {"access_token", "s3cret"}};
  EXPECT_EQ(authenticate(request(http::verb::get), good, tokens), auth_outcome::granted);
  EXPECT_EQ(authenticate(request(http::verb::post), good, tokens), auth_outcome::missing);
  EXPECT_EQ(authenticate(request(http::verb::get), {{"access_token", "x"}}, tokens),
            auth_outcome::invalid);
  // The header, when present, decides.
  EXPECT_EQ(authenticate(request(http::verb::get, "Bearer x"), good, tokens),
            auth_outcome::invalid);
}

TEST(Auth, ConstantTimeEqualsIsEquality) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("ab", "abc"));
  EXPECT_FALSE(constant_time_equals("abcd", "abc"));
  EXPECT_FALSE(constant_time_equals(std::string("ab\0", 3), "ab"));
  EXPECT_FALSE(constant_time_equals("ab", std::string("ab\0", 3)));
}

TEST(Auth, ProtectsCimApiAndMetricsOnly) {
  using path = std::vector<std::string>;
  EXPECT_TRUE(requires_auth(path{"api", "v1", "systems"}));
  EXPECT_TRUE(requires_auth(path{"cim", "v2", "Msvm_ComputerSystem"}));
  EXPECT_TRUE(requires_auth(path{"metrics"}));
  EXPECT_FALSE(requires_auth(path{"healthz"}));
  EXPECT_FALSE(requires_auth(path{}));
}

TEST(Auth, UnauthorizedNamesTheRealmAndAnInvalidToken) {
  auto missing = unauthorized_response({}, auth_outcome::missing);
  EXPECT_EQ(missing.result(), http::status::unauthorized);
  EXPECT_EQ(missing[http::field::www_authenticate], R"(Bearer realm="refpoint")");
  EXPECT_EQ(missing[http::field::content_type], "application/problem+json");
  auto invalid = unauthorized_response({}, auth_outcome::invalid);
  EXPECT_EQ(invalid[http::field::www_authenticate],
            R"(Bearer realm="refpoint", error="invalid_token")");
}

TEST(Cors, ListedOriginsAndTheWildcard) {
  const std::vector<std::string> listed{"http://dash.example:3000"};
  EXPECT_EQ(allowed_origin(listed, "http://dash.example:3000"), "http://dash.example:3000");
  EXPECT_EQ(allowed_origin(listed, "HTTP://Dash.Example:3000"), "HTTP://Dash.Example:3000");
  EXPECT_EQ(allowed_origin(listed, "http://dash.example:3001"), std::nullopt);
  EXPECT_EQ(allowed_origin(listed, ""), std::nullopt);
  EXPECT_EQ(allowed_origin({}, "http://dash.example:3000"), std::nullopt);
  EXPECT_EQ(allowed_origin({"*"}, "http://any.example"), "*");
  EXPECT_EQ(allowed_origin({"*"}, ""), std::nullopt);
}

TEST(Cors, PreflightNeedsOptionsOriginAndRequestMethod) {
  http_request req{http::verb::options, "/api/v1/systems", 11};
  EXPECT_FALSE(is_preflight(req));
  req.set(http::field::origin, "http://a.example");
  EXPECT_FALSE(is_preflight(req));
  req.set(http::field::access_control_request_method, "POST");
  EXPECT_TRUE(is_preflight(req));
  req.method(http::verb::get);
  EXPECT_FALSE(is_preflight(req));
}

TEST(Cors, PreflightAnswers) {
  auto ok = preflight_response({}, true);
  EXPECT_EQ(ok.result(), http::status::no_content);
  EXPECT_EQ(ok[http::field::access_control_allow_methods], "GET, POST, PUT, DELETE, OPTIONS");
  EXPECT_EQ(ok[http::field::access_control_allow_headers],
            "Authorization, Content-Type, Idempotency-Key");
  EXPECT_EQ(ok[http::field::access_control_max_age], "600");
  auto refused = preflight_response({}, false);
  EXPECT_EQ(refused.result(), http::status::forbidden);
  EXPECT_EQ(refused[http::field::access_control_allow_methods], "");

  http_response res{http::status::ok, 11};
  add_cors_headers(res, "*");
  EXPECT_EQ(res[http::field::access_control_allow_origin], "*");
  EXPECT_EQ(res[http::field::vary], "Origin");
  EXPECT_EQ(res[http::field::access_control_expose_headers], "Location");
}

} // namespace
