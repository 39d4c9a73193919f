#include "protocol/settings.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
namespace json = boost::json;
using rp::consistency_level;
using rp::return_code;
using rp::settings_class;

namespace {

rp::rp_settings decoded(const json::value& v, settings_class cls = settings_class::system) {
  auto r = rp::decode_rp_settings(v, cls);
  EXPECT_TRUE(r.ok()) << json::serialize(v) << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::rp_settings{};
}

/// The failure for `v`, checked to be Invalid Parameter blaming ReferencePointSettings.
rp::failure refused(const json::value& v, settings_class cls = settings_class::system) {
  auto r = rp::decode_rp_settings(v, cls);
  EXPECT_FALSE(r.ok()) << json::serialize(v);
  if (r.ok())
    return {};
  EXPECT_EQ(r.error().code, return_code::invalid_parameter) << r.error().message;
  EXPECT_EQ(r.error().field, "ReferencePointSettings");
  return r.error();
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string minimal_xml(std::string_view cls, std::string_view level) {
  return "<INSTANCE CLASSNAME=\"" + std::string(cls) +
         "\"><PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE>" + std::string(level) +
         "</VALUE></PROPERTY></INSTANCE>";
}

constexpr const char* system_class = "Msvm_VirtualSystemReferencePointSettingData";
constexpr const char* collection_class = "Msvm_CollectionReferencePointSettingData";

/// What `GetText_(1)` (CIM-DTD 2.0) writes for a spawned instance with qualifiers and
/// system properties: a declaration, class and property qualifiers (some holding
/// `VALUE`s and a `VALUE.ARRAY`), a value-less `__PATH`, a self-closing `__RELPATH`,
/// a `PROPERTY.ARRAY`, attributes in varying order, entities in values.
constexpr const char* get_text_1_document = R"(<?xml version="1.0" encoding="utf-16"?>
<INSTANCE CLASSNAME="Msvm_VirtualSystemReferencePointSettingData">
  <QUALIFIER NAME="AMENDMENT" TYPE="boolean" TOSUBCLASS="false"><VALUE>TRUE</VALUE></QUALIFIER>
  <QUALIFIER NAME="Locale" TYPE="sint32" TOINSTANCE="true"><VALUE>1033</VALUE></QUALIFIER>
  <PROPERTY NAME="__PATH" CLASSORIGIN="___SYSTEM" TYPE="string"></PROPERTY>
  <PROPERTY NAME="__NAMESPACE" CLASSORIGIN="___SYSTEM" TYPE="string"><VALUE>ROOT\virtualization\v2</VALUE></PROPERTY>
  <PROPERTY NAME="__SERVER" CLASSORIGIN="___SYSTEM" TYPE="string"><VALUE>HV-HOST01</VALUE></PROPERTY>
  <PROPERTY.ARRAY NAME="__DERIVATION" CLASSORIGIN="___SYSTEM" TYPE="string">
    <VALUE.ARRAY><VALUE>CIM_SettingData</VALUE><VALUE>CIM_ManagedElement</VALUE></VALUE.ARRAY>
  </PROPERTY.ARRAY>
  <PROPERTY NAME="__PROPERTY_COUNT" CLASSORIGIN="___SYSTEM" TYPE="sint32"><VALUE>5</VALUE></PROPERTY>
  <PROPERTY NAME="__RELPATH" CLASSORIGIN="___SYSTEM" TYPE="string"/>
  <PROPERTY TYPE="string" NAME="__DYNASTY" CLASSORIGIN="___SYSTEM"><VALUE>CIM_ManagedElement</VALUE></PROPERTY>
  <PROPERTY CLASSORIGIN="___SYSTEM" NAME="__SUPERCLASS" TYPE="string"><VALUE>CIM_SettingData</VALUE></PROPERTY>
  <PROPERTY NAME="__CLASS" CLASSORIGIN="___SYSTEM" TYPE="string"><VALUE>Msvm_VirtualSystemReferencePointSettingData</VALUE></PROPERTY>
  <PROPERTY NAME="__GENUS" CLASSORIGIN="___SYSTEM" TYPE="sint32"><VALUE>2</VALUE></PROPERTY>
  <PROPERTY NAME="Caption" CLASSORIGIN="CIM_ManagedElement" PROPAGATED="true" TYPE="string">
    <QUALIFIER NAME="MaxLen" TYPE="uint32" PROPAGATED="true"><VALUE>64</VALUE></QUALIFIER>
    <QUALIFIER NAME="read" TYPE="boolean" PROPAGATED="true"><VALUE>TRUE</VALUE></QUALIFIER>
  </PROPERTY>
  <PROPERTY NAME="ConsistencyLevel" CLASSORIGIN="Msvm_VirtualSystemReferencePointSettingData" TYPE="uint8">
    <QUALIFIER NAME="CIMTYPE" TYPE="string" TOINSUBCLASS="false"><VALUE>uint8</VALUE></QUALIFIER>
    <QUALIFIER NAME="ValueMap" TYPE="string"><VALUE.ARRAY><VALUE>0</VALUE><VALUE>1</VALUE><VALUE>2</VALUE></VALUE.ARRAY></QUALIFIER>
    <QUALIFIER NAME="Default" TYPE="uint8"><VALUE>7</VALUE></QUALIFIER>
    <VALUE>2</VALUE>
  </PROPERTY>
  <PROPERTY NAME="Description" PROPAGATED="true" CLASSORIGIN="CIM_ManagedElement" TYPE="string"></PROPERTY>
  <PROPERTY NAME="ElementName" CLASSORIGIN="CIM_ManagedElement" PROPAGATED="true" TYPE="string">
    <QUALIFIER NAME="CIMTYPE" TYPE="string"><VALUE>string</VALUE></QUALIFIER>
    <VALUE>Nightly &lt;full&gt; backup &amp; verify &#x2713;</VALUE>
  </PROPERTY>
  <PROPERTY NAME="InstanceID" CLASSORIGIN="CIM_SettingData" PROPAGATED="true" TYPE="string">
    <QUALIFIER NAME="key" TYPE="boolean" OVERRIDABLE="false"><VALUE>TRUE</VALUE></QUALIFIER>
  </PROPERTY>
</INSTANCE>)";

/// What `GetText_(2)` (WMI-DTD 2.0) writes: the same INSTANCE, with WMI extensions
/// (an embedded object and a reference among the system properties, extra attributes).
constexpr const char* get_text_2_document =
  R"(<INSTANCE CLASSNAME="Msvm_CollectionReferencePointSettingData" xml:lang="en-US" GENUS="2">
<PROPERTY NAME="__PATH" CLASSORIGIN="___SYSTEM" TYPE="string"/>
<PROPERTY.OBJECT NAME="__EXTENSION" CLASSORIGIN="___SYSTEM" REFERENCECLASS="__ExtendedStatus">
  <VALUE.OBJECT><INSTANCE CLASSNAME="__ExtendedStatus"><PROPERTY NAME="Operation" TYPE="string"><VALUE>Spawn</VALUE></PROPERTY></INSTANCE></VALUE.OBJECT>
</PROPERTY.OBJECT>
<PROPERTY.REFERENCE NAME="__OWNER" REFERENCECLASS="Msvm_ComputerSystem" CLASSORIGIN="___SYSTEM">
  <VALUE.REFERENCE><INSTANCENAME CLASSNAME="Msvm_ComputerSystem"><KEYBINDING NAME="Name"><KEYVALUE>X</KEYVALUE></KEYBINDING></INSTANCENAME></VALUE.REFERENCE>
</PROPERTY.REFERENCE>
<PROPERTY.ARRAY NAME="__DERIVATION" CLASSORIGIN="___SYSTEM" TYPE="string" ARRAYSIZE="2"><VALUE.ARRAY><VALUE>CIM_SettingData</VALUE><VALUE.NULL/></VALUE.ARRAY></PROPERTY.ARRAY>
<PROPERTY NAME="ConsistencyLevel" TYPE="uint8" CLASSORIGIN="Msvm_CollectionReferencePointSettingData" MODIFIED="TRUE"><VALUE>2</VALUE></PROPERTY>
<PROPERTY NAME="ElementName" TYPE="string" MODIFIED="TRUE"><VALUE><![CDATA[Group <one>]]></VALUE></PROPERTY>
</INSTANCE>)";

} // namespace

