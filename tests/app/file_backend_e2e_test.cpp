// The file backend end to end (DESIGN §4, §7): real image files under a storage root, RCT
// reference points that fingerprint them, and changed-range queries on both surfaces
// checked against exactly the bytes the test rewrote.

#include "daemon_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace refpoint::test {
namespace {

constexpr std::uint64_t block = 65536;
/// Small enough that every query over a few blocks takes several calls.
constexpr std::uint64_t query_bytes = 2 * block;

using ranges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

class FileBackendTest : public DaemonTest {
protected:
  FileBackendTest() : root_(dir_ / "images") { fs::create_directories(root_); }

  daemon_run& start_with_root(std::string extra = {}) {
    auto config = write_config(50'000'000, "[storage]\nroot = \"" + root_.string() +
                                             "\"\n[backend.file]\nmax_query_bytes = " +
                                             std::to_string(query_bytes) + "\n" + extra);
    return start({"--config", config});
  }

  /// Writes `size` bytes of deterministic pseudo-random content.
  void write_image(const std::string& name, std::uint64_t size, std::uint32_t seed = 1) {
    std::ofstream out{root_ / name, std::ios::binary | std::ios::trunc};
    std::minstd_rand gen{seed};
    std::string chunk;
    for (std::uint64_t i = 0; i < size; ++i)
      chunk += static_cast<char>(gen() & 0xFFU);
    out << chunk;
  }

  /// Rewrites `length` bytes at `offset` with bytes that differ from what was there.
  void overwrite(const std::string& name, std::uint64_t offset, std::uint64_t length) {
    std::fstream f{root_ / name, std::ios::binary | std::ios::in | std::ios::out};
    std::string old(length, '\0');
    f.seekg(static_cast<std::streamoff>(offset));
    f.read(old.data(), static_cast<std::streamsize>(length));
    for (auto& c : old)
      c = static_cast<char>(~c);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(old.data(), static_cast<std::streamsize>(length));
  }

  std::string create_file_system(const std::string& image, const std::string& disk = "d1") {
    return create_system(R"([{"id":")" + disk + R"(","backend":"file","path":")" + image +
                         R"("}])");
  }

  /// Takes an RCT reference point through REST; answers it once its job completed.
  boost::json::object take_rct(const std::string& system) {
    auto res = http().post("/api/v1/systems/" + system + "/reference-points", R"({"type":"rct"})",
                           json_headers());
    EXPECT_EQ(res.status, 202u) << res.body;
    auto job = wait_rest_job(std::string{res.json().at("id").as_string()});
    EXPECT_EQ(job.at("state"), "completed") << boost::json::serialize(job);
    auto list = http().get("/api/v1/systems/" + system + "/reference-points").json();
    return list.at("items").as_array().back().as_object();
  }

  /// Every changed range of the whole disk through REST, following `nextOffset`.
  ranges rest_changes(const std::string& rp, const std::string& query = {}) {
    ranges out;
    std::string next = query;
    for (int calls = 0; calls < 1000; ++calls) {
      auto res = http().get("/api/v1/reference-points/" + rp + "/changes" + next);
      EXPECT_EQ(res.status, 200u) << res.body;
      if (res.status != 200u)
        return out;
      auto body = res.json().as_object();
      for (const auto& r : body.at("ranges").as_array())
        append(out, r.at("offset").to_number<std::uint64_t>(),
               r.at("length").to_number<std::uint64_t>());
      if (!body.contains("nextOffset"))
        return out;
      next = "?offset=" + std::to_string(body.at("nextOffset").to_number<std::uint64_t>());
    }
    ADD_FAILURE() << "no end to the changes of " << rp;
    return out;
  }

  boost::json::object cim_changes(const std::string& path, const std::string& rct,
                                  std::uint64_t offset, std::uint64_t length) {
    boost::json::object params{{"Path", path},
                               {"LimitId", rct},
                               {"ByteOffset", std::to_string(offset)},
                               {"ByteLength", length}};
    auto res = http().post("/cim/v2/Msvm_ImageManagementService/GetVirtualDiskChanges",
                           boost::json::serialize(params), json_headers());
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_object();
  }

  /// Loops GetVirtualDiskChanges over [0, size) on `ProcessedByteLength`, as clients do.
  ranges cim_changes_loop(const std::string& path, const std::string& rct, std::uint64_t size) {
    ranges out;
    std::uint64_t offset = 0;
    for (int calls = 0; offset < size && calls < 1000; ++calls) {
      auto answer = cim_changes(path, rct, offset, size - offset);
      EXPECT_EQ(answer.at("ReturnValue"), 0) << boost::json::serialize(answer);
      auto processed = answer.at("ProcessedByteLength").to_number<std::uint64_t>();
      if (answer.at("ReturnValue") != 0 || processed == 0)
        break;
      const auto& offsets = answer.at("ChangedByteOffsets").as_array();
      const auto& lengths = answer.at("ChangedByteLengths").as_array();
      EXPECT_EQ(offsets.size(), lengths.size());
      for (std::size_t i = 0; i < offsets.size(); ++i)
        append(out, offsets[i].to_number<std::uint64_t>(), lengths[i].to_number<std::uint64_t>());
      offset += processed;
    }
    EXPECT_EQ(offset, size);
    return out;
  }

  static std::string rct_of(const boost::json::object& rp, std::size_t i = 0) {
    return std::string{rp.at("rctIds").as_array().at(i).as_string()};
  }
  static std::string id_of(const boost::json::object& rp) {
    return std::string{rp.at("id").as_string()};
  }

  fs::path root_;

