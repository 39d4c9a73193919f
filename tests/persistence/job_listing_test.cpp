#include "persistence/database.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace refpoint::persistence;
using namespace refpoint::persistence::testing;
namespace protocol = refpoint::protocol;

using id_list = std::vector<std::string>;

constexpr protocol::timestamp_us one_second = 1'000'000;
constexpr protocol::timestamp_us day = 24 * 3600 * one_second;

id_list ids_of(const std::vector<protocol::job_record>& jobs) {
  id_list ids;
  for (const auto& job : jobs) {
    ids.push_back(job.id);
  }
  return ids;
}

// -- idempotency keys ------------------------------------------------------------------

class IdempotentInsert : public with_temp_dir {
protected:
  database db_ = database::open(path_);
};

TEST_F(IdempotentInsert, InsertAnswersTheStoredJobWithItsSeqAndKey) {
  auto job = sample_job("JOB-1");
  job.idempotency_key = "key-1";
  job.seq = 42;
  const auto stored = db_.insert_job(job);
  EXPECT_NE(stored.seq, 42);
  job.seq = stored.seq;
  EXPECT_EQ(stored, job);
  EXPECT_EQ(db_.get_job("JOB-1"), job);
}

TEST_F(IdempotentInsert, KnownKeyAnswersTheExistingJobAndInsertsNothing) {
  auto first = sample_job("JOB-1", "FIRST");
  first.idempotency_key = "key-1";
  first = db_.insert_job(first);
  auto retry = sample_job("JOB-2", "SECOND");
  retry.idempotency_key = "key-1";
  EXPECT_EQ(db_.insert_job(retry), first);
  EXPECT_FALSE(db_.get_job("JOB-2"));
  EXPECT_EQ(SQLite::Database(path_).execAndGet("SELECT count(*) FROM jobs").getInt(), 1);
  // The answer reflects the stored job as it is now, not as it was submitted.
  auto progressed = first;
  progressed.percent_complete = 50;
  ASSERT_TRUE(db_.update_job(progressed));
  EXPECT_EQ(db_.insert_job(retry), progressed);
}

TEST_F(IdempotentInsert, JobsWithoutKeyOrWithOtherKeysAreAllInserted) {
  auto keyed = sample_job("JOB-1");
  keyed.idempotency_key = "key-1";
  db_.insert_job(keyed);
  auto other = sample_job("JOB-2");
  other.idempotency_key = "key-2";
  EXPECT_EQ(db_.insert_job(other).id, "JOB-2");
  EXPECT_EQ(db_.insert_job(sample_job("JOB-3")).id, "JOB-3");
  EXPECT_EQ(db_.insert_job(sample_job("JOB-4")).id, "JOB-4");
  EXPECT_EQ(db_.get_job("JOB-3")->idempotency_key, "");
}

TEST_F(IdempotentInsert, UpdateKeepsTheKey) {
  auto job = sample_job("JOB-1");
  job.idempotency_key = "key-1";
  job = db_.insert_job(job);
  auto update = finished(job);
  update.idempotency_key = "changed";
  ASSERT_TRUE(db_.update_job(update));
  EXPECT_EQ(db_.get_job("JOB-1")->idempotency_key, "key-1");
}

// -- listing --------------------------------------------------------------------------------

class ListJobs : public with_temp_dir {
protected:
  /// Inserts a job for `target` and leaves it in `state` (finished at `finished_at` unless
  /// running).
  protocol::job_record add(const std::string& id, const std::string& target,
                           protocol::job_state state, protocol::timestamp_us finished_at = 0) {
    auto job = db_.insert_job(sample_job(id, target));
    if (state != protocol::job_state::running) {
      job.state = state;
      job.finished_at = finished_at;
      EXPECT_TRUE(db_.update_job(job));
    }
    return job;
  }