// ---- defaults --------------------------------------------------------------------------

TEST(ReferencePointSettings, DefaultsAreApplicationConsistentWithoutName) {
  rp::rp_settings d;
  EXPECT_EQ(d.element_name, "");
  EXPECT_EQ(d.consistency, consistency_level::application);
}

TEST(ReferencePointSettings, NullGivesDefaults) {
  EXPECT_EQ(decoded(nullptr), rp::rp_settings{});
  EXPECT_EQ(decoded(nullptr, settings_class::collection), rp::rp_settings{});
}

TEST(ReferencePointSettings, EmptyOrBlankStringGivesDefaults) {
  for (const char* text : {"", " ", "\t\r\n  ", "\xEF\xBB\xBF"})
    EXPECT_EQ(decoded(json::string(text)), rp::rp_settings{}) << text;
}

// ---- minimal hand-written CIM-XML --------------------------------------------------------

TEST(ReferencePointSettings, MinimalXmlSetsSystemConsistency) {
  EXPECT_EQ(decoded(json::string(minimal_xml(system_class, "1"))).consistency,
            consistency_level::application);
  EXPECT_EQ(decoded(json::string(minimal_xml(system_class, "2"))).consistency,
            consistency_level::crash);
}

TEST(ReferencePointSettings, CollectionClassSwapsConsistencyNumbering) {
  auto cls = settings_class::collection;
  EXPECT_EQ(decoded(json::string(minimal_xml(collection_class, "1")), cls).consistency,
            consistency_level::crash);
  EXPECT_EQ(decoded(json::string(minimal_xml(collection_class, "2")), cls).consistency,
            consistency_level::application);
}

