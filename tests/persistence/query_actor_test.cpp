#include "actor_fixture.hpp"
#include "persistence/query_actor.hpp"
#include "persistence/store_actor.hpp"

#include <gtest/gtest.h>

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
  const auto seq = ask<std::int64_t>(store_, insert_job_atom::value, sample_job("JOB-1"));
  ASSERT_TRUE(seq);
  ASSERT_TRUE(ask<ack_atom>(store_, complete_job_atom::value, done, rp));
  done.seq = *seq;

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
    ASSERT_TRUE(ask<std::int64_t>(store_, insert_job_atom::value, sample_job(rp.job_id)));
    ASSERT_TRUE(
      ask<ack_atom>(store_, complete_job_atom::value, completed(sample_job(rp.job_id), rp), rp));
    of_a.push_back(rp);
  }
  const auto other = sample_rp("RP-O", "SYS-B", "JOB-O");
  ASSERT_TRUE(ask<std::int64_t>(store_, insert_job_atom::value, sample_job("JOB-O")));
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

} // namespace