private:
  /// Calls may split a range where they stop: join what touches.
  static void append(ranges& out, std::uint64_t offset, std::uint64_t length) {
    if (!out.empty() && out.back().first + out.back().second == offset)
      out.back().second += length;
    else
      out.emplace_back(offset, length);
  }
};

TEST_F(FileBackendTest, ReportsExactlyTheRewrittenBlocks) {
  const std::uint64_t size = 16 * block + 1000; // 17 blocks, the last one partial
  write_image("vm.img", size);
  start_with_root();
  auto sys = create_file_system("vm.img");
  auto rp = take_rct(sys);
  ASSERT_EQ(rp.at("rctIds").as_array().size(), 1u);
  EXPECT_TRUE(rest_changes(id_of(rp)).empty());

  overwrite("vm.img", 10, 5);                // first block
  overwrite("vm.img", 5 * block, 2 * block); // two adjacent blocks: one range
  overwrite("vm.img", 10 * block + 77, 1);   // a scattered byte
  overwrite("vm.img", 12 * block - 1, 2);    // straddles blocks 11 and 12
  overwrite("vm.img", 16 * block + 999, 1);  // the partial last block
  // Blocks 10 (the scattered byte), 11 and 12 (the straddling write) are adjacent: one range.
  const ranges coalesced{
    {0, block}, {5 * block, 2 * block}, {10 * block, 3 * block}, {16 * block, 1000}};
  EXPECT_EQ(rest_changes(id_of(rp)), coalesced);
  EXPECT_EQ(cim_changes_loop("vm.img", rct_of(rp), size), coalesced);
  EXPECT_EQ(cim_changes_loop((root_ / "vm.img").string(), rct_of(rp), size), coalesced)
    << "an absolute path inside the root names the same image";

  // A part of the disk: only what lies inside it, clipped to it.
  auto part = cim_changes("vm.img", rct_of(rp), 5 * block + 100, 1000);
  EXPECT_EQ(part.at("ReturnValue"), 0);
  EXPECT_EQ(part.at("ProcessedByteLength"), 1000);
  EXPECT_EQ(part.at("ChangedByteOffsets"), (boost::json::array{5 * block + 100}));
  EXPECT_EQ(part.at("ChangedByteLengths"), (boost::json::array{1000}));

  // A reference point taken now sees none of it.
  auto later = take_rct(sys);
  EXPECT_TRUE(rest_changes(id_of(later)).empty());
  EXPECT_NE(rct_of(later), rct_of(rp));
}

