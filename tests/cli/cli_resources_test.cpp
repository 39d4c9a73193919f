// systems, collections, jobs and rp: each verb's table and --json output against the
// server's state, and refused requests (exit 3 with the server's detail).

#include "cli_fixture.hpp"

namespace refpoint::test {
namespace {

class CliResourcesTest : public CliTest {
protected:
  /// Takes a reference point through the REST API and waits for it; answers its id.
  std::string take_reference_point(const std::string& system) {
    auto job = wait_job(start_job(system));
    EXPECT_EQ(job.at("state"), "completed") << json::serialize(job);
    auto path = std::string{job.at("affectedElements").at(0).at("element").as_string()};
    auto first = path.find('"');
    return path.substr(first + 1, path.find('"', first + 1) - first - 1);
  }
};

TEST_F(CliResourcesTest, SystemsListShowAndJsonMatchTheServer) {
  start_daemon();
  auto web = create_system("web", R"([{"id":"os","sizeBytes":1048576}])");
  auto db = create_system("db", R"([{"id":"d1","sizeBytes":2097152},{"id":"d2","sizeBytes":0}])");

  auto r = run({"systems", "list"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), 2u) << r;
  // The server lists systems by name (their GUIDs).
  const bool web_first = web < db;
  auto& web_row = rows[web_first ? 0 : 1];
  auto& db_row = rows[web_first ? 1 : 0];
  EXPECT_EQ(web_row["NAME"], web);
  EXPECT_EQ(web_row["ELEMENT NAME"], "web");
  EXPECT_EQ(web_row["STATE"], "enabled");
  EXPECT_EQ(web_row["REPLICATION"], "no");
  EXPECT_EQ(web_row["DISKS"], "1 (1 MiB)");
  EXPECT_FALSE(web_row["CREATED"].empty());
  EXPECT_EQ(db_row["NAME"], db);
  EXPECT_EQ(db_row["DISKS"], "2 (2 MiB)");

  r = run({"systems", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, get_body("/api/v1/systems") + "\n");

  for (const auto& id : {db, std::string{"db"}}) { // by id or by element name
    r = run({"systems", "show", id});
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(field(r.out, "name"), db) << r;
    EXPECT_EQ(field(r.out, "element name"), "db") << r;
    EXPECT_NE(r.out.find("  d2    sim      0 B"), std::string::npos) << r;
  }
  r = run({"--json", "systems", "show", db});
  EXPECT_EQ(r.out, get_body("/api/v1/systems/" + db) + "\n");
}

TEST_F(CliResourcesTest, SystemsCreateSendsTheDisksItWasGiven) {
  start_daemon();
  auto r = run({"systems", "create", "--name", "app server", "--disk", "os:4M", "--disk",
                "data:1G:fail=0.5:notrack", "--replication"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto name = field(r.out, "name");
  auto stored = get_json("/api/v1/systems/" + name);
  EXPECT_EQ(stored.at("elementName"), "app server");
  EXPECT_EQ(stored.at("replicationEnabled"), true);
  const auto& disks = stored.at("disks").as_array();
  ASSERT_EQ(disks.size(), 2u);
  EXPECT_EQ(disks[0].at("sizeBytes").to_number<std::uint64_t>(), 4u << 20);
  EXPECT_EQ(disks[1].at("sizeBytes").to_number<std::uint64_t>(), 1u << 30);
  EXPECT_EQ(disks[1].at("simFailAt").to_number<double>(), 0.5);
  EXPECT_EQ(disks[1].at("changeTracking"), false);

  r = run({"--json", "systems", "create", "--name", "second", "--disk", "d:1K"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto created = json::parse(r.out).as_object();
  EXPECT_EQ(r.out,
            get_body("/api/v1/systems/" + std::string{created.at("name").as_string()}) + "\n");
}

TEST_F(CliResourcesTest, RefusedRequestsExitThreeWithTheServersDetailAndField) {
  start_daemon();
  // No storage root: a file-backed disk is refused with 400 naming the field.
  auto r = run({"systems", "create", "--name", "vm", "--disk", "os:file=vm.img"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("refpoint: 400 Bad Request: "), std::string::npos) << r;
  EXPECT_NE(r.err.find("no storage root is configured"), std::string::npos) << r;
  EXPECT_NE(r.err.find("(field: disks[0].path)"), std::string::npos) << r;
  EXPECT_TRUE(r.out.empty()) << r;

  r = run({"jobs", "show", "8A496B9C-AF4D-4E98-BD3C-1128CD85320D"});
  EXPECT_EQ(r.exit_code, 3) << r;
  auto problem = json::parse(http().get("/api/v1/jobs/8A496B9C-AF4D-4E98-BD3C-1128CD85320D").body);
  EXPECT_NE(r.err.find("404 Not Found: " + std::string{problem.at("detail").as_string()}),
            std::string::npos)
    << r;

  auto vm = create_system("vm", R"([{"id":"d1","sizeBytes":1000}])");
  r = run({"create", vm, "--type", "snapshot"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("(field: type)"), std::string::npos) << r;

  r = run({"create", "nobody", "--type", "rct"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("no system or collection has the id or element name 'nobody'"),
            std::string::npos)
    << r;
}

TEST_F(CliResourcesTest, ClusterListsTheNodesAndCreateNamesAHomeNode) {
  start_daemon();
  create_system("vm", R"([{"id":"d1","sizeBytes":1000}])");
  auto r = run({"cluster"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), 1u) << r; // a standalone node: itself alone
  EXPECT_EQ(rows[0]["SELF"], "yes");
  EXPECT_EQ(rows[0]["ALIVE"], "yes");
  EXPECT_EQ(rows[0]["ADDRESS"], "127.0.0.1:" + std::to_string(port_));
  r = run({"cluster", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, get_body("/api/v1/cluster") + "\n");

  // --node names the home node; this one is in no cluster, so any other is refused.
  r = run({"systems", "create", "--name", "vm2", "--node", "elsewhere"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("no node named 'elsewhere'"), std::string::npos) << r;
  EXPECT_NE(r.err.find("(field: node)"), std::string::npos) << r;
  r = run({"collections", "create", "tier", "--node", "elsewhere"});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("(field: node)"), std::string::npos) << r;
}

TEST_F(CliResourcesTest, AmbiguousElementNameIsAUsageError) {
  start_daemon();
  create_system("twin", R"([{"id":"d1","sizeBytes":1000}])");
  create_system("twin", R"([{"id":"d1","sizeBytes":1000}])");
  auto r = run({"create", "twin", "--type", "rct"});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_NE(r.err.find("'twin' is the element name of 2 systems or collections"), std::string::npos)
    << r;
}

TEST_F(CliResourcesTest, CollectionsVerbsChangeAndShowTheServersState) {
  start_daemon();
  auto a = create_system("alpha", R"([{"id":"d1","sizeBytes":1000}])");
  auto b = create_system("beta", R"([{"id":"d1","sizeBytes":1000}])");

  auto r = run({"collections", "create", "pair", "--member", a, "--member", "beta"});
  ASSERT_EQ(r.exit_code, 0) << r;
  const auto id = field(r.out, "id");
  auto stored = get_json("/api/v1/collections/" + id);
  EXPECT_EQ(stored.at("elementName"), "pair");
  EXPECT_EQ(stored.at("members").as_array().size(), 2u);

  r = run({"collections", "list"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), 1u) << r;
  EXPECT_EQ(rows[0]["ID"], id);
  EXPECT_EQ(rows[0]["ELEMENT NAME"], "pair");
  EXPECT_EQ(rows[0]["MEMBERS"], "2");
  r = run({"--json", "collections", "list"});
  EXPECT_EQ(r.out, get_body("/api/v1/collections") + "\n");

  r = run({"collections", "remove-member", "pair", b});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(field(r.out, "members"), "1") << r;
  EXPECT_EQ(get_json("/api/v1/collections/" + id).at("members").as_array().size(), 1u);

  r = run({"--json", "collections", "add-member", id, b});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, get_body("/api/v1/collections/" + id) + "\n");

  r = run({"collections", "show", id});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("  " + a + "\n"), std::string::npos) << r;
  EXPECT_NE(r.out.find("  " + b + "\n"), std::string::npos) << r;

  r = run({"collections", "delete", id});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out, "deleted collection " + id + "\n");
  EXPECT_EQ(http().get("/api/v1/collections/" + id).status, 404u);

  r = run({"collections", "show", id});
  EXPECT_EQ(r.exit_code, 3) << r;
}

TEST_F(CliResourcesTest, JobsListFiltersAndShowsWhatTheServerHas) {
  start_daemon();
  auto ok = create_system("ok", R"([{"id":"d1","sizeBytes":1000}])");
  auto flaky = create_system("flaky", R"([{"id":"d1","sizeBytes":100000,"simFailAt":0.5}])");
  auto done = wait_job(start_job(ok));
  auto failed = wait_job(start_job(flaky));
  ASSERT_EQ(failed.at("state"), "exception");

  auto r = run({"jobs", "list"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), 2u) << r;
  EXPECT_EQ(rows[0]["ID"], done.at("id").as_string());
  EXPECT_EQ(rows[0]["STATE"], "completed");
  EXPECT_EQ(rows[0]["PROGRESS"], "100%");
  EXPECT_EQ(rows[1]["ID"], failed.at("id").as_string());
  EXPECT_EQ(rows[1]["TARGET"], flaky);
  EXPECT_EQ(rows[1]["STATE"], "exception");

  r = run({"jobs", "list", "--state", "exception"});
  rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), 1u) << r;
  EXPECT_EQ(rows[0]["ID"], failed.at("id").as_string());
  r = run({"jobs", "list", "--target", ok});
  rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), 1u) << r;
  EXPECT_EQ(rows[0]["ID"], done.at("id").as_string());

  // --json: the server's list; --limit 1 stops after one job and keeps the cursor.
  r = run({"--json", "jobs", "list"});
  EXPECT_EQ(r.out, get_body("/api/v1/jobs") + "\n");
  r = run({"--json", "jobs", "list", "--limit", "1"});
  auto page = json::parse(r.out).as_object();
  EXPECT_EQ(page.at("items").as_array().size(), 1u) << r;
  EXPECT_TRUE(page.contains("next")) << r;

  const std::string failed_id{failed.at("id").as_string()};
  r = run({"jobs", "show", failed_id});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(field(r.out, "state"), "exception (10)");
  EXPECT_NE(field(r.out, "error").find("simulated failure"), std::string::npos) << r;
  r = run({"--json", "jobs", "show", failed_id});
  EXPECT_EQ(r.out, get_body("/api/v1/jobs/" + failed_id) + "\n");
}

TEST_F(CliResourcesTest, JobsListFollowsPagesToTheEndOrTheLimit) {
  start_daemon();
  auto vm = create_system("vm", R"([{"id":"d1","sizeBytes":0}])");
  std::vector<std::string> ids;
  for (int i = 0; i < 105; ++i) // more than one page of 100
    ids.push_back(start_job(vm));
  wait_job(ids.back());
  auto r = run({"jobs", "list"});
  auto rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), ids.size()) << r;
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(rows[i]["ID"], ids[i]) << i;

  r = run({"--json", "jobs", "list"});
  auto all = json::parse(r.out).as_object();
  EXPECT_EQ(all.at("items").as_array().size(), ids.size());
  EXPECT_FALSE(all.contains("next"));

  r = run({"jobs", "list", "--limit", "101"});
  EXPECT_EQ(parse_table(r.out).size(), 101u) << r;
}

TEST_F(CliResourcesTest, ReferencePointsListShowAndDelete) {
  start_daemon();
  auto vm = create_system("vm", R"([{"id":"os","sizeBytes":1000},{"id":"data","sizeBytes":1000}])");
  auto first = take_reference_point(vm);
  auto second = take_reference_point(vm);

  auto r = run({"rp", "list", "vm"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), 2u) << r;
  EXPECT_EQ(rows[0]["ID"], first);
  EXPECT_EQ(rows[0]["TYPE"], "rct");
  EXPECT_EQ(rows[0]["DISKS"], "2");
  EXPECT_EQ(rows[1]["ID"], second);
  r = run({"--json", "rp", "list", vm});
  EXPECT_EQ(r.out, get_body("/api/v1/systems/" + vm + "/reference-points") + "\n");

  r = run({"rp", "show", first});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(field(r.out, "system"), vm);
  auto stored = get_json("/api/v1/reference-points/" + first);
  EXPECT_NE(r.out.find(std::string{stored.at("rctIds").at(1).as_string()}), std::string::npos) << r;
  r = run({"--json", "rp", "show", first});
  EXPECT_EQ(r.out, get_body("/api/v1/reference-points/" + first) + "\n");

  r = run({"rp", "delete", first, "--watch"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("deleted reference point " + first), std::string::npos) << r;
  EXPECT_EQ(http().get("/api/v1/reference-points/" + first).status, 404u);

  r = run({"rp", "delete", first});
  EXPECT_EQ(r.exit_code, 3) << r;
  EXPECT_NE(r.err.find("404 Not Found"), std::string::npos) << r;

  r = run({"--json", "rp", "delete", second});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto job = json::parse(r.out).as_object();
  EXPECT_EQ(job.at("type"), "destroyReferencePoint");
  EXPECT_EQ(wait_job(std::string{job.at("id").as_string()}).at("state"), "completed");
}

TEST_F(CliResourcesTest, CollectionReferencePointsThroughTheSameVerbs) {
  start_daemon();
  auto a = create_system("a", R"([{"id":"d1","sizeBytes":1000}])");
  auto b = create_system("b", R"([{"id":"d1","sizeBytes":1000}])");
  auto created = run({"--json", "collections", "create", "both", "--member", a, "--member", b});
  const std::string collection{json::parse(created.out).at("id").as_string()};

  auto r = run({"create", "both", "--type", "rct", "--name", "nightly", "--watch"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto listed = get_json("/api/v1/collections/" + collection + "/reference-points");
  ASSERT_EQ(listed.at("items").as_array().size(), 1u);
  const std::string crp{listed.at("items").at(0).at("id").as_string()};
  EXPECT_NE(r.out.find("collection reference point " + crp + "\n"), std::string::npos) << r;

  r = run({"rp", "list", collection});
  auto rows = parse_table(r.out);
  ASSERT_EQ(rows.size(), 1u) << r;
  EXPECT_EQ(rows[0]["ID"], crp);
  EXPECT_EQ(rows[0]["ELEMENT NAME"], "nightly");
  EXPECT_EQ(rows[0]["MEMBERS"], "2");

  r = run({"rp", "show", crp});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(field(r.out, "collection"), collection) << r;
  r = run({"--json", "rp", "show", crp});
  EXPECT_EQ(r.out, get_body("/api/v1/reference-point-collections/" + crp) + "\n");

  r = run({"rp", "delete", crp, "--watch"});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("deleted collection reference point " + crp), std::string::npos) << r;
  EXPECT_EQ(http().get("/api/v1/reference-point-collections/" + crp).status, 404u);
}

TEST_F(CliResourcesTest, ChangesFollowNextOffsetToTheEnd) {
  const auto root = dir_ / "images";
  fs::create_directories(root);
  const auto image = root / "vm.img";
  {
    std::ofstream out{image, std::ios::binary};
    std::string block(65536, 'a');
    for (int i = 0; i < 16; ++i)
      out << block;
  }
  // One block per call: the CLI has to follow nextOffset fifteen times.
  start_daemon(10'000'000, "[storage]\nroot = \"" + root.string() +
                             "\"\n[backend.file]\nmax_query_bytes = 65536\n");
  auto vm = create_system("files", R"([{"id":"os","backend":"file","path":"vm.img"}])");
  auto rp = take_reference_point(vm);
  {
    std::fstream file{image, std::ios::binary | std::ios::in | std::ios::out};
    file.seekp(100000);
    file << 'x';
    file.seekp(15 * 65536 + 7);
    file << 'y';
  }

  auto r = run({"rp", "changes", rp});
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(field(r.out, "disk"), "os") << r;
  EXPECT_EQ(field(r.out, "changed"), "2 ranges, 131072 bytes (128 KiB)") << r;
  const auto table_start = r.out.find("OFFSET");
  ASSERT_NE(table_start, std::string::npos) << r;
  auto rows = parse_table(r.out.substr(table_start));
  ASSERT_EQ(rows.size(), 2u) << r;
  EXPECT_EQ(rows[0]["OFFSET"], "65536");
  EXPECT_EQ(rows[0]["LENGTH"], "65536");
  EXPECT_EQ(rows[1]["OFFSET"], std::to_string(15 * 65536));

  r =
    run({"--json", "rp", "changes", rp, "--disk", "os", "--offset", "65536", "--length", "131072"});
  ASSERT_EQ(r.exit_code, 0) << r;
  auto merged = json::parse(r.out).as_object();
  EXPECT_FALSE(merged.contains("nextOffset")) << r;
  EXPECT_EQ(merged.at("processedLength").to_number<int>(), 131072) << r;
  EXPECT_EQ(json::serialize(merged.at("ranges")), R"([{"offset":65536,"length":65536}])") << r;
}

} // namespace
} // namespace refpoint::test