TEST(ReferencePointSettings, XmlNamesAreCaseInsensitive) {
  auto xml = "<instance classname=\"MSVM_virtualsystemreferencepointsettingdata\">"
             "<property name=\"consistencylevel\" type=\"uint8\"><value>2</value></property>"
             "<Property Name=\"ELEMENTNAME\"><Value>n</Value></Property></instance>";
  auto s = decoded(json::string(xml));
  EXPECT_EQ(s.consistency, consistency_level::crash);
  EXPECT_EQ(s.element_name, "n");
}

TEST(ReferencePointSettings, XmlValueToleratesSurroundingWhitespaceInNumbers) {
  EXPECT_EQ(decoded(json::string(minimal_xml(system_class, " 2\n"))).consistency,
            consistency_level::crash);
}

TEST(ReferencePointSettings, XmlKeepsElementNameExactly) {
  auto xml = std::string("<INSTANCE CLASSNAME=\"") + system_class +
             "\"><PROPERTY NAME=\"ElementName\" TYPE=\"string\"><VALUE>  two  spaces "
             "</VALUE></PROPERTY></INSTANCE>";
  EXPECT_EQ(decoded(json::string(xml)).element_name, "  two  spaces ");
}

TEST(ReferencePointSettings, XmlPropertyWithoutValueKeepsDefault) {
  auto xml = std::string("<INSTANCE CLASSNAME=\"") + system_class +
             "\"><PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"/>"
             "<PROPERTY NAME=\"ElementName\" TYPE=\"string\"></PROPERTY></INSTANCE>";
  EXPECT_EQ(decoded(json::string(xml)), rp::rp_settings{});
}

TEST(ReferencePointSettings, InstanceWithoutPropertiesGivesDefaults) {
  EXPECT_EQ(decoded(json::string(std::string("<INSTANCE CLASSNAME=\"") + system_class + "\"/>")),
            rp::rp_settings{});
}

TEST(ReferencePointSettings, SurroundingWhitespaceAroundXmlIsIgnored) {
  EXPECT_EQ(decoded(json::string("\n  " + minimal_xml(system_class, "2") + "\r\n")).consistency,
            consistency_level::crash);
}

// ---- what Windows clients send -----------------------------------------------------------

TEST(ReferencePointSettings, AcceptsFullGetText1Document) {
  auto s = decoded(json::string(get_text_1_document));
  EXPECT_EQ(s.consistency, consistency_level::crash) << "only the property's own VALUE counts";
  EXPECT_EQ(s.element_name, "Nightly <full> backup & verify \xE2\x9C\x93");
}

TEST(ReferencePointSettings, AcceptsGetText1DocumentWithoutDeclaration) {
  std::string doc = get_text_1_document;
  doc.erase(0, doc.find("<INSTANCE"));
  EXPECT_EQ(decoded(json::string(doc)).consistency, consistency_level::crash);
}

TEST(ReferencePointSettings, AcceptsWmiDtd20Document) {
  auto s = decoded(json::string(get_text_2_document), settings_class::collection);
  EXPECT_EQ(s.consistency, consistency_level::application);
  EXPECT_EQ(s.element_name, "Group <one>");
}

