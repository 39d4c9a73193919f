// JSON and problem responses: their bodies are valid UTF-8 whatever bytes a message echoes.

#include "web/responses.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <string>

namespace {

using namespace refpoint::web;

boost::json::value parsed(const http_response& res) {
  boost::system::error_code ec;
  auto value = boost::json::parse(res.body(), ec);
  EXPECT_FALSE(ec) << "not JSON: " << res.body();
  return value;
}

// Found by the http_router fuzz target: a 404 echoed a target holding 0xC2 without its
// continuation byte, and the problem was not JSON.
TEST(Responses, AProblemEchoingInvalidUtf8IsStillJson) {
  const std::string target = "/cim/v2/Msvm_ConcreteJ\xC2\xC2o\xFF\xED\xA0\x80/x";
  auto res =
    problem_response({}, http::status::not_found, "no resource at '" + target + "'", "\xC0\xAF");
  auto body = parsed(res);
  EXPECT_EQ(body.at("detail").as_string(),
            "no resource at '/cim/v2/Msvm_ConcreteJ\uFFFD\uFFFDo\uFFFD\uFFFD\uFFFD\uFFFD/x'");
  EXPECT_EQ(body.at("field").as_string(), "\uFFFD\uFFFD");
  EXPECT_EQ(body.at("status").as_int64(), 404);
}

TEST(Responses, ValidUtf8PassesUnchanged) {
  const std::string text = "ascii, \xC3\xA9t\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x98\x80";
  auto res = json_response({}, http::status::ok, boost::json::object{{"name", text}});
  EXPECT_EQ(parsed(res).at("name").as_string(), text);
}

TEST(Responses, ATruncatedSequenceAtTheEndOfAStringIsReplaced) {
  auto res =
    json_response({}, http::status::ok, boost::json::array{"\xE2\x82", "\xF4\x90\x80\x80"});
  auto body = parsed(res).as_array();
  EXPECT_EQ(body.at(0).as_string(), "\uFFFD\uFFFD");
  EXPECT_EQ(body.at(1).as_string(), "\uFFFD\uFFFD\uFFFD\uFFFD");
}

} // namespace