TEST_F(FileBackendTest, ACollectionReferencePointFingerprintsEveryMember) {
  write_image("a.img", 3 * block, 1);
  write_image("b.img", 2 * block + 10, 2);
  start_with_root();
  auto a = create_file_system("a.img", "a-disk");
  auto b = create_file_system("b.img", "b-disk");
  auto coll = http().post("/api/v1/collections",
                          R"({"elementName":"pair","members":[")" + a + R"(",")" + b + R"("]})",
                          json_headers());
  ASSERT_EQ(coll.status, 201u) << coll.body;
  auto coll_id = std::string{coll.json().at("id").as_string()};
  auto res = http().post("/api/v1/collections/" + coll_id + "/reference-points",
                         R"({"type":"rct"})", json_headers());
  ASSERT_EQ(res.status, 202u) << res.body;
  EXPECT_EQ(wait_rest_job(std::string{res.json().at("id").as_string()}).at("state"), "completed");
  auto rpcs = http().get("/api/v1/collections/" + coll_id + "/reference-points").json();
  const auto& members = rpcs.at("items").at(0).at("memberIds").as_array();
  ASSERT_EQ(members.size(), 2u);

  overwrite("a.img", block, 1);
  overwrite("b.img", 2 * block + 5, 1);
  std::map<std::string, ranges> found;
  for (const auto& m : members) {
    auto rp = http().get("/api/v1/reference-points/" + std::string{m.as_string()}).json();
    found[std::string{rp.at("systemId").as_string()}] = rest_changes(std::string{m.as_string()});
  }
  EXPECT_EQ(found[a], (ranges{{block, block}}));
  EXPECT_EQ(found[b], (ranges{{2 * block, 10}}));
}

TEST_F(FileBackendTest, GrownAndTruncatedDisksStayCorrect) {
  write_image("grow.img", 3 * block + 3392);
  write_image("shrink.img", 4 * block, 7);
  start_with_root();
  auto grow_sys = create_file_system("grow.img");
  auto shrink_sys = create_file_system("shrink.img");
  auto grow_rp = take_rct(grow_sys);
  auto shrink_rp = take_rct(shrink_sys);

  fs::resize_file(root_ / "grow.img", 5 * block + 10);
  // The old partial block is now full (changed), and everything after it is new.
  EXPECT_EQ(rest_changes(id_of(grow_rp)), (ranges{{3 * block, 2 * block + 10}}));
  EXPECT_EQ(cim_changes_loop("grow.img", rct_of(grow_rp), 5 * block + 10),
            (ranges{{3 * block, 2 * block + 10}}));

  fs::resize_file(root_ / "shrink.img", block + 100);
  // Block 1 lost most of its bytes; the blocks past the end no longer exist.
  EXPECT_EQ(rest_changes(id_of(shrink_rp)), (ranges{{block, 100}}));
  auto past = cim_changes("shrink.img", rct_of(shrink_rp), 0, 2 * block);
  EXPECT_EQ(past.at("ReturnValue"), 32773) << "a range past the end is an invalid parameter";
  auto res = http().get("/api/v1/reference-points/" + id_of(shrink_rp) +
                        "/changes?offset=" + std::to_string(2 * block));
  EXPECT_EQ(res.status, 400u);
  EXPECT_EQ(res.json().at("field"), "offset");
}