TEST(ReferencePointSettings, AcceptsInstanceInsideAValueWrapper) {
  auto xml = "<VALUE.NAMEDOBJECT><INSTANCENAME CLASSNAME=\"" + std::string(system_class) + "\"/>" +
             minimal_xml(system_class, "2") + "</VALUE.NAMEDOBJECT>";
  EXPECT_EQ(decoded(json::string(xml)).consistency, consistency_level::crash);
}

TEST(ReferencePointSettings, IgnoresCommentsAndDoctype) {
  auto xml = "<?xml version=\"1.0\"?><!DOCTYPE INSTANCE><!-- from a script -->" +
             minimal_xml(system_class, "2") + "<!-- end -->";
  EXPECT_EQ(decoded(json::string(xml)).consistency, consistency_level::crash);
}

// ---- JSON forms ------------------------------------------------------------------------

TEST(ReferencePointSettings, AcceptsJsonObject) {
  auto s = decoded(json::parse(R"({"ElementName": "nightly", "ConsistencyLevel": 2})"));
  EXPECT_EQ(s.element_name, "nightly");
  EXPECT_EQ(s.consistency, consistency_level::crash);
}

TEST(ReferencePointSettings, AcceptsStringHoldingJsonObject) {
  auto s = decoded(json::string(R"( {"ElementName": "x", "ConsistencyLevel": 2} )"));
  EXPECT_EQ(s.element_name, "x");
  EXPECT_EQ(s.consistency, consistency_level::crash);
}

TEST(ReferencePointSettings, JsonUsesCollectionNumberingForCollectionClass) {
  auto cls = settings_class::collection;
  EXPECT_EQ(decoded(json::parse(R"({"ConsistencyLevel": 1})"), cls).consistency,
            consistency_level::crash);
  EXPECT_EQ(decoded(json::parse(R"({"ConsistencyLevel": 2})"), cls).consistency,
            consistency_level::application);
}

TEST(ReferencePointSettings, JsonClassIsOptionalButChecked) {
  EXPECT_EQ(decoded(json::parse(R"({"__CLASS": "msvm_virtualsystemreferencepointsettingdata",
                                    "ConsistencyLevel": 2})"))
              .consistency,
            consistency_level::crash);
  auto e = refused(json::parse(R"({"__CLASS": "Msvm_CollectionReferencePointSettingData"})"));
  EXPECT_TRUE(contains(e.message, "Msvm_CollectionReferencePointSettingData")) << e.message;
  auto t = refused(json::parse(R"({"__CLASS": 5})"));
  EXPECT_TRUE(contains(t.message, "__CLASS")) << t.message;
}

TEST(ReferencePointSettings, JsonPropertyNamesAreCaseInsensitive) {
  auto s = decoded(json::parse(R"({"elementname": "a", "CONSISTENCYLEVEL": 2})"));
  EXPECT_EQ(s.element_name, "a");
  EXPECT_EQ(s.consistency, consistency_level::crash);
}

TEST(ReferencePointSettings, JsonNullsKeepDefaults) {
  EXPECT_EQ(decoded(json::parse(R"({"ElementName": null, "ConsistencyLevel": null})")),
            rp::rp_settings{});
  EXPECT_EQ(decoded(json::parse("{}")), rp::rp_settings{});
}

TEST(ReferencePointSettings, JsonAcceptsConsistencyLevelAsDigitString) {
  EXPECT_EQ(decoded(json::parse(R"({"ConsistencyLevel": "2"})")).consistency,
            consistency_level::crash);
}

TEST(ReferencePointSettings, IgnoresDescriptiveAndSystemProperties) {
  auto s = decoded(json::parse(R"({"InstanceID": "x", "Caption": "c", "Description": null,
                                   "__PATH": "", "__GENUS": 2, "__DERIVATION": ["a"],
                                   "ConsistencyLevel": 2})"));
  EXPECT_EQ(s.consistency, consistency_level::crash);
}

// ---- refusals --------------------------------------------------------------------------

TEST(ReferencePointSettings, OtherJsonTypesAreRefused) {
  for (const json::value& v :
       {json::value(1), json::value(2.5), json::value(true), json::value(json::array{1})}) {
    auto e = refused(v);
    EXPECT_TRUE(contains(e.message, "must be a string, an object or null")) << e.message;
  }
}

