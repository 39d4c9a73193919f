// The CLI's parsing and formatting pieces, without a server.

#include "app/cli/args.hpp"
#include "app/cli/disk_spec.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/server_url.hpp"
#include "app/cli/table.hpp"
#include "app/cli/views.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <sstream>

namespace refpoint::cli {
namespace {

namespace json = boost::json;

std::variant<command_line, std::string> split(std::vector<const char*> args) {
  return split_command_line(args);
}

TEST(CliArgs, OptionsMayStandAnywhereInAnyForm) {
  auto parsed =
    split({"--json", "systems", "create", "--name=vm 1", "--disk", "a:1M", "--disk", "b:2M"});
  ASSERT_TRUE(std::holds_alternative<command_line>(parsed));
  const auto& line = std::get<command_line>(parsed);
  EXPECT_EQ(line.words, (std::vector<std::string>{"systems", "create"}));
  EXPECT_TRUE(line.has("json"));
  EXPECT_EQ(line.value("name"), "vm 1");
  EXPECT_EQ(line.values("disk"), (std::vector<std::string>{"a:1M", "b:2M"}));
}

TEST(CliArgs, DoubleDashEndsOptions) {
  auto parsed = split({"collections", "create", "--", "--odd name"});
  ASSERT_TRUE(std::holds_alternative<command_line>(parsed));
  EXPECT_EQ(std::get<command_line>(parsed).words.back(), "--odd name");
}

TEST(CliArgs, RejectsUnknownOptionsAndMissingValues) {
  EXPECT_EQ(std::get<std::string>(split({"systems", "list", "--colour"})),
            "unknown option '--colour'");
  EXPECT_EQ(std::get<std::string>(split({"create", "vm", "--type"})),
            "option '--type' needs a value");
  EXPECT_EQ(std::get<std::string>(split({"watch", "--no-follow=yes"})),
            "option '--no-follow' takes no value");
  EXPECT_EQ(std::get<std::string>(split({"-x"})), "unknown option '-x'");
}

TEST(CliDiskSpec, SimDisksTakeSizesWithBinarySuffixes) {
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("64K"), 65536u);
  EXPECT_EQ(parse_size("2m"), 2u * 1024 * 1024);
  EXPECT_EQ(parse_size("1GiB"), 1024u * 1024 * 1024);
  EXPECT_EQ(parse_size("1T"), 1024ull * 1024 * 1024 * 1024);
  EXPECT_FALSE(parse_size("12X"));
  EXPECT_FALSE(parse_size("M"));
  EXPECT_FALSE(parse_size("99999999999999999999"));

  auto disk = parse_disk_spec("data:10M:fail=0.5:notrack");
  ASSERT_TRUE(std::holds_alternative<json::object>(disk)) << std::get<std::string>(disk);
  EXPECT_EQ(json::serialize(std::get<json::object>(disk)),
            R"({"id":"data","sizeBytes":10485760,"simFailAt":5E-1,"changeTracking":false})");
}

TEST(CliDiskSpec, FileDisksTakeTheRestAsTheirPath) {
  auto disk = parse_disk_spec("os:file=images/a:b.img");
  ASSERT_TRUE(std::holds_alternative<json::object>(disk));
  EXPECT_EQ(json::serialize(std::get<json::object>(disk)),
            R"({"id":"os","backend":"file","path":"images/a:b.img"})");
}

TEST(CliDiskSpec, RejectsMalformedSpecsSayingWhy) {
  for (const auto* spec : {"d1", ":1M", "d1:", "d1:lots", "d1:1M:2M", "d1:1M:file=x.img",
                           "d1:fail=abc:1M", "d1:file=", "d1:fail=0.5:file=x.img"}) {
    auto disk = parse_disk_spec(spec);
    ASSERT_TRUE(std::holds_alternative<std::string>(disk)) << spec;
    EXPECT_NE(std::get<std::string>(disk).find(spec), std::string::npos)
      << std::get<std::string>(disk);
  }
}

TEST(CliServerUrl, AcceptsHttpUrlsAndBareHostPort) {
  auto url = std::get<server_url>(parse_server_url("http://127.0.0.1:9090/prefix/"));
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, "9090");
  EXPECT_EQ(url.prefix, "/prefix");
  url = std::get<server_url>(parse_server_url("localhost:8080"));
  EXPECT_EQ(url.host, "localhost");
  EXPECT_EQ(url.authority, "localhost:8080");
  url = std::get<server_url>(parse_server_url("http://[::1]"));
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, "80");
  EXPECT_FALSE(url.tls);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_server_url("ftp://host:8443")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_server_url("http://host:1/?q=1")));
}

TEST(CliServerUrl, HttpsUrlsSpeakTlsOnPort443ByDefault) {
  auto url = std::get<server_url>(parse_server_url("https://refpoint.example/api"));
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "refpoint.example");
  EXPECT_EQ(url.port, "443");
  EXPECT_EQ(url.prefix, "/api");
  url = std::get<server_url>(parse_server_url("https://127.0.0.1:8443"));
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.port, "8443");
  EXPECT_EQ(url.authority, "127.0.0.1:8443");
}

TEST(CliText, ReadsKeysOfObjectPaths) {
  const std::string path =
    R"(Msvm_VirtualSystemReferencePoint.InstanceID="AB-1",VirtualSystemIdentifier="CD-2")";
  EXPECT_EQ(path_key(path, "InstanceID"), "AB-1");
  EXPECT_EQ(path_key(path, "VirtualSystemIdentifier"), "CD-2");
  EXPECT_EQ(path_key(path, "Identifier"), "");
  EXPECT_EQ(path_key(R"(Msvm_ReferencePointCollection.CollectionID="X")", "CollectionID"), "X");
}

TEST(CliText, FormatsSizesTimesAndQueryValues) {
  EXPECT_EQ(human_bytes(512), "512 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(16u * 1024 * 1024), "16 MiB");
  EXPECT_EQ(short_time("2026-11-22T00:28:12.123456Z"), "2026-11-22 00:28:12");
  EXPECT_EQ(short_time("soon"), "soon");
  EXPECT_EQ(url_encode("job.*,a b/é"), "job.%2A%2Ca%20b%2F%C3%A9");
}

TEST(CliViews, EventLinesNameTheNodeOfACopiedEvent) {
  auto event = boost::json::parse(R"({"cursor":"7","time":"2026-11-22T08:00:00Z",
    "type":"system.created","system":{"name":"S1","elementName":"vm"}})")
                 .as_object();
  auto line = refpoint::cli::event_line(event);
  EXPECT_EQ(line.find("[node"), std::string::npos) << line;
  event["node"] = "c";
  line = refpoint::cli::event_line(event);
  EXPECT_TRUE(line.ends_with("system S1 \"vm\"  [node c]")) << line;
}

TEST(CliTable, AlignsColumnsByCodePointsWithoutTrailingSpaces) {
  table t{{"ID", "NAME", "NOTE"}};
  t.add({"1", "größe", ""});
  t.add({"22", "x", "last"});
  std::ostringstream out;
  t.print(out);
  EXPECT_EQ(out.str(), "ID  NAME   NOTE\n"
                       "1   größe\n"
                       "22  x      last\n");
}

TEST(CliTable, PrintsFieldsAlignedAndSkipsEmptyOnes) {
  std::ostringstream out;
  print_fields(out, {{"id", "1"}, {"element name", "vm"}, {"error", ""}});
  EXPECT_EQ(out.str(), "id:           1\n"
                       "element name: vm\n");
}

} // namespace
} // namespace refpoint::cli
