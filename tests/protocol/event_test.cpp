// Events on the wire: message text, cursors, type lists and filters.

#include "protocol/cim_datetime.hpp"
#include "protocol/event.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace {

using namespace refpoint::protocol;

event_record stored(event_record e, std::int64_t seq) {
  e.seq = seq;
  e.time = 1'700'000'000'123'456;
  e.message = event_message(e);
  return e;
}

TEST(EventMessage, PutsCursorTimeAndTypeBeforeTheResource) {
  system_info system;
  system.name = "SYS-1";
  system.element_name = "vm";
  auto e = stored(system_event(event_types::system_created, system), 42);
  EXPECT_TRUE(e.message.starts_with(R"({"cursor":"42","time":"2023-11-14T22:13:20.123456Z",)"
                                    R"("type":"system.created","system":{)"))
    << e.message;
  auto parsed = boost::json::parse(e.message).as_object();
  EXPECT_EQ(parsed.at("system").at("name").as_string(), "SYS-1");
  EXPECT_EQ(parsed.size(), 4u);
  EXPECT_EQ(e.target, "SYS-1");
  EXPECT_EQ(e.job_id, "");
}

TEST(EventMessage, JobEventsNameTheJobAndItsTarget) {
  job_record job;
  job.id = "JOB-1";
  job.request.target = "SYS-7";
  auto e = job_event(event_types::job_progress, job);
  EXPECT_EQ(e.job_id, "JOB-1");
  EXPECT_EQ(e.target, "SYS-7");
  EXPECT_EQ(boost::json::parse(e.payload).at("job").at("id").as_string(), "JOB-1");
}

TEST(EventMessage, ControlMessages) {
  EXPECT_EQ(caught_up_message(7), R"({"type":"stream.caughtUp","cursor":"7"})");
  EXPECT_EQ(gone_message(100), R"({"type":"stream.gone","oldest":"100"})");
}

TEST(Cursor, RoundTripsAndRefusesAnythingElse) {
  EXPECT_EQ(parse_cursor(format_cursor(123456789)), 123456789);
  EXPECT_EQ(parse_cursor("0"), 0);
  EXPECT_EQ(parse_cursor("999999999999999999"), 999999999999999999);
  for (const char* bad : {"", "-1", "+1", "1.5", "abc", " 1", "1 ", "9999999999999999999"})
    EXPECT_FALSE(parse_cursor(bad)) << bad;
}

TEST(EventTypes, KnownTypesAndFamilyWildcards) {
  std::vector<std::string> types;
  EXPECT_FALSE(parse_event_types("job.state,referencePoint.*,system.created", types));
  EXPECT_EQ(types, (std::vector<std::string>{"job.state", "referencePoint.*", "system.created"}));
  for (const char* bad :
       {"", "job.state,", ",job.state", "job", "job.bogus", "nope.*", ".*", "*"}) {
    std::vector<std::string> kept{"x"};
    auto err = parse_event_types(bad, kept);
    EXPECT_TRUE(err) << bad;
    EXPECT_EQ(kept, (std::vector<std::string>{"x"})) << "unchanged on error: " << bad;
  }
  std::vector<std::string> ignored;
  EXPECT_EQ(parse_event_types("job.created,job.bogus", ignored),
            std::optional<std::string>{"unknown event type 'job.bogus'"});
  EXPECT_EQ(all_event_types().size(), 13u);
}

TEST(EventFilter, MatchesJobTargetAndTypes) {
  event_record e;
  e.type = "referencePoint.created";
  e.job_id = "JOB-1";
  e.target = "SYS-1";
  EXPECT_TRUE(event_filter{}.matches(e));
  EXPECT_TRUE((event_filter{"JOB-1", "SYS-1", {"job.state", "referencePoint.*"}}.matches(e)));
  EXPECT_FALSE((event_filter{"JOB-2", "", {}}.matches(e)));
  EXPECT_FALSE((event_filter{"", "SYS-2", {}}.matches(e)));
  EXPECT_FALSE((event_filter{"", "", {"job.*"}}.matches(e)));
  EXPECT_FALSE((event_filter{"", "", {"referencePoint.deleted"}}.matches(e)));
}

} // namespace
