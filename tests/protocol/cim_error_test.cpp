#include "protocol/cim_error.hpp"
#include "protocol/object_path.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <pugixml.hpp>

namespace rp = refpoint::protocol;

namespace {

constexpr std::string_view job_id = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";

rp::job_record failed_job() {
  rp::job_record j;
  j.id = job_id;
  j.state = rp::job_state::exception;
  j.status = "Failed";
  j.error_code = 32768;
  j.error_description = "disk0 scan failed at 50%";
  j.error_summary = "Failed";
  return j;
}

/// One property of the parsed instance: element name, TYPE, and its value(s).
struct property {
  std::string element;
  std::string type;
  std::optional<std::string> value; ///< nullopt: NULL (no VALUE child)
};

/// Parses `xml` and returns its properties by NAME, failing the test on bad XML.
std::map<std::string, property> properties_of(const std::string& xml) {
  pugi::xml_document doc;
  auto parsed = doc.load_string(xml.c_str());
  EXPECT_TRUE(parsed) << parsed.description() << " at " << parsed.offset << " in " << xml;
  std::map<std::string, property> out;
  for (auto node : doc.child("INSTANCE").children()) {
    property p{node.name(), node.attribute("TYPE").value(), std::nullopt};
    if (auto value = node.child("VALUE"))
      p.value = value.text().get();
    out.emplace(node.attribute("NAME").value(), std::move(p));
  }
  return out;
}

} // namespace

TEST(MsvmErrorXml, JobsThatDidNotFailHaveNoError) {
  for (auto state : {rp::job_state::running, rp::job_state::shutting_down, rp::job_state::completed,
                     rp::job_state::terminated, rp::job_state::killed}) {
    auto j = failed_job();
    j.state = state;
    EXPECT_FALSE(rp::msvm_error_xml(j).has_value()) << static_cast<int>(state);
  }
}

TEST(MsvmErrorXml, FailedJobHasExactInstanceText) {
  auto xml = rp::msvm_error_xml(failed_job());
  ASSERT_TRUE(xml.has_value());
  EXPECT_EQ(
    *xml,
    R"(<INSTANCE CLASSNAME="Msvm_Error">)"
    R"(<PROPERTY NAME="ErrorType" TYPE="uint16"><VALUE>4</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="OwningEntity" TYPE="string"><VALUE>refpoint</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="MessageID" TYPE="string"><VALUE>32768</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="Message" TYPE="string"><VALUE>disk0 scan failed at 50%</VALUE></PROPERTY>)"
    R"(<PROPERTY.ARRAY NAME="MessageArguments" TYPE="string"><VALUE.ARRAY></VALUE.ARRAY></PROPERTY.ARRAY>)"
    R"(<PROPERTY NAME="PerceivedSeverity" TYPE="uint16"><VALUE>5</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="ProbableCause" TYPE="uint16"><VALUE>0</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="ProbableCauseDescription" TYPE="string"><VALUE>Failed</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="ErrorSource" TYPE="string"><VALUE>Msvm_ConcreteJob.InstanceID="8A496B9C-AF4D-4E98-BD3C-1128CD85320D"</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="ErrorSourceFormat" TYPE="uint16"><VALUE>2</VALUE></PROPERTY>)"
    R"(<PROPERTY NAME="CIMStatusCode" TYPE="uint32"><VALUE>1</VALUE></PROPERTY>)"
    R"(</INSTANCE>)");
}

TEST(MsvmErrorXml, ParsesAsOneMsvmErrorInstance) {
  auto xml = rp::msvm_error_xml(failed_job()).value();
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  auto root = doc.first_child();
  EXPECT_STREQ(root.name(), "INSTANCE");
  EXPECT_STREQ(root.attribute("CLASSNAME").value(), "Msvm_Error");
  EXPECT_FALSE(root.next_sibling());
}

TEST(MsvmErrorXml, NameIsTheFirstAttributeOfEveryProperty) {
  auto xml = rp::msvm_error_xml(failed_job()).value();
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  int count = 0;
  for (auto node : doc.child("INSTANCE").children()) {
    ASSERT_TRUE(std::strncmp(node.name(), "PROPERTY", 8) == 0) << node.name();
    EXPECT_STREQ(node.first_attribute().name(), "NAME") << node.attribute("NAME").value();
    EXPECT_STREQ(node.first_attribute().next_attribute().name(), "TYPE");
    ++count;
  }
  EXPECT_EQ(count, 11);
  EXPECT_EQ(xml.find("<PROPERTY TYPE"), std::string::npos);
}

