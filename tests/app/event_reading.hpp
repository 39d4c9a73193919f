#pragma once
// Reading `/api/v1/events` the way a dashboard does, for end-to-end tests.

#include "support/ws_client.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace refpoint::test {

/// One event as the test sees it.
struct seen_event {
  std::int64_t cursor = 0;
  std::string type;
  boost::json::object body;
};

/// Reads events until one is the terminal `job.state` of `job_id` (or nothing comes).
inline std::vector<seen_event> read_until_done(ws_client& client, const std::string& job_id) {
  std::vector<seen_event> events;
  while (auto text = client.next()) {
    auto body = boost::json::parse(*text).as_object();
    seen_event e{std::stoll(std::string{body.at("cursor").as_string()}),
                 std::string{body.at("type").as_string()}, body};
    events.push_back(e);
    if (e.type == "job.state" && body.at("job").at("id").as_string() == job_id &&
        body.at("job").at("jobState").to_number<int>() != 4)
      return events;
  }
  ADD_FAILURE() << "job " << job_id << " never reached a final state on the stream";
  return events;
}

} // namespace refpoint::test
