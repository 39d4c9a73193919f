#include "actor_fixture.hpp"
#include "persistence/query_actor.hpp"
#include "persistence/store_actor.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

class QueryActor : public with_actors {
protected:
  // The writer opens (and migrates) the file first; the reader is read-only.
  store_actor store_ = keep(spawn_store_actor(sys_, database::open(path_)));
  query_actor query_ = keep(spawn_query_actor(sys_, database::open(path_, true)));
};

TEST_F(QueryActor, SeesRowsCommittedByTheStore) {
  const auto rp = sample_rp("RP-1", "SYS-1", "JOB-1");
  auto done = completed(sample_job("JOB-1"), rp);
  ASSERT_TRUE(ask<ack_atom>(store_, put_system_atom::value, sample_system("SYS-1")));
  const auto stored =
    ask<protocol::job_record>(store_, insert_job_atom::value, sample_job("JOB-1"));
  ASSERT_TRUE(stored);
  ASSERT_TRUE(ask<ack_atom>(store_, complete_job_atom::value, done, rp));
  done.seq = stored->seq;

  EXPECT_EQ(ask<protocol::system_info>(query_, get_system_atom::value, std::string{"SYS-1"}),
            sample_system("SYS-1"));
  EXPECT_EQ(ask<std::vector<protocol::system_info>>(query_, list_systems_atom::value),
            std::vector{sample_system("SYS-1")});
  EXPECT_EQ(ask<protocol::job_record>(query_, get_job_atom::value, std::string{"JOB-1"}), done);
  EXPECT_EQ(ask<protocol::reference_point>(query_, get_rp_atom::value, std::string{"RP-1"}), rp);
}

TEST_F(QueryActor, ListsReferencePointsOfOneSystemOldestFirst) {
  std::vector<protocol::reference_point> of_a;
  for (const char* id : {"RP-Z", "RP-B", "RP-M"}) {
    const auto rp = sample_rp(id, "SYS-A", std::string{"JOB-"} + id);
    ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, sample_job(rp.job_id)));
    ASSERT_TRUE(
      ask<ack_atom>(store_, complete_job_atom::value, completed(sample_job(rp.job_id), rp), rp));
    of_a.push_back(rp);
  }
  const auto other = sample_rp("RP-O", "SYS-B", "JOB-O");
  ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, sample_job("JOB-O")));
  ASSERT_TRUE(
    ask<ack_atom>(store_, complete_job_atom::value, completed(sample_job("JOB-O"), other), other));

  using rp_list = std::vector<protocol::reference_point>;
  EXPECT_EQ(ask<rp_list>(query_, list_rps_atom::value, std::string{"SYS-A"}), of_a);
  auto all = of_a;
  all.push_back(other);
  EXPECT_EQ(ask<rp_list>(query_, list_rps_atom::value, std::string{}), all);
  EXPECT_EQ(ask<rp_list>(query_, list_rps_atom::value, std::string{"SYS-C"}), rp_list{});
}

TEST_F(QueryActor, UnknownIdsAnswerNotFoundNamingTheId) {
  const auto job = ask<protocol::job_record>(query_, get_job_atom::value, std::string{"X"});
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error(), store_errc::not_found);
  EXPECT_NE(caf::to_string(job.error()).find("job 'X' not found"), std::string::npos)
    << caf::to_string(job.error());

  const auto system =
    ask<protocol::system_info>(query_, get_system_atom::value, std::string{"SYS-X"});
  ASSERT_FALSE(system);
  EXPECT_EQ(system.error(), store_errc::not_found);

  const auto rp = ask<protocol::reference_point>(query_, get_rp_atom::value, std::string{"RP-X"});
  ASSERT_FALSE(rp);
  EXPECT_EQ(rp.error(), store_errc::not_found);
  EXPECT_NE(caf::to_string(rp.error()).find("reference point 'RP-X' not found"), std::string::npos);
}

TEST_F(QueryActor, ReadsCollections) {
  const auto b = sample_collection("COLL-B", {"SYS-2", "SYS-1"});
  const auto a = sample_collection("COLL-A", {"SYS-3"});
  ASSERT_TRUE(ask<ack_atom>(store_, put_collection_atom::value, b));
  ASSERT_TRUE(ask<ack_atom>(store_, put_collection_atom::value, a));
  const auto sorted_b = sample_collection("COLL-B", {"SYS-1", "SYS-2"});
  EXPECT_EQ(
    ask<protocol::collection_info>(query_, get_collection_atom::value, std::string{"COLL-B"}),
    sorted_b);
  EXPECT_EQ(ask<std::vector<protocol::collection_info>>(query_, list_collections_atom::value),
            (std::vector{a, sorted_b}));
  const auto missing =
    ask<protocol::collection_info>(query_, get_collection_atom::value, std::string{"COLL-X"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), store_errc::not_found);
  EXPECT_NE(caf::to_string(missing.error()).find("collection 'COLL-X' not found"),
            std::string::npos);
}