  /// Every page of the listing with `limit`, checking that each page but the last is full.
  std::vector<protocol::job_record> all_pages(std::optional<protocol::job_state> state,
                                              const std::string& target, std::size_t limit) {
    std::vector<protocol::job_record> all;
    std::int64_t after = 0;
    for (int pages = 0; pages < 100; ++pages) {
      const auto page = db_.list_jobs(state, target, limit, after, now);
      all.insert(all.end(), page.items.begin(), page.items.end());
      if (page.next_after == 0) {
        return all;
      }
      EXPECT_EQ(page.items.size(), limit);
      EXPECT_EQ(page.next_after, page.items.back().seq);
      after = page.next_after;
    }
    ADD_FAILURE() << "paging never ended";
    return all;
  }

  static constexpr protocol::timestamp_us now = 1'800'000'000'000'000;
  database db_ = database::open(path_);
};

TEST_F(ListJobs, FiltersByStateTargetOrBothInSeqOrder) {
  add("J1", "SYS-A", protocol::job_state::running);
  add("J2", "SYS-B", protocol::job_state::completed, now);
  add("J3", "SYS-A", protocol::job_state::completed, now);
  add("J4", "SYS-B", protocol::job_state::running);
  add("J5", "SYS-A", protocol::job_state::exception, now);
  const auto list = [&](std::optional<protocol::job_state> state, const std::string& target) {
    const auto page = db_.list_jobs(state, target, 100, 0, now);
    EXPECT_EQ(page.next_after, 0);
    return ids_of(page.items);
  };
  EXPECT_EQ(list(std::nullopt, ""), (id_list{"J1", "J2", "J3", "J4", "J5"}));
  EXPECT_EQ(list(protocol::job_state::running, ""), (id_list{"J1", "J4"}));
  EXPECT_EQ(list(std::nullopt, "SYS-A"), (id_list{"J1", "J3", "J5"}));
  EXPECT_EQ(list(protocol::job_state::completed, "SYS-A"), id_list{"J3"});
  EXPECT_EQ(list(protocol::job_state::killed, ""), id_list{});
  EXPECT_EQ(list(std::nullopt, "SYS-C"), id_list{});
}

TEST_F(ListJobs, ItemsAreWholeJobs) {
  auto job = sample_job("J1");
  job.affected = {{"Path.A", protocol::element_effects::create}};
  job.idempotency_key = "key";
  job = db_.insert_job(job);
  EXPECT_EQ(db_.list_jobs(std::nullopt, "", 10, 0, now).items, std::vector{job});
}

TEST_F(ListJobs, PagesCoverEveryMatchingJobOnceWithoutGaps) {
  std::vector<protocol::job_record> all;
  std::vector<protocol::job_record> running_on_a;
  for (int i = 0; i < 23; ++i) {
    const bool on_a = i % 3 != 0;
    const auto state = i % 2 == 0 ? protocol::job_state::running : protocol::job_state::completed;
    auto job = add("J" + std::to_string(i), on_a ? "SYS-A" : "SYS-B", state, now);
    all.push_back(job);
    if (on_a && state == protocol::job_state::running) {
      running_on_a.push_back(job);
    }
  }
  for (std::size_t limit : {1u, 4u, 7u, 23u, 50u}) {
    EXPECT_EQ(all_pages(std::nullopt, "", limit), all) << limit;
    EXPECT_EQ(all_pages(protocol::job_state::running, "SYS-A", limit), running_on_a) << limit;
  }
}

TEST_F(ListJobs, FullLastPageSaysNoMore) {
  for (int i = 0; i < 6; ++i) {
    add("J" + std::to_string(i), "SYS-A", protocol::job_state::running);
  }
  const auto first = db_.list_jobs(std::nullopt, "", 3, 0, now);
  EXPECT_EQ(ids_of(first.items), (id_list{"J0", "J1", "J2"}));
  ASSERT_NE(first.next_after, 0);
  const auto second = db_.list_jobs(std::nullopt, "", 3, first.next_after, now);
  EXPECT_EQ(ids_of(second.items), (id_list{"J3", "J4", "J5"}));
  EXPECT_EQ(second.next_after, 0);
  EXPECT_TRUE(db_.list_jobs(std::nullopt, "", 3, second.items.back().seq, now).items.empty());
}