TEST(ReferencePointSettings, WrongXmlClassIsRefusedNamingIt) {
  auto e = refused(json::string(minimal_xml(collection_class, "1")));
  EXPECT_TRUE(contains(e.message, collection_class)) << e.message;
  EXPECT_TRUE(contains(e.message, system_class)) << e.message;
  auto c = refused(json::string(minimal_xml("Msvm_VirtualSystemSettingData", "1")),
                   settings_class::collection);
  EXPECT_TRUE(contains(c.message, "Msvm_VirtualSystemSettingData")) << c.message;
}

TEST(ReferencePointSettings, WmiDtd20DocumentOfCollectionClassIsRefusedForSystems) {
  auto e = refused(json::string(get_text_2_document));
  EXPECT_TRUE(contains(e.message, collection_class)) << e.message;
}

TEST(ReferencePointSettings, ConsistencyLevelOutsideOneAndTwoIsRefusedNamingTheValue) {
  for (const char* level : {"0", "3", "255", "-1", "99999999999999999999"}) {
    auto e = refused(json::string(minimal_xml(system_class, level)));
    EXPECT_TRUE(contains(e.message, "ConsistencyLevel")) << e.message;
    EXPECT_TRUE(contains(e.message, level)) << e.message;
  }
  auto c = refused(json::parse(R"({"ConsistencyLevel": 0})"), settings_class::collection);
  EXPECT_TRUE(contains(c.message, "ConsistencyLevel 0")) << c.message;
  EXPECT_TRUE(contains(c.message, "1 (Crash) or 2 (Application)")) << c.message;
}

TEST(ReferencePointSettings, NonIntegerConsistencyLevelIsRefusedNamingTheValue) {
  for (const char* level : {"Crash", "1.0", "", "0x1", "+1", "1 2"}) {
    auto e = refused(json::string(minimal_xml(system_class, level)));
    EXPECT_TRUE(contains(e.message, "ConsistencyLevel")) << e.message;
    EXPECT_TRUE(contains(e.message, level)) << e.message;
  }
  for (auto text : {R"({"ConsistencyLevel": 1.5})", R"({"ConsistencyLevel": 1.0})",
                    R"({"ConsistencyLevel": true})", R"({"ConsistencyLevel": [1]})",
                    R"({"ConsistencyLevel": "crash"})", R"({"ConsistencyLevel": {}})",
                    R"({"ConsistencyLevel": 18446744073709551615})"}) {
    auto e = refused(json::parse(text));
    EXPECT_TRUE(contains(e.message, "ConsistencyLevel")) << e.message;
  }
}

TEST(ReferencePointSettings, ConsistencyLevelArrayInXmlIsRefused) {
  auto xml = std::string("<INSTANCE CLASSNAME=\"") + system_class +
             "\"><PROPERTY.ARRAY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE.ARRAY>"
             "<VALUE>1</VALUE></VALUE.ARRAY></PROPERTY.ARRAY></INSTANCE>";
  auto e = refused(json::string(xml));
  EXPECT_TRUE(contains(e.message, "ConsistencyLevel [\"1\"]")) << e.message;
}

TEST(ReferencePointSettings, ElementNameMustBeAString) {
  auto e = refused(json::parse(R"({"ElementName": 5})"));
  EXPECT_TRUE(contains(e.message, "ElementName 5")) << e.message;
  auto xml = std::string("<INSTANCE CLASSNAME=\"") + system_class +
             "\"><PROPERTY.REFERENCE NAME=\"ElementName\"/></INSTANCE>";
  EXPECT_TRUE(contains(refused(json::string(xml)).message, "ElementName")) << xml;
}

TEST(ReferencePointSettings, UnknownPropertyIsRefusedAsATypo) {
  auto e = refused(json::parse(R"({"ConsistencyLevle": 1})"));
  EXPECT_TRUE(contains(e.message, "unknown property ConsistencyLevle")) << e.message;
  auto xml = std::string("<INSTANCE CLASSNAME=\"") + system_class +
             "\"><PROPERTY NAME=\"ElementNmae\" TYPE=\"string\"><VALUE>x</VALUE></PROPERTY>"
             "</INSTANCE>";
  auto x = refused(json::string(xml));
  EXPECT_TRUE(contains(x.message, "unknown property ElementNmae")) << x.message;
}