TEST_F(QueryActor, ReadsCollectionReferencePoints) {
  std::vector<protocol::collection_reference_point> of_a;
  std::vector<protocol::reference_point> members;
  for (const char* id : {"RPC-Z", "RPC-B", "RPC-O"}) {
    const std::string collection = std::string{id} == "RPC-O" ? "COLL-O" : "COLL-A";
    const std::string job_id = std::string{"JOB-"} + id;
    ASSERT_TRUE(
      ask<protocol::job_record>(store_, insert_job_atom::value, sample_job(job_id, collection)));
    const auto rpc = sample_rpc(id, collection, job_id, {"SYS-1", "SYS-2"}, members);
    ASSERT_TRUE(ask<ack_atom>(store_, complete_collection_job_atom::value,
                              completed(sample_job(job_id), rpc), rpc, members));
    if (collection == "COLL-A") {
      of_a.push_back(rpc);
    }
  }
  using rpc_list = std::vector<protocol::collection_reference_point>;
  EXPECT_EQ(ask<rpc_list>(query_, list_rpcs_atom::value, std::string{"COLL-A"}), of_a);
  const auto all = ask<rpc_list>(query_, list_rpcs_atom::value, std::string{});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 3u);
  EXPECT_EQ(
    ask<protocol::collection_reference_point>(query_, get_rpc_atom::value, std::string{"RPC-B"}),
    of_a[1]);
  const auto missing =
    ask<protocol::collection_reference_point>(query_, get_rpc_atom::value, std::string{"X"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), store_errc::not_found);
  EXPECT_NE(caf::to_string(missing.error()).find("collection reference point 'X' not found"),
            std::string::npos);
}

TEST_F(QueryActor, ListsJobsPageByPage) {
  constexpr protocol::timestamp_us now = 1'800'000'000'000'000;
  std::vector<std::string> running;
  for (int i = 0; i < 5; ++i) {
    auto job = sample_job("JOB-" + std::to_string(i));
    if (i == 2) {
      job = finished(job);
      job.finished_at = now;
    } else {
      running.push_back(job.id);
    }
    ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, job));
  }
  job_query query;
  query.state = protocol::job_state::running;
  query.target = "SYS-1";
  query.limit = 3;
  query.removed_before = now;
  const auto first = ask<job_page>(query_, list_jobs_atom::value, query);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 3u);
  ASSERT_NE(first->next_after, 0);
  query.after_seq = first->next_after;
  const auto second = ask<job_page>(query_, list_jobs_atom::value, query);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->next_after, 0);
  std::vector<std::string> listed;
  for (const auto* page : {&*first, &*second}) {
    for (const auto& job : page->items) {
      listed.push_back(job.id);
    }
  }
  EXPECT_EQ(listed, running);

  query = job_query{};
  query.limit = 10;
  const auto all = ask<job_page>(query_, list_jobs_atom::value, query);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->items.size(), 5u);
}

TEST_F(QueryActor, CountsJobsByStateAndThoseNotStarted) {
  auto started = sample_job("JOB-STARTED");
  started.started_at = 1'700'000'000'000'002;
  for (const auto& job : {sample_job("JOB-QUEUED-1"), sample_job("JOB-QUEUED-2"), started,
                          finished(sample_job("JOB-DONE"))}) {
    ASSERT_TRUE(ask<protocol::job_record>(store_, insert_job_atom::value, job));
  }
  const auto counts = ask<std::vector<job_state_count>>(query_, count_jobs_atom::value);
  ASSERT_TRUE(counts);
  const std::vector<job_state_count> expected{{protocol::job_state::running, 3, 2},
                                              {protocol::job_state::completed, 1, 0}};
  EXPECT_EQ(*counts, expected);
}

TEST(JobQuery, SerializationKeepsTheOptionalState) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  for (const auto state : {std::optional<protocol::job_state>{},
                           std::optional<protocol::job_state>{protocol::job_state::killed}}) {
    job_query sent;
    sent.state = state;
    sent.target = "SYS-1";
    sent.limit = 7;
    sent.after_seq = 42;
    sent.removed_before = 99;
    std::vector<char> buffer;
    caf::binary_serializer sink{sys, buffer};
    ASSERT_FALSE(sink(sent));
    job_query received;
    received.state = protocol::job_state::running;
    caf::binary_deserializer source{sys, buffer};
    ASSERT_FALSE(source(received));
    EXPECT_EQ(received, sent);
  }
}

} // namespace