TEST_F(FileBackendTest, RefusesPathsOutsideTheRootAtRegistration) {
  write_image("inside.img", 1000);
  {
    std::ofstream outside{dir_ / "outside.img"};
    outside << "secret";
  }
  fs::create_symlink(dir_ / "outside.img", root_ / "link-out.img");
  fs::create_symlink(root_ / "inside.img", root_ / "link-in.img");
  start_with_root();
  auto refuse = [&](const std::string& path, const std::string& words) {
    auto res = http().post("/api/v1/systems",
                           R"({"elementName":"vm","disks":[{"id":"d","backend":"file","path":")" +
                             path + R"("}]})",
                           json_headers());
    EXPECT_EQ(res.status, 400u) << path << ": " << res.body;
    EXPECT_EQ(res.json().at("field"), "disks[0].path") << res.body;
    EXPECT_NE(res.body.find(words), std::string::npos) << res.body;
  };
  refuse("../outside.img", "outside the storage root");
  refuse((dir_ / "outside.img").string(), "outside the storage root");
  refuse("link-out.img", "outside the storage root");
  refuse("missing.img", "missing.img");
  refuse(".", "");

  auto sys = create_file_system("link-in.img");
  auto got = http().get("/api/v1/systems/" + sys).json();
  EXPECT_EQ(got.at("disks").at(0).at("sizeBytes"), 1000) << "the size is the file's";
}

TEST_F(FileBackendTest, RefusesFileDisksWithoutAStorageRoot) {
  start();
  auto res = http().post(
    "/api/v1/systems",
    R"({"elementName":"vm","disks":[{"id":"d","backend":"file","path":"a.img"}]})", json_headers());
  EXPECT_EQ(res.status, 400u) << res.body;
  EXPECT_NE(res.body.find("no storage root"), std::string::npos) << res.body;
}

TEST_F(FileBackendTest, StartUpRefusesAMissingRootAndEscapingSeedDisks) {
  auto run_to_exit = [&](const std::string& root, const std::string& inventory) {
    auto config = write_config(50'000'000, "[storage]\nroot = \"" + root + "\"\n");
    std::vector<std::string> args{"--config", config, "--listen", "127.0.0.1:0", "--db", db_};
    if (!inventory.empty())
      args.insert(args.end(), {"--inventory", inventory});
    auto p = child_process::start(REFPOINTD_PATH, args);
    auto code = p.wait(20s);
    EXPECT_TRUE(code && *code != 0);
    return p.stderr_text();
  };
  auto err = run_to_exit((dir_ / "no-such-dir").string(), "");
  EXPECT_NE(err.find("[storage] root"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << "one line: " << err;

  auto inventory = (dir_ / "seed.json").string();
  std::ofstream{inventory} << R"({"systems": [{"name": "6C9E2B1A-4F3D-4B8E-9A71-2D5C8E0F1A09",
    "elementName": "vm", "disks": [{"id": "d", "backend": "file", "path": "../refpoint.db"}]}]})";
  err = run_to_exit(root_.string(), inventory);
  EXPECT_NE(err.find("outside the storage root"), std::string::npos) << err;
  EXPECT_NE(err.find("6C9E2B1A-4F3D-4B8E-9A71-2D5C8E0F1A09"), std::string::npos) << err;
}

TEST_F(FileBackendTest, ChecksThePathAgainWhenTheFileIsUsed) {
  write_image("vm.img", 2 * block);
  write_image("gone.img", block);
  start_with_root();
  auto sys = create_file_system("vm.img");
  auto rp = take_rct(sys);
  auto gone_sys = create_file_system("gone.img");
  auto gone_rp = take_rct(gone_sys);

  // vm.img becomes a symlink leading out of the root: refused when read again.
  fs::rename(root_ / "vm.img", dir_ / "moved.img");
  fs::create_symlink(dir_ / "moved.img", root_ / "vm.img");
  auto res = http().post("/api/v1/systems/" + sys + "/reference-points", R"({"type":"rct"})",
                         json_headers());
  ASSERT_EQ(res.status, 202u);
  auto job = wait_rest_job(std::string{res.json().at("id").as_string()});
  EXPECT_EQ(job.at("state"), "exception");
  EXPECT_NE(boost::json::serialize(job).find("outside the storage root"), std::string::npos)
    << boost::json::serialize(job);
  auto changes = http().get("/api/v1/reference-points/" + id_of(rp) + "/changes");
  EXPECT_EQ(changes.status, 409u) << changes.body;

  // A missing image: the job fails naming the disk; queries answer file not found.
  fs::remove(root_ / "gone.img");
  res = http().post("/api/v1/systems/" + gone_sys + "/reference-points", R"({"type":"rct"})",
                    json_headers());
  job = wait_rest_job(std::string{res.json().at("id").as_string()});
  EXPECT_EQ(job.at("state"), "exception");
  EXPECT_NE(boost::json::serialize(job).find("disk 'd1'"), std::string::npos)
    << boost::json::serialize(job);
  EXPECT_EQ(cim_changes("gone.img", rct_of(gone_rp), 0, block).at("ReturnValue"), 32779);
  EXPECT_EQ(http().get("/api/v1/reference-points/" + id_of(gone_rp) + "/changes").status, 404u);
}