TEST(MsvmErrorXml, CarriesTheJobErrorAndCimErrorConstants) {
  auto props = properties_of(rp::msvm_error_xml(failed_job()).value());
  auto expect = [&](const std::string& name, std::string_view type, std::string_view value) {
    ASSERT_TRUE(props.contains(name)) << name;
    EXPECT_EQ(props[name].element, "PROPERTY") << name;
    EXPECT_EQ(props[name].type, type) << name;
    EXPECT_EQ(props[name].value, std::string{value}) << name;
  };
  expect("ErrorType", "uint16", "4");
  expect("OwningEntity", "string", "refpoint");
  expect("MessageID", "string", "32768");
  expect("Message", "string", "disk0 scan failed at 50%");
  expect("PerceivedSeverity", "uint16", "5");
  expect("ProbableCause", "uint16", "0");
  expect("ProbableCauseDescription", "string", "Failed");
  expect("ErrorSource", "string", rp::job_path(job_id));
  expect("ErrorSourceFormat", "uint16", "2");
  expect("CIMStatusCode", "uint32", "1");
}

TEST(MsvmErrorXml, MessageArgumentsIsAnEmptyStringArray) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(rp::msvm_error_xml(failed_job()).value().c_str()));
  auto array =
    doc.child("INSTANCE").find_child_by_attribute("PROPERTY.ARRAY", "NAME", "MessageArguments");
  ASSERT_TRUE(array);
  EXPECT_STREQ(array.attribute("TYPE").value(), "string");
  ASSERT_TRUE(array.child("VALUE.ARRAY"));
  EXPECT_FALSE(array.child("VALUE.ARRAY").first_child());
}

TEST(MsvmErrorXml, MessageIdIsTheErrorCodeInDecimal) {
  auto j = failed_job();
  j.error_code = 65535;
  EXPECT_EQ(properties_of(rp::msvm_error_xml(j).value())["MessageID"].value, "65535");
  j.error_code = 0;
  EXPECT_EQ(properties_of(rp::msvm_error_xml(j).value())["MessageID"].value, "0");
}

TEST(MsvmErrorXml, SpecialCharactersRoundTrip) {
  auto j = failed_job();
  j.error_description = R"(a <b> & "c" 'd' ]]> </VALUE></PROPERTY>)";
  j.error_summary = "<&\"'>";
  auto xml = rp::msvm_error_xml(j).value();
  auto props = properties_of(xml);
  EXPECT_EQ(props["Message"].value, j.error_description);
  EXPECT_EQ(props["ProbableCauseDescription"].value, j.error_summary);
  EXPECT_EQ(props.size(), 11u);
}

TEST(MsvmErrorXml, NonAsciiTextRoundTrips) {
  auto j = failed_job();
  j.error_description = "Fehler: Prüfsumme ungültig — 失败";
  EXPECT_EQ(properties_of(rp::msvm_error_xml(j).value())["Message"].value, j.error_description);
}

TEST(MsvmErrorXml, ControlCharactersXmlCannotCarryBecomeReplacementCharacters) {
  auto j = failed_job();
  j.error_description = std::string("a\x01"
                                    "b\x1B"
                                    "c\td\ne") +
                        '\0' + "f";
  auto xml = rp::msvm_error_xml(j).value();
  EXPECT_EQ(xml.find("&#"), std::string::npos) << xml;
  EXPECT_EQ(properties_of(xml)["Message"].value, "a\xEF\xBF\xBD"
                                                 "b\xEF\xBF\xBD"
                                                 "c\td\ne\xEF\xBF\xBD"
                                                 "f");
}

TEST(MsvmErrorXml, EmptyTextIsNullNotAnEmptyValue) {
  auto j = failed_job();
  j.error_description.clear();
  j.error_summary.clear();
  auto props = properties_of(rp::msvm_error_xml(j).value());
  ASSERT_TRUE(props.contains("Message"));
  EXPECT_EQ(props["Message"].value, std::nullopt);
  EXPECT_EQ(props["ProbableCauseDescription"].value, std::nullopt);
}

TEST(MsvmErrorXml, ErrorSourceNamesThisJob) {
  auto j = failed_job();
  j.id = "11111111-2222-3333-4444-555555555555";
  EXPECT_EQ(properties_of(rp::msvm_error_xml(j).value())["ErrorSource"].value,
            R"(Msvm_ConcreteJob.InstanceID="11111111-2222-3333-4444-555555555555")");
}

TEST(MsvmErrorXml, HasNoXmlDeclaration) {
  EXPECT_TRUE(rp::msvm_error_xml(failed_job()).value().starts_with("<INSTANCE "));
}