TEST_F(ListJobs, LimitZeroIsTakenAsOne) {
  add("J0", "SYS-A", protocol::job_state::running);
  add("J1", "SYS-A", protocol::job_state::running);
  const auto page = db_.list_jobs(std::nullopt, "", 0, 0, now);
  EXPECT_EQ(ids_of(page.items), id_list{"J0"});
  EXPECT_EQ(page.next_after, page.items.back().seq);
}

TEST_F(ListJobs, JobsPastTheirRemovalTimeAreHidden) {
  // sample_job keeps a finished job for 600 s.
  add("RUNNING", "SYS-A", protocol::job_state::running);
  add("KEPT", "SYS-A", protocol::job_state::completed, now - 600 * one_second + 1);
  add("REMOVED", "SYS-A", protocol::job_state::completed, now - 600 * one_second);
  add("OLD", "SYS-A", protocol::job_state::exception, now - day);
  EXPECT_EQ(ids_of(db_.list_jobs(std::nullopt, "", 10, 0, now).items),
            (id_list{"RUNNING", "KEPT"}));
  EXPECT_EQ(ids_of(db_.list_jobs(protocol::job_state::completed, "SYS-A", 10, 0, now).items),
            id_list{"KEPT"});
  EXPECT_EQ(ids_of(db_.list_jobs(std::nullopt, "", 10, 0, now - day).items),
            (id_list{"RUNNING", "KEPT", "REMOVED", "OLD"}));
  // A hidden job does not end paging early.
  const auto first = db_.list_jobs(std::nullopt, "", 1, 0, now);
  ASSERT_EQ(ids_of(first.items), id_list{"RUNNING"});
  EXPECT_EQ(ids_of(db_.list_jobs(std::nullopt, "", 1, first.next_after, now).items),
            id_list{"KEPT"});
  // Hidden, not gone: still readable for the 410 answer.
  EXPECT_TRUE(db_.get_job("REMOVED"));
}

// -- purging ---------------------------------------------------------------------------------

class PurgeJobs : public ListJobs {};

TEST_F(PurgeJobs, DeletesJobsADayPastTheirRemovalTimeWithTheirAffectedElements) {
  const auto removal = 600 * one_second;
  add("RUNNING", "SYS-A", protocol::job_state::running);
  add("RECENT", "SYS-A", protocol::job_state::completed, now - removal);
  add("GONE-NOT-PURGED", "SYS-A", protocol::job_state::completed, now - removal - day + 1);
  auto due = sample_job("DUE");
  due.affected = {{"Path.A", protocol::element_effects::create},
                  {"Path.B", protocol::element_effects::create}};
  due = db_.insert_job(due);
  due = finished(due);
  due.finished_at = now - removal - day;
  ASSERT_TRUE(db_.update_job(due));
  add("LONG-DUE", "SYS-A", protocol::job_state::killed, now - 30 * day);

  EXPECT_EQ(db_.purge_jobs(now), 2u);
  EXPECT_FALSE(db_.get_job("DUE"));
  EXPECT_FALSE(db_.get_job("LONG-DUE"));
  for (const char* kept : {"RUNNING", "RECENT", "GONE-NOT-PURGED"}) {
    EXPECT_TRUE(db_.get_job(kept)) << kept;
  }
  EXPECT_EQ(SQLite::Database(path_).execAndGet("SELECT count(*) FROM affected_elements").getInt(),
            0);
  EXPECT_EQ(db_.purge_jobs(now), 0u);
}

TEST_F(PurgeJobs, PurgedSeqIsNeverReused) {
  add("OLD", "SYS-A", protocol::job_state::completed, now - 30 * day);
  const auto newest = add("NEWEST", "SYS-A", protocol::job_state::completed, now - 30 * day);
  ASSERT_EQ(db_.purge_jobs(now), 2u);
  EXPECT_GT(db_.insert_job(sample_job("NEXT")).seq, newest.seq);
}

} // namespace