TEST_F(FileBackendTest, AnswersDocumentedCodesForBadQueries) {
  write_image("a.img", 2 * block);
  write_image("b.img", 2 * block, 3);
  std::ofstream{dir_ / "x.img"} << "outside";
  start_with_root();
  auto sys = create_system(
    R"([{"id":"a","backend":"file","path":"a.img"},{"id":"b","backend":"file","path":"b.img"},
        {"id":"s","sizeBytes":1000}])",
    true);
  auto rp = take_rct(sys);
  ASSERT_EQ(rp.at("rctIds").as_array().size(), 3u);
  auto rct_a = rct_of(rp, 0);

  // Unknown and malformed RCT IDs, another disk's path, bad ranges: 32773.
  auto unknown = rct_a;
  unknown[unknown.size() - 1] = unknown.back() == '0' ? '1' : '0';
  EXPECT_EQ(cim_changes("a.img", unknown, 0, block).at("ReturnValue"), 32773);
  EXPECT_EQ(cim_changes("a.img", "not-an-rct-id", 0, block).at("ReturnValue"), 32773);
  auto other = cim_changes("b.img", rct_a, 0, block);
  EXPECT_EQ(other.at("ReturnValue"), 32773);
  EXPECT_NE(boost::json::serialize(other).find("belongs to disk 'a'"), std::string::npos);
  EXPECT_EQ(cim_changes("a.img", rct_a, 3 * block, 1).at("ReturnValue"), 32773);
  EXPECT_EQ(cim_changes("missing.img", rct_a, 0, block).at("ReturnValue"), 32779);
  EXPECT_EQ(cim_changes("../x.img", rct_a, 0, block).at("ReturnValue"), 32773);
  // RCT IDs are matched whatever the case of their hex digits.
  auto upper = rct_a;
  for (std::size_t i = 5; i < upper.size(); ++i)
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
  EXPECT_EQ(cim_changes("a.img", upper, 0, block).at("ReturnValue"), 0);

  // The sim-backed disk keeps no data: 32770 / 422.
  EXPECT_EQ(cim_changes("a.img", rct_of(rp, 2), 0, block).at("ReturnValue"), 32770);
  auto sim = http().get("/api/v1/reference-points/" + id_of(rp) + "/changes?disk=s");
  EXPECT_EQ(sim.status, 422u) << sim.body;

  // REST: the disk must be named when there are several; unknown ones are 404.
  auto many = http().get("/api/v1/reference-points/" + id_of(rp) + "/changes");
  EXPECT_EQ(many.status, 400u);
  EXPECT_EQ(many.json().at("field"), "disk");
  EXPECT_EQ(http().get("/api/v1/reference-points/" + id_of(rp) + "/changes?disk=zz").status, 404u);
  EXPECT_EQ(http().get("/api/v1/reference-points/" + id_of(rp) + "/changes?disk=a&length=0").status,
            400u);
  EXPECT_EQ(http().get("/api/v1/reference-points/" + id_of(rp) + "/changes?disk=a&bogus=1").status,
            400u);
  EXPECT_EQ(
    http().get("/api/v1/reference-points/00000000-0000-0000-0000-000000000000/changes").status,
    404u);
  EXPECT_TRUE(rest_changes(id_of(rp), "?disk=b").empty());
}

