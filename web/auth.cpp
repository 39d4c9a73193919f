#include "web/auth.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>

namespace refpoint::web {

namespace {

/// The credentials of an `Authorization: Bearer <token>` value; empty for another scheme.
std::string_view bearer_token(std::string_view value) {
  constexpr std::string_view scheme = "bearer";
  if (value.size() <= scheme.size() || value[scheme.size()] != ' ')
    return {};
  bool same = std::equal(scheme.begin(), scheme.end(), value.begin(), [](char s, char v) {
    return s == std::tolower(static_cast<unsigned char>(v));
  });
  if (!same)
    return {};
  auto token = value.substr(scheme.size());
  auto first = token.find_first_not_of(' ');
  if (first == std::string_view::npos)
    return {};
  token.remove_prefix(first);
  return token.substr(0, token.find_last_not_of(' ') + 1);
}

/// Checks one presented token against all configured ones, without stopping at a match.
auth_outcome check(std::string_view presented, const std::vector<std::string>& tokens) {
  bool match = false;
  for (const auto& token : tokens)
    match = constant_time_equals(presented, token) || match;
  return match ? auth_outcome::granted : auth_outcome::invalid;
}

} // namespace

bool constant_time_equals(std::string_view presented, std::string_view expected) {
  std::size_t diff = presented.size() ^ expected.size();
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto mine = i < presented.size() ? presented[i] : '\0';
    diff |= static_cast<unsigned char>(mine ^ expected[i]);
  }
  return diff == 0;
}

auth_outcome authenticate(const http_request& req,
                          const std::vector<std::pair<std::string, std::string>>& query,
                          const std::vector<std::string>& tokens) {
  if (tokens.empty())
    return auth_outcome::granted;
  auto header = req.find(http::field::authorization);
  if (header != req.end()) {
    auto token = bearer_token(header->value());
    return token.empty() ? auth_outcome::missing : check(token, tokens);
  }
  if (req.method() != http::verb::get)
    return auth_outcome::missing;
  auto param = std::find_if(query.begin(), query.end(),
                            [](const auto& kv) { return kv.first == access_token_param; });
  if (param == query.end())
    return auth_outcome::missing;
  return check(param->second, tokens);
}

bool requires_auth(const std::vector<std::string>& path) {
  if (path.empty())
    return false;
  const auto& first = path.front();
  return first == "cim" || first == "api" || (first == "metrics" && path.size() == 1);
}

http_response unauthorized_response(const reply_meta& meta, auth_outcome outcome) {
  bool invalid = outcome == auth_outcome::invalid;
  auto res = problem_response(meta, http::status::unauthorized,
                              invalid ? "the bearer token is not valid"
                                      : "this resource needs a bearer token (Authorization: "
                                        "Bearer <token>)");
  std::string challenge = "Bearer realm=\"refpoint\"";
  if (invalid)
    challenge += ", error=\"invalid_token\"";
  res.set(http::field::www_authenticate, challenge);
  return res;
}

} // namespace refpoint::web
