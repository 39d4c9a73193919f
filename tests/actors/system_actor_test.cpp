// System, job and inventory actors over a real SQLite file and CAF's real scheduler.
// Order and parallelism are checked from the committed job times, not from sleeps.

#include "actor_fixture.hpp"
#include "protocol/object_path.hpp"

using namespace std::chrono_literals;
using namespace refpoint;
using protocol::job_record;
using protocol::job_state;
using protocol::rp_kind;

namespace {

/// The shared fixture: a real actor system over a real SQLite file (actor_fixture.hpp).
class ActorSystemTest : public actors::testing::ActorFixture {};

} // namespace

TEST_F(ActorSystemTest, AcceptsAtOnceAndReportsQueuedJobAsRunning) {
  auto sys = add_system({sim_disk("d1", 2'000'000)});
  auto job = create_ok(sys.name);
  EXPECT_EQ(job.state, job_state::running); // JobState 4 from the first moment
  EXPECT_EQ(job.status, "Queued");
  EXPECT_EQ(job.percent_complete, 0);
  EXPECT_GT(job.seq, 0);
  auto stored = read_job(job.id);
  ASSERT_TRUE(stored) << "the job must be committed before the answer";
  wait_terminal({job.id});
}

TEST_F(ActorSystemTest, RunsThreeQueuedJobsOneAtATimeInArrivalOrder) {
  auto sys = add_system({sim_disk("d1", 1'500'000)}); // 150 ms per job
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(create_ok(sys.name).id);
  std::size_t max_running = 0;
  auto jobs = wait_terminal(ids, [&](const std::vector<job_record>& snapshot) {
    std::size_t running = 0;
    for (const auto& j : snapshot)
      if (j.started_at != 0 && !protocol::is_terminal(j.state))
        ++running;
    max_running = std::max(max_running, running);
  });
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_LE(max_running, 1u) << "two jobs of one machine were running at once";
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(jobs[i].state, job_state::completed) << jobs[i].error_description;
    EXPECT_EQ(jobs[i].percent_complete, 100);
    if (i > 0) {
      EXPECT_LT(jobs[i - 1].seq, jobs[i].seq);
      EXPECT_LE(jobs[i - 1].finished_at, jobs[i].started_at) << "job " << i << " overlapped";
    }
  }
  EXPECT_EQ(read_rps(sys.name).size(), 3u);
}

TEST_F(ActorSystemTest, DifferentMachinesWorkInParallel) {
  auto a = add_system({sim_disk("d1", 4'000'000)}); // 400 ms each
  auto b = add_system({sim_disk("d1", 4'000'000)});
  auto ja = create_ok(a.name);
  auto jb = create_ok(b.name);
  auto jobs = wait_terminal({ja.id, jb.id});
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_LT(jobs[0].started_at, jobs[1].finished_at);
  EXPECT_LT(jobs[1].started_at, jobs[0].finished_at);
}

