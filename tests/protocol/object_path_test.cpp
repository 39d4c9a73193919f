#include "protocol/object_path.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
using rp::return_code;

namespace {

constexpr const char* guid = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";
constexpr const char* lower_guid = "8a496b9c-af4d-4e98-bd3c-1128cd85320d";

rp::object_path parsed(std::string_view text) {
  auto r = rp::parse_object_path(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : rp::object_path{};
}

rp::failure parse_error(std::string_view text) {
  auto r = rp::parse_object_path(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? rp::failure{} : r.error();
}

rp::failure resolve_error(std::string_view text) {
  auto r = rp::resolve_reference(text, "Msvm_ComputerSystem", "Name", "AffectedSystem");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? rp::failure{} : r.error();
}

std::string resolved(std::string_view text) {
  auto r = rp::resolve_reference(text, "Msvm_ComputerSystem", "Name", "AffectedSystem");
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : std::string{};
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace

// ---- formatting ------------------------------------------------------------------------

TEST(ObjectPath, FormatsJobPathAsWmiDoes) {
  EXPECT_EQ(rp::job_path(guid), std::string("Msvm_ConcreteJob.InstanceID=\"") + guid + "\"");
}

TEST(ObjectPath, FormatsSystemPathWithCreationClassNameFirst) {
  EXPECT_EQ(rp::system_path(guid),
            std::string("Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"") +
              guid + "\"");
}

TEST(ObjectPath, FormatsReferencePointPathWithInstanceIdThenSystem) {
  EXPECT_EQ(rp::reference_point_path("11111111-2222-3333-4444-555555555555", guid),
            std::string("Msvm_VirtualSystemReferencePoint.InstanceID=\"11111111-2222-3333-4444-"
                        "555555555555\",VirtualSystemIdentifier=\"") +
              guid + "\"");
}

TEST(ObjectPath, FormatsCollectionPathByInstanceId) {
  EXPECT_EQ(rp::collection_path(guid),
            std::string("Msvm_VirtualSystemCollection.InstanceID=\"") + guid + "\"");
}

TEST(ObjectPath, FormatsCollectionReferencePointPathByCollectionId) {
  EXPECT_EQ(rp::collection_reference_point_path(guid),
            std::string("Msvm_ReferencePointCollection.CollectionID=\"") + guid + "\"");
}

TEST(ObjectPath, CollectionPathsResolveBackToTheirKeys) {
  auto collection = rp::resolve_reference(rp::collection_path(guid), "Msvm_VirtualSystemCollection",
                                          "InstanceID", "C");
  ASSERT_TRUE(collection.ok());
  EXPECT_EQ(collection.value(), guid);
  auto point = rp::resolve_reference(rp::collection_reference_point_path(guid),
                                     "Msvm_ReferencePointCollection", "CollectionID", "P");
  ASSERT_TRUE(point.ok());
  EXPECT_EQ(point.value(), guid);
}

TEST(ObjectPath, FormatEscapesQuotesAndBackslashes) {
  rp::object_path p{{}, {}, "Msvm_Disk", {{"Path", R"(C:\VMs\a "b".vhdx)"}}};
  EXPECT_EQ(rp::format_object_path(p), R"(Msvm_Disk.Path="C:\\VMs\\a \"b\".vhdx")");
}

TEST(ObjectPath, FormatWritesHostAndNamespacePrefix) {
  rp::object_path p{
    "HV01", R"(root\virtualization\v2)", "Msvm_ConcreteJob", {{"InstanceID", guid}}};
  EXPECT_EQ(rp::format_object_path(p),
            std::string(R"(\\HV01\root\virtualization\v2:Msvm_ConcreteJob.InstanceID=")") + guid +
              "\"");
}

TEST(ObjectPath, FormatWritesNamespaceAloneWhenHostIsEmpty) {
  rp::object_path p{{}, R"(root\virtualization\v2)", "Msvm_ConcreteJob", {{"InstanceID", "x"}}};
  EXPECT_EQ(rp::format_object_path(p), R"(root\virtualization\v2:Msvm_ConcreteJob.InstanceID="x")");
}

TEST(ObjectPath, FormatOfClassWithoutKeysIsTheClassName) {
  EXPECT_EQ(rp::format_object_path({{}, {}, "Msvm_ComputerSystem", {}}), "Msvm_ComputerSystem");
}

// ---- parsing ---------------------------------------------------------------------------

TEST(ObjectPath, ParsesJobPath) {
  auto p = parsed(rp::job_path(guid));
  EXPECT_EQ(p.host, "");
  EXPECT_EQ(p.name_space, "");
  EXPECT_EQ(p.class_name, "Msvm_ConcreteJob");
  ASSERT_EQ(p.keys.size(), 1u);
  EXPECT_EQ(p.keys[0].first, "InstanceID");
  EXPECT_EQ(p.keys[0].second, guid);
}

TEST(ObjectPath, KeepsKeysInWrittenOrder) {
  auto p = parsed(rp::system_path(guid));
  ASSERT_EQ(p.keys.size(), 2u);
  EXPECT_EQ(p.keys[0],
            (std::pair<std::string, std::string>{"CreationClassName", "Msvm_ComputerSystem"}));
  EXPECT_EQ(p.keys[1], (std::pair<std::string, std::string>{"Name", guid}));
}

TEST(ObjectPath, AcceptsKeysInAnyOrder) {
  auto p = parsed(std::string("Msvm_ComputerSystem.Name=\"") + guid +
                  "\",CreationClassName=\"Msvm_ComputerSystem\"");
  EXPECT_EQ(p.key("Name"), guid);
  EXPECT_EQ(p.key("CreationClassName"), "Msvm_ComputerSystem");
  EXPECT_EQ(p.keys[0].first, "Name");
}

TEST(ObjectPath, ParsesHostAndNamespacePrefix) {
  auto p =
    parsed(std::string(R"(\\HV-HOST01\root\virtualization\v2:Msvm_ConcreteJob.InstanceID=")") +
           guid + "\"");
  EXPECT_EQ(p.host, "HV-HOST01");
  EXPECT_EQ(p.name_space, R"(root\virtualization\v2)");
  EXPECT_EQ(p.class_name, "Msvm_ConcreteJob");
  EXPECT_EQ(p.key("InstanceID"), guid);
}

TEST(ObjectPath, AcceptsDotAsLocalHost) {
  auto p = parsed(R"(\\.\root\virtualization\v2:Msvm_ComputerSystem.Name="a")");
  EXPECT_EQ(p.host, ".");
  EXPECT_EQ(p.name_space, R"(root\virtualization\v2)");
}

TEST(ObjectPath, AcceptsNamespaceRelativePath) {
  auto p = parsed(R"(root\virtualization\v2:Msvm_ComputerSystem.Name="a")");
  EXPECT_EQ(p.host, "");
  EXPECT_EQ(p.name_space, R"(root\virtualization\v2)");
  EXPECT_EQ(p.class_name, "Msvm_ComputerSystem");
}

TEST(ObjectPath, ClassAndKeyNamesAreCaseInsensitive) {
  auto p = parsed(R"(msvm_computersystem.NAME="a",creationclassname="Msvm_ComputerSystem")");
  EXPECT_TRUE(p.is_class("Msvm_ComputerSystem"));
  EXPECT_TRUE(p.is_class("MSVM_COMPUTERSYSTEM"));
  EXPECT_FALSE(p.is_class("Msvm_ComputerSystem2"));
  EXPECT_EQ(p.key("name"), "a");
  EXPECT_EQ(p.key("CreationClassName"), "Msvm_ComputerSystem");
  EXPECT_EQ(p.class_name, "msvm_computersystem") << "names are kept as written";
}

TEST(ObjectPath, KeyValuesAreCaseSensitive) {
  auto p = parsed(R"(C.Name="AbC")");
  EXPECT_EQ(p.key("Name"), "AbC");
}

TEST(ObjectPath, MissingKeyIsNullopt) {
  EXPECT_EQ(parsed(R"(C.Name="a")").key("InstanceID"), std::nullopt);
}

TEST(ObjectPath, UnescapesQuotesAndBackslashes) {
  auto p = parsed(R"(Msvm_Disk.Path="C:\\VMs\\a \"b\".vhdx")");
  EXPECT_EQ(p.key("Path"), R"(C:\VMs\a "b".vhdx)");
}

TEST(ObjectPath, AcceptsSeparatorsInsideQuotedValues) {
  auto p = parsed(R"(C.A="x,y=z.w:v",B="")");
  EXPECT_EQ(p.key("A"), "x,y=z.w:v");
  EXPECT_EQ(p.key("B"), "");
}

TEST(ObjectPath, AcceptsUnquotedIntegerValues) {
  auto p = parsed(R"(Msvm_Thing.Id=42,Offset=-7,Name="a")");
  EXPECT_EQ(p.key("Id"), "42");
  EXPECT_EQ(p.key("Offset"), "-7");
  EXPECT_EQ(p.key("Name"), "a");
}

TEST(ObjectPath, AcceptsClassWithoutKeys) {
  auto p = parsed("Msvm_ComputerSystem");
  EXPECT_EQ(p.class_name, "Msvm_ComputerSystem");
  EXPECT_TRUE(p.keys.empty());
}

TEST(ObjectPath, KeepsNonAsciiValues) {
  EXPECT_EQ(parsed("C.ElementName=\"Sauvegarde \xC3\xA9t\xC3\xA9\"").key("ElementName"),
            "Sauvegarde \xC3\xA9t\xC3\xA9");
}

// ---- round trips -----------------------------------------------------------------------

TEST(ObjectPath, ParseOfFormatGivesBackThePath) {
  std::vector<rp::object_path> paths{
    {{}, {}, "Msvm_ConcreteJob", {{"InstanceID", guid}}},
    {{}, {}, "Msvm_ComputerSystem", {{"CreationClassName", "Msvm_ComputerSystem"}, {"Name", guid}}},
    {"HV01", R"(root\virtualization\v2)", "Msvm_ConcreteJob", {{"InstanceID", guid}}},
    {".", R"(root\virtualization\v2)", "X", {{"K", "v"}}},
    {{}, R"(root\cimv2)", "X", {{"K", "v"}}},
    {{}, {}, "Msvm_Disk", {{"Path", R"(C:\a\"b"\\)"}}},
    {{}, {}, "Msvm_Disk", {{"Path", "\\"}, {"Other", "\""}, {"Empty", ""}}},
    {{}, {}, "C", {{"A", "x,y=z.w:v"}, {"B", "\xC3\xA9"}}},
    {{}, {}, "C", {}},
  };
  for (const auto& p : paths) {
    auto text = rp::format_object_path(p);
    auto back = rp::parse_object_path(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.error().message;
    EXPECT_EQ(back.value(), p) << text;
  }
}

TEST(ObjectPath, FormatOfParsedWmiPathGivesBackTheText) {
  for (std::string text :
       {rp::job_path(guid), rp::system_path(guid), rp::reference_point_path(guid, lower_guid),
        std::string(R"(\\.\root\virtualization\v2:Msvm_ConcreteJob.InstanceID="x")"),
        std::string(R"(Msvm_Disk.Path="C:\\VMs\\d.vhdx")")})
    EXPECT_EQ(rp::format_object_path(parsed(text)), text);
}

TEST(ObjectPath, UnquotedIntegersFormatAsQuotedStrings) {
  EXPECT_EQ(rp::format_object_path(parsed("C.Id=42")), R"(C.Id="42")");
}

// ---- parse errors ----------------------------------------------------------------------

struct parse_error_case {
  std::string text;
  std::string expected; ///< part of the message, including the offset
};

TEST(ObjectPath, ErrorsAreInvalidParameterAndSayWhere) {
  std::vector<parse_error_case> cases{
    {"", "expected a class name at offset 0"},
    {"1Msvm", "expected a class name at offset 0"},
    {"\"Msvm\"", "expected a class name at offset 0"},
    {"Msvm_X Name", "expected '.' after the class name at offset 6"},
    {"Msvm_X.", "expected a key name at offset 7"},
    {"Msvm_X.Name", "expected '=' after key Name at offset 11"},
    {"Msvm_X.Name:\"a\"", "expected '=' after key Name at offset 11"},
    {"Msvm_X.Name=", "expected a quoted string or an integer at offset 12"},
    {"Msvm_X.Name=abc", "expected a quoted string or an integer at offset 12"},
    {"Msvm_X.Name=-", "expected a quoted string or an integer at offset 12"},
    {"Msvm_X.Name=TRUE", "expected a quoted string or an integer at offset 12"},
    {"Msvm_X.Name=\"abc", "unterminated string value at offset 16"},
    {"Msvm_X.Name=\"a\\\"", "unterminated string value at offset 16"},
    {"Msvm_X.Name=\"a\\nb\"", "unsupported escape"},
    {"Msvm_X.Name=\"a\\nb\"", "at offset 14"},
    {"Msvm_X.Name=\"a\"x", "expected ',' or the end of the path at offset 15"},
    {"Msvm_X.Name=12x", "expected ',' or the end of the path at offset 14"},
    {"Msvm_X.Name=\"a\",", "expected a key name at offset 16"},
    {"Msvm_X.Name=\"a\",,B=\"b\"", "expected a key name at offset 16"},
    {"Msvm_X.Name=\"a\",name=\"b\"", "duplicate key name at offset 16"},
    {"Msvm_X.Name=\"a\" ", "expected ',' or the end of the path at offset 15"},
    {" Msvm_X.Name=\"a\"", "expected a class name at offset 0"},
    {"\\\\", "expected a host name followed by '\\' at offset 2"},
    {"\\\\HOST", "expected a host name followed by '\\' at offset 2"},
    {"\\\\\\root:C.K=1", "expected a host name followed by '\\' at offset 2"},
    {"\\\\HOST\\:C.K=1", "expected a namespace at offset 7"},
    {"\\\\HOST\\root\\v2", "expected ':' after the namespace at offset 14"},
    {"\\\\HOST\\root\\v2.C.K=1", "expected ':' after the namespace at offset 14"},
    {":C.K=1", "expected a namespace at offset 0"},
    {"root:", "expected a class name at offset 5"},
  };
  for (const auto& c : cases) {
    auto e = parse_error(c.text);
    EXPECT_EQ(e.code, return_code::invalid_parameter) << c.text;
    EXPECT_TRUE(contains(e.message, "invalid object path")) << e.message;
    EXPECT_TRUE(contains(e.message, c.expected)) << c.text << " → " << e.message;
  }
}

// ---- resolving references --------------------------------------------------------------

TEST(ResolveReference, GivesTheKeyValueOfAFullPath) {
  EXPECT_EQ(resolved(rp::system_path(guid)), guid);
}

TEST(ResolveReference, AcceptsPrefixedPaths) {
  EXPECT_EQ(
    resolved(
      std::string(
        R"(\\HV01\root\virtualization\v2:Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name=")") +
      guid + "\""),
    guid);
  EXPECT_EQ(
    resolved(std::string(R"(\\.\root\virtualization\v2:Msvm_ComputerSystem.Name=")") + guid + "\""),
    guid);
}

TEST(ResolveReference, AcceptsKeysInAnyOrderAndAnyCase) {
  EXPECT_EQ(resolved(std::string("MSVM_COMPUTERSYSTEM.name=\"") + guid +
                     "\",creationclassname=\"Msvm_ComputerSystem\""),
            guid);
}

TEST(ResolveReference, AcceptsABareGuidInUpperCase) {
  EXPECT_EQ(resolved(lower_guid), guid);
  EXPECT_EQ(resolved(guid), guid);
}

TEST(ResolveReference, AcceptsABracedGuid) {
  EXPECT_EQ(resolved(std::string("{") + lower_guid + "}"), guid);
}

TEST(ResolveReference, CanonicalizesGuidKeyValues) {
  EXPECT_EQ(resolved(std::string("Msvm_ComputerSystem.Name=\"") + lower_guid + "\""), guid);
}

TEST(ResolveReference, KeepsOtherKeyValuesAsWritten) {
  EXPECT_EQ(resolved(R"(Msvm_ComputerSystem.Name="My-Host vm")"), "My-Host vm");
  EXPECT_EQ(resolved(R"(Msvm_ComputerSystem.Name=17)"), "17");
}

TEST(ResolveReference, IgnoresSurroundingWhitespace) {
  EXPECT_EQ(resolved(std::string("  ") + guid + "\n"), guid);
  EXPECT_EQ(resolved(" \t" + rp::system_path(guid) + "\r\n"), guid);
}

TEST(ResolveReference, EmptyIsInvalidParameterNamingTheField) {
  for (std::string_view text : {"", "   ", "\n"}) {
    auto e = resolve_error(text);
    EXPECT_EQ(e.code, return_code::invalid_parameter);
    EXPECT_EQ(e.field, "AffectedSystem");
    EXPECT_TRUE(contains(e.message, "AffectedSystem is empty")) << e.message;
  }
}

TEST(ResolveReference, UnparsableIsInvalidParameterWithTheOffset) {
  auto e = resolve_error("Msvm_ComputerSystem.Name=");
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedSystem");
  EXPECT_TRUE(contains(e.message, "AffectedSystem")) << e.message;
  EXPECT_TRUE(contains(e.message, "at offset 25")) << e.message;
}

TEST(ResolveReference, MalformedGuidIsUnparsable) {
  for (std::string_view text : {"8A496B9C-AF4D-4E98-BD3C-1128CD85320", "{8A496B9C-AF4D-4E98-BD3C}",
                                "8A496B9C_AF4D_4E98_BD3C_1128CD85320D"}) {
    auto e = resolve_error(text);
    EXPECT_EQ(e.code, return_code::invalid_parameter) << text;
    EXPECT_EQ(e.field, "AffectedSystem");
  }
}

TEST(ResolveReference, PathOfAnotherClassIsInvalidTypeNamingBothClasses) {
  auto e = resolve_error(rp::job_path(guid));
  EXPECT_EQ(e.code, return_code::invalid_type);
  EXPECT_EQ(e.field, "AffectedSystem");
  EXPECT_TRUE(contains(e.message, "Msvm_ConcreteJob")) << e.message;
  EXPECT_TRUE(contains(e.message, "Msvm_ComputerSystem")) << e.message;
}

TEST(ResolveReference, MissingKeyIsInvalidParameter) {
  auto e = resolve_error(R"(Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem")");
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_EQ(e.field, "AffectedSystem");
  EXPECT_TRUE(contains(e.message, "no Name key")) << e.message;
}

TEST(ResolveReference, ClassPathWithoutKeysIsMissingKey) {
  auto e = resolve_error("Msvm_ComputerSystem");
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_TRUE(contains(e.message, "no Name key")) << e.message;
}

TEST(ResolveReference, EmptyKeyValueIsInvalidParameter) {
  auto e = resolve_error(R"(Msvm_ComputerSystem.Name="")");
  EXPECT_EQ(e.code, return_code::invalid_parameter);
  EXPECT_TRUE(contains(e.message, "empty Name key")) << e.message;
}

TEST(ResolveReference, UsesTheGivenClassKeyAndField) {
  auto r = rp::resolve_reference(std::string("Msvm_VirtualSystemCollection.InstanceID=\"") +
                                   lower_guid + "\"",
                                 "Msvm_VirtualSystemCollection", "InstanceID", "Collection");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), guid);
  auto e = rp::resolve_reference(rp::system_path(guid), "Msvm_VirtualSystemCollection",
                                 "InstanceID", "Collection");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, return_code::invalid_type);
  EXPECT_EQ(e.error().field, "Collection");
}