TEST(ReferencePointSettings, RepeatedPropertyIsRefused) {
  auto e = refused(json::parse(R"({"ConsistencyLevel": 1, "consistencylevel": 2})"));
  EXPECT_TRUE(contains(e.message, "repeats property consistencylevel")) << e.message;
  auto xml = std::string("<INSTANCE CLASSNAME=\"") + system_class +
             "\"><PROPERTY NAME=\"ElementName\"><VALUE>a</VALUE></PROPERTY>"
             "<PROPERTY NAME=\"ElementName\"><VALUE>b</VALUE></PROPERTY></INSTANCE>";
  EXPECT_TRUE(contains(refused(json::string(xml)).message, "repeats property ElementName"));
}

TEST(ReferencePointSettings, MalformedXmlIsRefusedWithParserDescriptionAndOffset) {
  auto e = refused(json::string("<INSTANCE CLASSNAME=\"x\"><PROPERTY></INSTANCE>"));
  EXPECT_TRUE(contains(e.message, "not well-formed XML")) << e.message;
  EXPECT_TRUE(contains(e.message, "Start-end tags mismatch")) << e.message;
  EXPECT_TRUE(contains(e.message, "at offset 36")) << e.message;
  auto u = refused(json::string("<INSTANCE CLASSNAME=\"x>"));
  EXPECT_TRUE(contains(u.message, "not well-formed XML")) << u.message;
  EXPECT_TRUE(contains(u.message, "at offset")) << u.message;
}

TEST(ReferencePointSettings, XmlWithoutInstanceIsRefused) {
  auto e = refused(json::string("<CLASS NAME=\"Msvm_X\"/>"));
  EXPECT_TRUE(contains(e.message, "<CLASS>")) << e.message;
  auto w = refused(json::string("<VALUE.OBJECT><CLASS NAME=\"X\"/></VALUE.OBJECT>"));
  EXPECT_TRUE(contains(w.message, "<VALUE.OBJECT>")) << w.message;
  auto c = refused(json::string("<!-- nothing -->"));
  EXPECT_TRUE(contains(c.message, "not well-formed XML: No document element found")) << c.message;
}

TEST(ReferencePointSettings, XmlWithTwoRootsIsRefused) {
  auto two = minimal_xml(system_class, "1") + minimal_xml(system_class, "2");
  EXPECT_TRUE(contains(refused(json::string(two)).message, "more than one root element"));
}

TEST(ReferencePointSettings, InstanceWithoutClassNameIsRefused) {
  auto e = refused(json::string("<INSTANCE><PROPERTY NAME=\"ElementName\"/></INSTANCE>"));
  EXPECT_TRUE(contains(e.message, "without CLASSNAME")) << e.message;
}

TEST(ReferencePointSettings, PropertyWithoutNameIsRefused) {
  auto xml = std::string("<INSTANCE CLASSNAME=\"") + system_class +
             "\"><PROPERTY.ARRAY TYPE=\"string\"/></INSTANCE>";
  auto e = refused(json::string(xml));
  EXPECT_TRUE(contains(e.message, "<PROPERTY.ARRAY> element without NAME")) << e.message;
}

TEST(ReferencePointSettings, UnexpectedElementInInstanceIsRefused) {
  auto xml = std::string("<INSTANCE CLASSNAME=\"") + system_class +
             "\"><PROPERTYY NAME=\"ElementName\"/></INSTANCE>";
  auto e = refused(json::string(xml));
  EXPECT_TRUE(contains(e.message, "unexpected <PROPERTYY>")) << e.message;
}

TEST(ReferencePointSettings, MalformedJsonTextIsRefusedWithOffset) {
  auto e = refused(json::string(R"({"ElementName": "x",})"));
  EXPECT_TRUE(contains(e.message, "not valid JSON")) << e.message;
  EXPECT_TRUE(contains(e.message, "at offset 20")) << e.message;
  auto t = refused(json::string(R"({"ElementName": "x"} extra)"));
  EXPECT_TRUE(contains(t.message, "not valid JSON")) << t.message;
}

TEST(ReferencePointSettings, TextThatIsNeitherXmlNorJsonObjectIsRefused) {
  for (const char* text : {"crash", "1", "[1]", "\"x\"", "null"}) {
    auto e = refused(json::string(text));
    EXPECT_TRUE(contains(e.message, "neither CIM-XML nor a JSON object")) << e.message;
  }
}
