#include "app/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using refpoint::app::apply_toml;
using refpoint::app::config;
using refpoint::app::endpoint;
using refpoint::app::parse_command_line;
using refpoint::app::parse_endpoint;
using testing::HasSubstr;
using testing::StartsWith;

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed with its contents.
class temp_dir {
public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "refpoint_config_test_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }

  /// Writes `text` to `name` inside the directory and returns its full path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }
  std::string path() const { return path_.string(); }

private:
  fs::path path_;
};

/// parse_command_line with "refpointd" as argv[0].
refpoint::app::cli_result parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"refpointd"};
  for (const auto& a : args)
    argv.push_back(a.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

/// apply_toml onto a default config; fails the test on error.
config parse_toml(const std::string& text) {
  config cfg;
  auto err = apply_toml(cfg, text, "t.toml");
  EXPECT_FALSE(err) << *err;
  return cfg;
}

/// The error apply_toml reports for `text` (empty when it succeeds).
std::string toml_error(const std::string& text) {
  config cfg;
  return apply_toml(cfg, text, "t.toml").value_or("");
}

// ---------------------------------------------------------------------------------------
// Endpoints

TEST(Endpoint, ParsesHostAndPort) {
  EXPECT_EQ(parse_endpoint("127.0.0.1:8080", false), (endpoint{"127.0.0.1", 8080}));
  EXPECT_EQ(parse_endpoint("node-a.example_1:65535", false), (endpoint{"node-a.example_1", 65535}));
}

TEST(Endpoint, BracketedIpv6HostIsStoredWithoutBrackets) {
  EXPECT_EQ(parse_endpoint("[::1]:9000", false), (endpoint{"::1", 9000}));
  EXPECT_EQ(parse_endpoint("[fe80::1%eth0]:1", false), (endpoint{"fe80::1%eth0", 1}));
}

TEST(Endpoint, PortZeroIsAcceptedOnlyWhenAllowed) {
  EXPECT_EQ(parse_endpoint("localhost:0", true), (endpoint{"localhost", 0}));
  EXPECT_FALSE(parse_endpoint("localhost:0", false));
}

TEST(Endpoint, MalformedTextIsRejected) {
  for (const char* bad : {"", "8080", "host", "host:", ":80", "host:65536", "host:-1", "host:+80",
                          "host:8o", "host:000080", "::1:80", "[::1]", "[]:80", "[host]:80",
                          "[::1:80", "host name:80", "host:80 ", "a:b:80", "h/x:80"}) {
    EXPECT_FALSE(parse_endpoint(bad, true)) << bad;
  }
}

TEST(Endpoint, ToStringPutsIpv6HostsInBrackets) {
  EXPECT_EQ(to_string(endpoint{"127.0.0.1", 80}), "127.0.0.1:80");
  EXPECT_EQ(to_string(endpoint{"::1", 0}), "[::1]:0");
}

// ---------------------------------------------------------------------------------------
// Defaults and the shipped file

TEST(ConfigDefaults, MatchTheDesign) {
  const config cfg;
  EXPECT_EQ(cfg.listen, (endpoint{"127.0.0.1", 8080}));
  EXPECT_EQ(cfg.max_body_bytes, 1048576u);
  EXPECT_TRUE(cfg.auth_tokens.empty());
  EXPECT_TRUE(cfg.cors_origins.empty());
  EXPECT_EQ(cfg.db, "refpoint.db");
  EXPECT_EQ(cfg.root, "");
  EXPECT_EQ(cfg.synchronous, "normal");
  EXPECT_EQ(cfg.max_size_mb, 0u);
  EXPECT_EQ(cfg.time_before_removal_s, 300u);
  EXPECT_EQ(cfg.method_timeout_ms, 5000u);
  EXPECT_EQ(cfg.max_queued_per_system, 100u);
  EXPECT_EQ(cfg.max_jobs_in_memory, 10000u);
  EXPECT_EQ(cfg.sim_bytes_per_second, 4294967296u);
  EXPECT_EQ(cfg.sim_progress_interval_ms, 100u);
  EXPECT_EQ(cfg.file_block_size, 65536u);
  EXPECT_EQ(cfg.file_fingerprint_threads, 2u);
  EXPECT_EQ(cfg.file_query_threads, 2u);
  EXPECT_EQ(cfg.file_max_query_bytes, 1073741824u);
  EXPECT_EQ(cfg.event_retention, 100000u);
  EXPECT_EQ(cfg.event_queue_limit, 10000u);
  EXPECT_EQ(cfg.event_max_subscribers, 4096u);
  EXPECT_EQ(cfg.event_ping_interval_s, 20u);
  EXPECT_EQ(cfg.node, "");
  EXPECT_FALSE(cfg.cluster_listen);
  EXPECT_TRUE(cfg.peers.empty());
  EXPECT_EQ(cfg.inventory, "");
  EXPECT_EQ(cfg.log_level, "info");
  EXPECT_EQ(cfg.io_threads, 1u);
  EXPECT_EQ(cfg.actor_threads, 2u);
}

std::string shipped_config_path() {
  return std::string(REFPOINT_SOURCE_DIR) + "/configs/refpointd.toml";
}

TEST(ShippedConfig, ParsesCleanlyToTheDefaults) {
  const auto r = parse({"--config", shipped_config_path()});
  ASSERT_TRUE(r.cfg) << r.error;
  EXPECT_EQ(*r.cfg, config{});
}

TEST(ShippedConfig, SpellsOutEveryKey) {
  std::ifstream in(shipped_config_path());
  std::stringstream text;
  text << in.rdbuf();
  for (const char* line : {"inventory = ",
                           "log_level = ",
                           "[server]",
                           "listen = ",
                           "max_body_bytes = ",
                           "auth_tokens = ",
                           "cors_origins = ",
                           "io_threads = ",
                           "[storage]",
                           "db = ",
                           "root = ",
                           "synchronous = ",
                           "max_size_mb = ",
                           "[jobs]",
                           "time_before_removal_s = ",
                           "method_timeout_ms = ",
                           "max_queued_per_system = ",
                           "max_jobs_in_memory = ",
                           "[backend.sim]",
                           "bytes_per_second = ",
                           "progress_interval_ms = ",
                           "[backend.file]",
                           "block_size = ",
                           "fingerprint_threads = ",
                           "query_threads = ",
                           "max_query_bytes = ",
                           "[events]",
                           "retention = ",
                           "queue_limit = ",
                           "max_subscribers = ",
                           "ping_interval_s = ",
                           "[actors]",
                           "threads = ",
                           "[cluster]",
                           "node = ",
                           "peers = "}) {
    EXPECT_THAT(text.str(), HasSubstr(std::string("\n") + line)) << line;
  }
}

// ---------------------------------------------------------------------------------------
// TOML: keys

TEST(ConfigFile, EveryKeyIsRead) {
  const auto cfg = parse_toml(R"(
inventory = "seed/inventory.json"
log_level = "debug"
[server]
listen = "0.0.0.0:9000"
max_body_bytes = 2048
auth_tokens = ["alpha", "beta"]
cors_origins = ["https://dash.example:8443", "*"]
io_threads = 4
tls_cert = "/etc/refpoint/server.pem"
tls_key = "/etc/refpoint/server.key"
[storage]
db = "/var/lib/refpoint/rp.db"
root = "/srv/disks"
synchronous = "full"
max_size_mb = 64
[jobs]
time_before_removal_s = 60
method_timeout_ms = 250
max_queued_per_system = 7
max_jobs_in_memory = 70
[backend.sim]
bytes_per_second = 1000
progress_interval_ms = 20
[backend.file]
block_size = 4096
fingerprint_threads = 3
query_threads = 4
max_query_bytes = 8192
[events]
retention = 50
queue_limit = 64
max_subscribers = 9
ping_interval_s = 3
[actors]
threads = 8
[cluster]
node = "node-a"
listen = "[::1]:7000"
peers = ["10.0.0.2:7000", "[::2]:7001"]
tls_cert = "node.pem"
tls_key = "node.key"
tls_ca = "cluster-ca.pem"
)");
  EXPECT_EQ(cfg.inventory, "seed/inventory.json");
  EXPECT_EQ(cfg.log_level, "debug");
  EXPECT_EQ(cfg.listen, (endpoint{"0.0.0.0", 9000}));
  EXPECT_EQ(cfg.max_body_bytes, 2048u);
  EXPECT_EQ(cfg.auth_tokens, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(cfg.cors_origins, (std::vector<std::string>{"https://dash.example:8443", "*"}));
  EXPECT_EQ(cfg.io_threads, 4u);
  EXPECT_EQ(cfg.tls_cert, "/etc/refpoint/server.pem");
  EXPECT_EQ(cfg.tls_key, "/etc/refpoint/server.key");
  EXPECT_EQ(cfg.db, "/var/lib/refpoint/rp.db");
  EXPECT_EQ(cfg.root, "/srv/disks");
  EXPECT_EQ(cfg.synchronous, "full");
  EXPECT_EQ(cfg.max_size_mb, 64u);
  EXPECT_EQ(cfg.time_before_removal_s, 60u);
  EXPECT_EQ(cfg.method_timeout_ms, 250u);
  EXPECT_EQ(cfg.max_queued_per_system, 7u);
  EXPECT_EQ(cfg.max_jobs_in_memory, 70u);
  EXPECT_EQ(cfg.sim_bytes_per_second, 1000u);
  EXPECT_EQ(cfg.sim_progress_interval_ms, 20u);
  EXPECT_EQ(cfg.file_block_size, 4096u);
  EXPECT_EQ(cfg.file_fingerprint_threads, 3u);
  EXPECT_EQ(cfg.file_query_threads, 4u);
  EXPECT_EQ(cfg.file_max_query_bytes, 8192u);
  EXPECT_EQ(cfg.event_retention, 50u);
  EXPECT_EQ(cfg.event_queue_limit, 64u);
  EXPECT_EQ(cfg.event_max_subscribers, 9u);
  EXPECT_EQ(cfg.event_ping_interval_s, 3u);
  EXPECT_EQ(cfg.actor_threads, 8u);
  EXPECT_EQ(cfg.node, "node-a");
  EXPECT_EQ(cfg.cluster_listen, (endpoint{"::1", 7000}));
  EXPECT_EQ(cfg.peers, (std::vector<endpoint>{{"10.0.0.2", 7000}, {"::2", 7001}}));
  EXPECT_EQ(cfg.cluster_tls_cert, "node.pem");
  EXPECT_EQ(cfg.cluster_tls_key, "node.key");
  EXPECT_EQ(cfg.cluster_tls_ca, "cluster-ca.pem");
}

TEST(ConfigFile, AbsentKeysKeepTheStartingValues) {
  config cfg;
  cfg.db = "earlier.db";
  cfg.peers = {{"h", 1}};
  ASSERT_FALSE(apply_toml(cfg, "[server]\nio_threads = 3\n", "t.toml"));
  EXPECT_EQ(cfg.db, "earlier.db");
  EXPECT_EQ(cfg.peers, (std::vector<endpoint>{{"h", 1}}));
  EXPECT_EQ(cfg.io_threads, 3u);
}

TEST(ConfigFile, EmptyDocumentChangesNothing) {
  EXPECT_EQ(parse_toml(""), config{});
  EXPECT_EQ(parse_toml("# only a comment\n"), config{});
}

TEST(ConfigFile, CorsOriginsReplaceTheStartingListAndMayBeEmpty) {
  config cfg;
  cfg.cors_origins = {"http://old.example"};
  ASSERT_FALSE(apply_toml(cfg, "[server]\ncors_origins = [\"http://localhost:3000\"]", ""));
  EXPECT_EQ(cfg.cors_origins, (std::vector<std::string>{"http://localhost:3000"}));
  ASSERT_FALSE(apply_toml(cfg, "[server]\ncors_origins = []", ""));
  EXPECT_TRUE(cfg.cors_origins.empty());
}

TEST(ConfigFile, ListenPortZeroMeansAnyFreePort) {
  EXPECT_EQ(parse_toml("[server]\nlisten = \"127.0.0.1:0\"").listen, (endpoint{"127.0.0.1", 0}));
  EXPECT_EQ(parse_toml("[cluster]\nlisten = \"127.0.0.1:0\"").cluster_listen,
            (endpoint{"127.0.0.1", 0}));
}

TEST(ConfigFile, ListenAcceptsIpv6) {
  EXPECT_EQ(parse_toml("[server]\nlisten = \"[::1]:8081\"").listen, (endpoint{"::1", 8081}));
}

TEST(ConfigFile, PeersReplaceTheStartingListAndMayBeEmpty) {
  config cfg;
  cfg.peers = {{"old", 1}};
  ASSERT_FALSE(apply_toml(cfg, "[cluster]\npeers = [\"new:2\"]", ""));
  EXPECT_EQ(cfg.peers, (std::vector<endpoint>{{"new", 2}}));
  ASSERT_FALSE(apply_toml(cfg, "[cluster]\npeers = []", ""));
  EXPECT_TRUE(cfg.peers.empty());
}

TEST(ConfigFile, EmptyClusterNodeAndListenMeanUnset) {
  config cfg;
  cfg.node = "n";
  cfg.cluster_listen = endpoint{"h", 1};
  ASSERT_FALSE(apply_toml(cfg, "[cluster]\nnode = \"\"\nlisten = \"\"", ""));
  EXPECT_EQ(cfg.node, "");
  EXPECT_FALSE(cfg.cluster_listen);
}

TEST(ConfigFile, EveryLogLevelIsAccepted) {
  for (const char* level : {"error", "warning", "info", "debug"})
    EXPECT_EQ(parse_toml(std::string("log_level = \"") + level + "\"").log_level, level);
}

TEST(ConfigFile, IntegerLimitsAreInclusive) {
  const auto low = parse_toml(R"(
[server]
max_body_bytes = 1
io_threads = 1
[jobs]
time_before_removal_s = 0
method_timeout_ms = 1
[backend.sim]
bytes_per_second = 1
progress_interval_ms = 1
[events]
retention = 1
[actors]
threads = 1
)");
  EXPECT_EQ(low.max_body_bytes, 1u);
  EXPECT_EQ(low.time_before_removal_s, 0u);
  EXPECT_EQ(low.event_retention, 1u);
  const auto high = parse_toml(R"(
[server]
io_threads = 256
[jobs]
time_before_removal_s = 4294967295
method_timeout_ms = 4294967295
[backend.sim]
bytes_per_second = 9223372036854775807
[actors]
threads = 256
)");
  EXPECT_EQ(high.io_threads, 256u);
  EXPECT_EQ(high.time_before_removal_s, 4294967295u);
  EXPECT_EQ(high.method_timeout_ms, 4294967295u);
  EXPECT_EQ(high.sim_bytes_per_second, 9223372036854775807u);
  EXPECT_EQ(high.actor_threads, 256u);
}

TEST(ConfigFile, DottedKeysAndInlineTablesAreTheSameTables) {
  const auto cfg = parse_toml("backend.sim.bytes_per_second = 7\nserver = { io_threads = 2 }");
  EXPECT_EQ(cfg.sim_bytes_per_second, 7u);
  EXPECT_EQ(cfg.io_threads, 2u);
}

// ---------------------------------------------------------------------------------------
// TOML: errors

TEST(ConfigFileErrors, WrongTypeNamesTheKeyAndTheValue) {
  EXPECT_EQ(toml_error("[server]\nlisten = 8080"),
            R"(t.toml: [server] listen: expected "HOST:PORT", got 8080)");
  EXPECT_EQ(toml_error("[storage]\nsynchronous = \"off\""),
            R"(t.toml: [storage] synchronous: expected "normal" or "full", got "off")");
  EXPECT_EQ(toml_error("[jobs]\nmethod_timeout_ms = 0"),
            "t.toml: [jobs] method_timeout_ms: expected an integer from 1 to 4294967295, got 0");
  EXPECT_EQ(toml_error("log_level = \"trace\""),
            R"(t.toml: log_level: expected "error", "warning", "info" or "debug", got "trace")");
}

TEST(ConfigFileErrors, EveryKeyRejectsAWrongType) {
  const std::pair<const char*, const char*> keys[] = {
    {"", "inventory"},
    {"", "log_level"},
    {"server", "listen"},
    {"server", "max_body_bytes"},
    {"server", "auth_tokens"},
    {"server", "cors_origins"},
    {"server", "io_threads"},
    {"storage", "db"},
    {"storage", "root"},
    {"storage", "synchronous"},
    {"storage", "max_size_mb"},
    {"jobs", "time_before_removal_s"},
    {"jobs", "method_timeout_ms"},
    {"jobs", "max_queued_per_system"},
    {"jobs", "max_jobs_in_memory"},
    {"backend.sim", "bytes_per_second"},
    {"backend.sim", "progress_interval_ms"},
    {"backend.file", "block_size"},
    {"backend.file", "fingerprint_threads"},
    {"backend.file", "query_threads"},
    {"backend.file", "max_query_bytes"},
    {"events", "retention"},
    {"events", "queue_limit"},
    {"events", "max_subscribers"},
    {"events", "ping_interval_s"},
    {"actors", "threads"},
    {"cluster", "node"},
    {"cluster", "listen"},
    {"cluster", "peers"},
  };
  for (const auto& [table, key] : keys) {
    const std::string header = *table != '\0' ? std::string("[") + table + "]\n" : "";
    const std::string name = *table != '\0' ? std::string("[") + table + "] " + key : key;
    // A boolean is wrong everywhere.
    EXPECT_THAT(toml_error(header + key + " = true"), StartsWith("t.toml: " + name + ": expected "))
      << name;
    EXPECT_THAT(toml_error(header + key + " = true"), testing::EndsWith(", got true")) << name;
  }
}

TEST(ConfigFileErrors, OutOfRangeIntegersAreRejected) {
  for (const char* doc : {
         "[server]\nmax_body_bytes = 0",
         "[server]\nmax_body_bytes = -1",
         "[server]\nio_threads = 0",
         "[server]\nio_threads = 257",
         "[jobs]\ntime_before_removal_s = -1",
         "[jobs]\ntime_before_removal_s = 4294967296",
         "[jobs]\nmethod_timeout_ms = 4294967296",
         "[backend.sim]\nbytes_per_second = 0",
         "[backend.sim]\nprogress_interval_ms = 0",
         "[backend.file]\nfingerprint_threads = 0",
         "[backend.file]\nquery_threads = 257",
         "[backend.file]\nmax_query_bytes = 4095",
         "[events]\nretention = 0",
         "[events]\nqueue_limit = 0",
         "[events]\nmax_subscribers = 0",
         "[events]\nping_interval_s = 0",
         "[events]\nping_interval_s = 3601",
         "[actors]\nthreads = 0",
         "[actors]\nthreads = 1000",
       }) {
    EXPECT_THAT(toml_error(doc), HasSubstr("expected an integer from")) << doc;
  }
}

TEST(ConfigFileErrors, BlockSizeIsAPowerOfTwoInRange) {
  for (const char* doc :
       {"[backend.file]\nblock_size = 0", "[backend.file]\nblock_size = 2048",
        "[backend.file]\nblock_size = 65535", "[backend.file]\nblock_size = 33554432"})
    EXPECT_EQ(toml_error(doc), "t.toml: [backend.file] block_size: expected a power of two from "
                               "4096 to 16777216, got " +
                                 std::string{std::string_view{doc}.substr(28)})
      << doc;
  EXPECT_EQ(parse_toml("[backend.file]\nblock_size = 16777216").file_block_size, 16777216u);
}

TEST(ConfigFileErrors, FloatsAndStringsAreNotIntegers) {
  EXPECT_EQ(toml_error("[server]\nmax_body_bytes = 1e6"),
            "t.toml: [server] max_body_bytes: expected an integer from 1 to "
            "9223372036854775807, got 1000000.0");
  EXPECT_THAT(toml_error("[events]\nretention = \"100\""), HasSubstr(R"(got "100")"));
}

TEST(ConfigFileErrors, BadEndpointsAreRejected) {
  EXPECT_THAT(toml_error("[server]\nlisten = \"localhost\""),
              HasSubstr(R"([server] listen: expected "HOST:PORT", got "localhost")"));
  EXPECT_THAT(toml_error("[server]\nlisten = \"::1:80\""), HasSubstr("[server] listen: expected"));
  EXPECT_THAT(toml_error("[cluster]\nlisten = \"h:70000\""),
              HasSubstr("[cluster] listen: expected"));
}

TEST(ConfigFileErrors, PeersNeedStringsWithARealPort) {
  for (const char* doc : {"[cluster]\npeers = \"h:1\"", "[cluster]\npeers = [\"h:0\"]",
                          "[cluster]\npeers = [1]", "[cluster]\npeers = [\"h:1\", \"bad\"]"}) {
    EXPECT_THAT(toml_error(doc), StartsWith("t.toml: [cluster] peers: expected an array of"))
      << doc;
  }
}

TEST(ConfigFileErrors, AuthTokensMustBeNonEmptyWithoutSpaces) {
  for (const char* doc : {"[server]\nauth_tokens = [\"\"]", "[server]\nauth_tokens = [\"a b\"]",
                          "[server]\nauth_tokens = [1]", "[server]\nauth_tokens = \"tok\""}) {
    EXPECT_THAT(toml_error(doc), StartsWith("t.toml: [server] auth_tokens: expected")) << doc;
  }
}

TEST(ConfigFileErrors, CorsOriginsMustBeAnArrayOfOrigins) {
  for (const char* doc :
       {"[server]\ncors_origins = \"*\"", "[server]\ncors_origins = [1]",
        "[server]\ncors_origins = [\"\"]", "[server]\ncors_origins = [\"dash.example\"]",
        "[server]\ncors_origins = [\"http://a b\"]"}) {
    EXPECT_THAT(toml_error(doc), StartsWith("t.toml: [server] cors_origins: expected an array of "
                                            "origins"))
      << doc;
  }
  EXPECT_EQ(toml_error("[server]\ncors_origins = 3"),
            R"(t.toml: [server] cors_origins: expected an array of origins ("SCHEME://HOST[:PORT]")"
            R"( or "*"), got 3)");
}

TEST(ConfigFileErrors, ArraysAndEscapesAreShownAsTomlBasicStrings) {
  EXPECT_EQ(toml_error("[server]\nauth_tokens = ['a b', 1]"),
            R"(t.toml: [server] auth_tokens: expected an array of non-empty tokens without )"
            R"(spaces, got ["a b", 1])");
  EXPECT_EQ(toml_error(R"(log_level = "a\"b\\c\td")"),
            R"(t.toml: log_level: expected "error", "warning", "info" or "debug", got )"
            R"("a\"b\\c\td")");
}

TEST(ConfigFileErrors, EmptyDbAndBadNodeNamesAreRejected) {
  EXPECT_EQ(toml_error("[storage]\ndb = \"\""),
            R"(t.toml: [storage] db: expected a non-empty path, got "")");
  EXPECT_THAT(toml_error("[cluster]\nnode = \"has space\""),
              StartsWith("t.toml: [cluster] node: expected"));
  EXPECT_THAT(toml_error("[cluster]\nnode = \"" + std::string(65, 'n') + "\""),
              StartsWith("t.toml: [cluster] node: expected"));
}

TEST(ConfigFileErrors, UnknownKeysAreNamed) {
  EXPECT_EQ(toml_error("[server]\nport = 80"), "t.toml: [server] port: unknown key");
  EXPECT_EQ(toml_error("verbose = true"), "t.toml: verbose: unknown key");
  EXPECT_EQ(toml_error("[backend.sim]\nrate = 1"), "t.toml: [backend.sim] rate: unknown key");
  EXPECT_EQ(toml_error("[backend]\nsim_rate = 1"), "t.toml: [backend] sim_rate: unknown key");
}

TEST(ConfigFileErrors, UnknownTablesAreNamed) {
  EXPECT_EQ(toml_error("[logging]\nlevel = \"info\""), "t.toml: [logging]: unknown table");
  EXPECT_EQ(toml_error("[backend.nfs]\nblock = 1"), "t.toml: [backend.nfs]: unknown table");
  EXPECT_EQ(toml_error("[server.tls]"), "t.toml: [server.tls]: unknown table");
}

TEST(ConfigFileErrors, AQuotedDottedKeyIsNotANestedTable) {
  EXPECT_EQ(toml_error("\"backend.sim\" = { bytes_per_second = 1 }"),
            "t.toml: [backend.sim]: unknown table");
}

TEST(ConfigFileErrors, AKnownTableMustBeATable) {
  EXPECT_EQ(toml_error("server = 1"), "t.toml: [server]: expected a table, got 1");
  EXPECT_THAT(toml_error("[[server]]\nio_threads = 1"),
              StartsWith("t.toml: [server]: expected a table, got "));
  EXPECT_EQ(toml_error("backend = \"sim\""), R"(t.toml: [backend]: expected a table, got "sim")");
}

TEST(ConfigFileErrors, SyntaxErrorsGiveLineAndColumn) {
  EXPECT_THAT(toml_error("[server]\nlisten = \n"), StartsWith("t.toml:2:"));
  EXPECT_THAT(toml_error("[server]\nio_threads = 1\nio_threads = 2\n"), StartsWith("t.toml:3:"));
}

TEST(ConfigFileErrors, WithoutASourceNameThereIsNoPrefix) {
  config cfg;
  EXPECT_EQ(apply_toml(cfg, "x = 1", ""), "x: unknown key");
  EXPECT_THAT(apply_toml(cfg, "x = ", "").value_or(""), StartsWith("line 1:"));
}

TEST(ConfigFileErrors, LongValuesAreShortenedInTheMessage) {
  const auto err = toml_error("[server]\nlisten = \"" + std::string(500, 'x') + "\"");
  EXPECT_LT(err.size(), 150u);
  EXPECT_THAT(err, testing::EndsWith("..."));
}

TEST(ConfigFileErrors, ErrorsAreSingleLines) {
  for (const char* doc :
       {"[server]\nlisten = 8080", "[server]\nlisten = \n", "a = [1,\n",
        "[server]\nauth_tokens = [\n\"a b\",\n\"c\"]", "[server]\nlisten = \"a\\nb\\u0001\""}) {
    EXPECT_EQ(toml_error(doc).find('\n'), std::string::npos) << doc;
  }
}

TEST(ConfigFileErrors, AFailedApplyLeavesTheConfigUnchanged) {
  config cfg;
  EXPECT_TRUE(apply_toml(cfg, "[server]\nio_threads = 5\n[storage]\ndb = 3\n", "t.toml"));
  EXPECT_EQ(cfg, config{});
}

// ---------------------------------------------------------------------------------------
// Command line

TEST(CommandLine, NoArgumentsGiveTheDefaults) {
  const auto r = parse({});
  ASSERT_TRUE(r.cfg) << r.error;
  EXPECT_EQ(*r.cfg, config{});
  EXPECT_FALSE(r.help);
  EXPECT_FALSE(r.version);
}

TEST(CommandLine, EveryOverrideFlagSetsItsKey) {
  const auto r =
    parse({"--listen", "0.0.0.0:1", "--db", "x.db", "--node", "n1", "--cluster-listen",
           "127.0.0.1:7000", "--peer", "p:1", "--inventory", "inv.json", "--log-level", "warning"});
  ASSERT_TRUE(r.cfg) << r.error;
  EXPECT_EQ(r.cfg->listen, (endpoint{"0.0.0.0", 1}));
  EXPECT_EQ(r.cfg->db, "x.db");
  EXPECT_EQ(r.cfg->node, "n1");
  EXPECT_EQ(r.cfg->cluster_listen, (endpoint{"127.0.0.1", 7000}));
  EXPECT_EQ(r.cfg->peers, (std::vector<endpoint>{{"p", 1}}));
  EXPECT_EQ(r.cfg->inventory, "inv.json");
  EXPECT_EQ(r.cfg->log_level, "warning");
}

TEST(CommandLine, EqualsFormWorksForEveryValueFlag) {
  const auto r = parse({"--listen=[::1]:0", "--db=y.db", "--node=n2", "--cluster-listen=h:0",
                        "--peer=q:2", "--inventory=i.json", "--log-level=error"});
  ASSERT_TRUE(r.cfg) << r.error;
  EXPECT_EQ(r.cfg->listen, (endpoint{"::1", 0}));
  EXPECT_EQ(r.cfg->db, "y.db");
  EXPECT_EQ(r.cfg->node, "n2");
  EXPECT_EQ(r.cfg->cluster_listen, (endpoint{"h", 0}));
  EXPECT_EQ(r.cfg->peers, (std::vector<endpoint>{{"q", 2}}));
  EXPECT_EQ(r.cfg->inventory, "i.json");
  EXPECT_EQ(r.cfg->log_level, "error");
}

TEST(CommandLine, EqualsFormAllowsValuesStartingWithDashes) {
  const auto r = parse({"--db=--odd.db"});
  ASSERT_TRUE(r.cfg) << r.error;
  EXPECT_EQ(r.cfg->db, "--odd.db");
}

TEST(CommandLine, ListenPortZeroAndIpv6AreAccepted) {
  const auto r = parse({"--listen", "[::1]:0"});
  ASSERT_TRUE(r.cfg) << r.error;
  EXPECT_EQ(r.cfg->listen, (endpoint{"::1", 0}));
}

TEST(CommandLine, PeerIsRepeatableAndKeepsOrder) {
  const auto r = parse({"--peer", "a:1", "--peer=[::2]:2", "--peer", "c:3"});
  ASSERT_TRUE(r.cfg) << r.error;
  EXPECT_EQ(r.cfg->peers, (std::vector<endpoint>{{"a", 1}, {"::2", 2}, {"c", 3}}));
}

TEST(CommandLine, RelativePathsStayAsWritten) {
  const auto r = parse({"--db", "data/rp.db", "--inventory", "../seed.json"});
  ASSERT_TRUE(r.cfg) << r.error;
  EXPECT_EQ(r.cfg->db, "data/rp.db");
  EXPECT_EQ(r.cfg->inventory, "../seed.json");
}

TEST(CommandLine, ConfigFileIsAppliedBeforeFlagsWhereverItAppears) {
  temp_dir dir;
  const auto file = dir.write("c.toml", R"(
log_level = "debug"
[server]
listen = "10.0.0.1:1000"
io_threads = 3
[storage]
db = "file.db"
)");
  for (const auto& args :
       {std::vector<std::string>{"--listen", "h:2", "--config", file, "--db", "flag.db"},
        std::vector<std::string>{"--config", file, "--listen", "h:2", "--db", "flag.db"},
        std::vector<std::string>{"--listen=h:2", "--db=flag.db", "--config=" + file}}) {
    const auto r = parse(args);
    ASSERT_TRUE(r.cfg) << r.error;
    EXPECT_EQ(r.cfg->listen, (endpoint{"h", 2}));
    EXPECT_EQ(r.cfg->db, "flag.db");
    EXPECT_EQ(r.cfg->io_threads, 3u);
    EXPECT_EQ(r.cfg->log_level, "debug");
  }
}

TEST(CommandLine, PeerFlagsReplaceTheFilesPeers) {
  temp_dir dir;
  const auto file = dir.write("c.toml", "[cluster]\npeers = [\"f:1\", \"g:2\"]\n");
  const auto kept = parse({"--config", file});
  ASSERT_TRUE(kept.cfg) << kept.error;
  EXPECT_EQ(kept.cfg->peers, (std::vector<endpoint>{{"f", 1}, {"g", 2}}));
  const auto replaced = parse({"--peer", "p:9", "--config", file});
  ASSERT_TRUE(replaced.cfg) << replaced.error;
  EXPECT_EQ(replaced.cfg->peers, (std::vector<endpoint>{{"p", 9}}));
}

TEST(CommandLine, HelpWinsOverEverythingElse) {
  const auto r = parse({"--bogus", "--config", "/nonexistent.toml", "--help", "--version"});
  EXPECT_TRUE(r.help);
  EXPECT_FALSE(r.version);
  EXPECT_FALSE(r.cfg);
  EXPECT_EQ(r.error, "");
}

TEST(CommandLine, VersionIsReported) {
  const auto r = parse({"--listen", "bad", "--version"});
  EXPECT_TRUE(r.version);
  EXPECT_FALSE(r.help);
  EXPECT_FALSE(r.cfg);
  EXPECT_EQ(r.error, "");
}

TEST(CommandLine, UsageListsEveryFlag) {
  const auto usage = refpoint::app::usage_text();
  for (const char* flag : {"--config FILE", "--listen HOST:PORT", "--db PATH", "--node NAME",
                           "--cluster-listen HOST:PORT", "--peer HOST:PORT", "--inventory FILE",
                           "--log-level LEVEL", "--help", "--version"}) {
    EXPECT_THAT(usage, HasSubstr(flag)) << flag;
  }
  EXPECT_EQ(usage.back(), '\n');
}

// ---------------------------------------------------------------------------------------
// Command line: errors

TEST(CommandLineErrors, UnknownOptionIsNamed) {
  EXPECT_EQ(parse({"--foo"}).error, "unknown option --foo");
  EXPECT_EQ(parse({"--foo=bar"}).error, "unknown option --foo");
  EXPECT_EQ(parse({"-l"}).error, "unknown option -l");
  EXPECT_EQ(parse({"--"}).error, "unknown option --");
  EXPECT_FALSE(parse({"--foo"}).cfg);
}

TEST(CommandLineErrors, PositionalArgumentsAreRejected) {
  EXPECT_EQ(parse({"serve"}).error, "unexpected argument 'serve'");
}

TEST(CommandLineErrors, AValueFlagNeedsItsValue) {
  EXPECT_EQ(parse({"--db"}).error, "--db: missing value");
  EXPECT_EQ(parse({"--db", "--listen", "h:1"}).error, "--db: missing value");
}

TEST(CommandLineErrors, ASwitchTakesNoValue) {
  EXPECT_EQ(parse({"--help=yes"}).error, "--help: takes no value");
  EXPECT_EQ(parse({"--listen", "h:1", "--version=2"}).error, "--version: takes no value");
}

TEST(CommandLineErrors, BadValuesQuoteTheValue) {
  EXPECT_EQ(parse({"--listen", "x"}).error, "--listen: expected HOST:PORT, got 'x'");
  EXPECT_EQ(parse({"--cluster-listen=h:99999"}).error,
            "--cluster-listen: expected HOST:PORT, got 'h:99999'");
  EXPECT_EQ(parse({"--peer", "h:0"}).error, "--peer: expected HOST:PORT (port 1-65535), got 'h:0'");
  EXPECT_EQ(parse({"--log-level", "trace"}).error,
            "--log-level: expected error|warning|info|debug, got 'trace'");
  EXPECT_EQ(parse({"--db="}).error, "--db: expected a non-empty path, got ''");
  EXPECT_EQ(parse({"--inventory="}).error, "--inventory: expected a non-empty path, got ''");
  EXPECT_THAT(parse({"--node", "a b"}).error, StartsWith("--node: expected a node name"));
  EXPECT_THAT(parse({"--node="}).error, StartsWith("--node: expected a node name"));
}

TEST(CommandLineErrors, NonRepeatableFlagsMayAppearOnce) {
  EXPECT_EQ(parse({"--listen", "a:1", "--listen", "b:2"}).error, "--listen: given more than once");
  EXPECT_EQ(parse({"--config", "a", "--config=b"}).error, "--config: given more than once");
}

TEST(CommandLineErrors, MissingConfigFileSaysWhy) {
  temp_dir dir;
  const auto missing = dir.path() + "/absent.toml";
  EXPECT_EQ(parse({"--config", missing}).error,
            "cannot read config '" + missing + "': No such file or directory");
}

TEST(CommandLineErrors, ConfigDirectoryIsNotReadable) {
  temp_dir dir;
  EXPECT_EQ(parse({"--config", dir.path()}).error,
            "cannot read config '" + dir.path() + "': Is a directory");
}

TEST(CommandLineErrors, BadConfigContentIsReportedWithItsPath) {
  temp_dir dir;
  const auto file = dir.write("bad.toml", "[server]\nlisten = 8080\n");
  const auto r = parse({"--config", file, "--listen", "h:1"});
  EXPECT_FALSE(r.cfg);
  EXPECT_EQ(r.error, file + R"(: [server] listen: expected "HOST:PORT", got 8080)");
}

} // namespace