TEST_F(ActorSystemTest, CompletedJobHasExactlyOneAffectedReferencePoint) {
  auto sys =
    add_system({sim_disk("d1", 100'000), sim_disk("d2", 100'000, false), sim_disk("d3", 100'000)});
  auto job = wait_terminal({create_ok(sys.name).id}).at(0);
  ASSERT_EQ(job.state, job_state::completed);
  ASSERT_EQ(job.affected.size(), 1u);
  EXPECT_EQ(job.affected[0].effects, protocol::element_effects::create);
  auto path = protocol::parse_object_path(job.affected[0].element_path);
  ASSERT_TRUE(path);
  EXPECT_TRUE(path.value().is_class("Msvm_VirtualSystemReferencePoint"));
  auto rps = read_rps(sys.name);
  ASSERT_EQ(rps.size(), 1u);
  EXPECT_EQ(path.value().key("InstanceID"), rps[0].id);
  EXPECT_EQ(rps[0].job_id, job.id);
  // RCT: one identifier per tracked disk, in disk order.
  EXPECT_EQ(rps[0].disk_ids, (std::vector<std::string>{"d1", "d3"}));
  ASSERT_EQ(rps[0].rct_ids.size(), 2u);
  EXPECT_EQ(rps[0].rct_ids[0].rfind("rctX:", 0), 0u);
}

TEST_F(ActorSystemTest, LogBasedNeedsReplication) {
  auto sys = add_system({sim_disk("d1", 1000)}, false);
  auto r = create(sys.name, rp_kind::log);
  ASSERT_TRUE(std::holds_alternative<actors::op_failure>(r));
  EXPECT_EQ(std::get<actors::op_failure>(r).code, actors::op_errc::invalid_state);
  auto replicated = add_system({sim_disk("d1", 1000)}, true);
  auto job = wait_terminal({create_ok(replicated.name, rp_kind::log).id}).at(0);
  EXPECT_EQ(job.state, job_state::completed);
  auto rps = read_rps(replicated.name);
  ASSERT_EQ(rps.size(), 1u);
  EXPECT_EQ(rps[0].kind, rp_kind::log);
  EXPECT_TRUE(rps[0].rct_ids.empty());
}

TEST_F(ActorSystemTest, RctNeedsADiskWithChangeTracking) {
  auto sys = add_system({sim_disk("d1", 1000, false)});
  auto r = create(sys.name, rp_kind::rct);
  ASSERT_TRUE(std::holds_alternative<actors::op_failure>(r));
  auto f = std::get<actors::op_failure>(r);
  EXPECT_EQ(f.code, actors::op_errc::invalid_state);
  EXPECT_EQ(actors::to_return_code(f.code), protocol::return_code::invalid_state);
}

TEST_F(ActorSystemTest, UnknownSystemIsNotFound) {
  auto r = create("00000000-0000-0000-0000-000000000000", rp_kind::rct);
  ASSERT_TRUE(std::holds_alternative<actors::op_failure>(r));
  auto f = std::get<actors::op_failure>(r);
  EXPECT_EQ(f.code, actors::op_errc::not_found);
  EXPECT_EQ(actors::to_return_code(f.code), protocol::return_code::invalid_parameter);
  EXPECT_EQ(f.field, "AffectedSystem");
}

TEST_F(ActorSystemTest, DuplicateSystemNameIsAConflict) {
  auto sys = add_system({});
  protocol::system_info again;
  again.name = sys.name;
  again.element_name = "other";
  self_->request(inventory_, 5s, actors::create_system_atom::value, again)
    .receive(
      [](protocol::system_info&) { ADD_FAILURE() << "duplicate accepted"; },
      [](caf::error& err) { EXPECT_EQ(actors::describe(err).code, actors::op_errc::conflict); });
}

TEST_F(ActorSystemTest, SimulatedDiskFailureEndsInExceptionWithNothingLeft) {
  auto failing = sim_disk("d1", 2'000'000);
  failing.sim_fail_at = 0.5;
  auto sys = add_system({failing});
  auto job = wait_terminal({create_ok(sys.name).id}).at(0);
  EXPECT_EQ(job.state, job_state::exception);
  EXPECT_NE(job.error_code, 0);
  EXPECT_NE(job.error_description.find("d1"), std::string::npos) << job.error_description;
  EXPECT_EQ(job.percent_complete, 50);
  EXPECT_TRUE(job.affected.empty());
  EXPECT_TRUE(read_rps(sys.name).empty());
}

TEST_F(ActorSystemTest, QueueMovesOnAfterAFailedJob) {
  auto failing = sim_disk("d1", 200'000);
  failing.sim_fail_at = 0.1;
  auto sys = add_system({failing, sim_disk("d2", 200'000)});
  auto first = create_ok(sys.name);
  auto second = create_ok(sys.name);
  auto jobs = wait_terminal({first.id, second.id});
  EXPECT_EQ(jobs[0].state, job_state::exception);
  EXPECT_EQ(jobs[1].state, job_state::exception);
  EXPECT_LE(jobs[0].finished_at, jobs[1].started_at);
}

TEST_F(ActorSystemTest, CancellingAQueuedJobEndsItAtOnceAndTheQueueSkipsIt) {
  auto sys = add_system({sim_disk("d1", 2'000'000)}); // 200 ms per job
  auto first = create_ok(sys.name);
  auto second = create_ok(sys.name);
  auto third = create_ok(sys.name);
  EXPECT_FALSE(cancel(second, job_state::terminated));
  auto cancelled = read_job(second.id);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->state, job_state::terminated) << "committed before the answer";
  EXPECT_EQ(cancelled->started_at, 0);
  EXPECT_FALSE(cancelled->cancellable);
  auto jobs = wait_terminal({first.id, third.id});
  EXPECT_EQ(jobs[0].state, job_state::completed);
  EXPECT_EQ(jobs[1].state, job_state::completed);
  EXPECT_LE(jobs[0].finished_at, jobs[1].started_at);
  EXPECT_EQ(read_rps(sys.name).size(), 2u);
}

TEST_F(ActorSystemTest, TerminatingARunningJobLeavesNothingAndTheQueueMovesOn) {
  auto sys = add_system({sim_disk("d1", 50'000'000)}); // 5 s: cancelled long before the end
  auto running = create_ok(sys.name);
  auto next = create_ok(sys.name, rp_kind::rct);
  wait_started(running.id);
  EXPECT_FALSE(cancel(running, job_state::terminated));
  auto stopped = read_job(running.id);
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->state, job_state::terminated);
  EXPECT_EQ(stopped->status, "Terminated");
  EXPECT_TRUE(stopped->affected.empty());
  wait_started(next.id); // the machine's queue went on
  EXPECT_FALSE(cancel(next, job_state::killed));
  EXPECT_EQ(read_job(next.id)->state, job_state::killed);
  EXPECT_TRUE(read_rps(sys.name).empty());
}

TEST_F(ActorSystemTest, CancellingAFinishedJobIsAnInvalidStateTransition) {
  auto sys = add_system({sim_disk("d1", 1000)});
  auto job = wait_terminal({create_ok(sys.name).id}).at(0);
  ASSERT_EQ(job.state, job_state::completed);
  auto err = cancel(job, job_state::terminated);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, actors::op_errc::invalid_state);
  EXPECT_EQ(read_job(job.id)->state, job_state::completed);
}