TEST_F(FileBackendTest, LogBasedReferencePointsHaveNoChanges) {
  write_image("a.img", block);
  start_with_root();
  auto file_sys = create_system(R"([{"id":"a","backend":"file","path":"a.img"}])", true);
  auto res = http().post("/api/v1/systems/" + file_sys + "/reference-points", R"({"type":"log"})",
                         json_headers());
  EXPECT_EQ(res.status, 422u) << "log-based needs the sim backend: " << res.body;

  auto sim_sys = create_system(R"([{"id":"s","sizeBytes":1000}])", true);
  res = http().post("/api/v1/systems/" + sim_sys + "/reference-points", R"({"type":"log"})",
                    json_headers());
  ASSERT_EQ(res.status, 202u);
  wait_rest_job(std::string{res.json().at("id").as_string()});
  auto list = http().get("/api/v1/systems/" + sim_sys + "/reference-points").json();
  auto log_rp = id_of(list.at("items").as_array().back().as_object());
  auto changes = http().get("/api/v1/reference-points/" + log_rp + "/changes");
  EXPECT_EQ(changes.status, 422u) << changes.body;
  EXPECT_NE(changes.body.find("log-based"), std::string::npos);
}

TEST_F(FileBackendTest, MapsSurviveARestartAndCorruptionIsReported) {
  write_image("vm.img", 4 * block);
  start_with_root();
  auto sys = create_file_system("vm.img");
  auto rp = take_rct(sys);
  ASSERT_EQ(stop_gracefully(), 0);

  overwrite("vm.img", 2 * block, 1);
  start_with_root();
  EXPECT_EQ(rest_changes(id_of(rp)), (ranges{{2 * block, block}}));
  ASSERT_EQ(stop_gracefully(), 0);
  {
    // Flip one bit of a stored fingerprint.
    SQLite::Database db{db_, SQLite::OPEN_READWRITE};
    auto column = db.execAndGet("SELECT map FROM block_maps");
    std::string map(static_cast<const char*>(column.getBlob()),
                    static_cast<std::size_t>(column.getBytes()));
    ASSERT_GT(map.size(), 50u);
    map[44] = static_cast<char>(map[44] ^ 0x10);
    SQLite::Statement update{db, "UPDATE block_maps SET map = ?"};
    update.bind(1, map.data(), static_cast<int>(map.size()));
    EXPECT_EQ(update.exec(), 1);
  }
  start_with_root();
  auto res = http().get("/api/v1/reference-points/" + id_of(rp) + "/changes");
  EXPECT_EQ(res.status, 409u) << res.body;
  EXPECT_NE(res.body.find("corrupted"), std::string::npos) << res.body;
  auto cim = cim_changes("vm.img", rct_of(rp), 0, block);
  EXPECT_EQ(cim.at("ReturnValue"), 32775);
}

TEST_F(FileBackendTest, DestroyingAReferencePointRemovesItsMaps) {
  write_image("vm.img", 2 * block);
  start_with_root();
  auto sys = create_file_system("vm.img");
  auto kept = take_rct(sys);
  auto rp = take_rct(sys);
  auto res = http().del("/api/v1/reference-points/" + id_of(rp));
  ASSERT_EQ(res.status, 202u);
  EXPECT_EQ(wait_rest_job(std::string{res.json().at("id").as_string()}).at("state"), "completed");
  EXPECT_EQ(cim_changes("vm.img", rct_of(rp), 0, block).at("ReturnValue"), 32773);
  EXPECT_EQ(cim_changes("vm.img", rct_of(kept), 0, block).at("ReturnValue"), 0);
  ASSERT_EQ(stop_gracefully(), 0);
  SQLite::Database db{db_, SQLite::OPEN_READONLY};
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM block_maps").getInt(), 1);
}

} // namespace
} // namespace refpoint::test
