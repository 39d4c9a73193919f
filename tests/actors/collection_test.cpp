// Collections and collection reference points (JobType 205) through the inventory, over a
// real SQLite file and CAF's real scheduler (DESIGN §2 "Collection actor", §3).
// Order is checked from committed job rows and times, never from sleeps.

#include "actor_fixture.hpp"
#include "protocol/object_path.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace refpoint;
using actors::op_errc;
using protocol::job_record;
using protocol::job_state;
using protocol::rp_kind;

namespace {

class CollectionTest : public actors::testing::ActorFixture {
protected:
  /// Adds `n` systems (one sim disk of `size` bytes each); answers their names ascending.
  std::vector<std::string> add_systems(std::size_t n, std::uint64_t size,
                                       bool replication = false) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < n; ++i)
      names.push_back(add_system({sim_disk("d1", size)}, replication).name);
    std::sort(names.begin(), names.end());
    return names;
  }

  /// Explicit system names for tests that depend on which member is reserved first.
  static constexpr const char* low_name = "10000000-0000-0000-0000-000000000000";
  static constexpr const char* high_name = "20000000-0000-0000-0000-000000000000";

  static bool terminal(const job_record& job) { return protocol::is_terminal(job.state); }

  /// Every member machine takes a reference point again: proves nothing still holds it.
  void expect_members_released(const std::vector<std::string>& members) {
    std::vector<std::string> ids;
    for (const auto& m : members)
      ids.push_back(create_ok(m).id);
    auto jobs = wait_terminal(ids, 10s);
    ASSERT_EQ(jobs.size(), members.size());
    for (std::size_t i = 0; i < jobs.size(); ++i)
      EXPECT_EQ(jobs[i].state, job_state::completed)
        << "machine job on " << members[i] << ": " << jobs[i].error_description;
  }
};

} // namespace

// -- membership ---------------------------------------------------------------------

TEST_F(CollectionTest, CreatesACollectionWithAGeneratedIdAndCommitsItsMembers) {
  auto names = add_systems(2, 1000);
  auto created = create_collection_ok(names);
  EXPECT_FALSE(created.id.empty());
  EXPECT_EQ(created.members, names);
  EXPECT_NE(created.created_at, 0);
  auto stored = read_collection(created.id);
  ASSERT_TRUE(stored) << "the collection must be committed before the answer";
  EXPECT_EQ(stored->members, names);
}

TEST_F(CollectionTest, AddingAndRemovingMembersIsCommittedAndKeepsNamesAscending) {
  auto names = add_systems(3, 1000);
  auto coll = create_collection_ok({names[2]});

  auto added = expect_ok(
    ask<protocol::collection_info>(inventory_, actors::add_member_atom::value, coll.id, names[0]),
    "add member");
  EXPECT_EQ(added.members, (std::vector<std::string>{names[0], names[2]}));
  added = expect_ok(
    ask<protocol::collection_info>(inventory_, actors::add_member_atom::value, coll.id, names[1]),
    "add member");
  EXPECT_EQ(added.members, names);
  EXPECT_EQ(read_collection(coll.id)->members, names);

  auto again = expect_ok(
    ask<protocol::collection_info>(inventory_, actors::add_member_atom::value, coll.id, names[1]),
    "add member again");
  EXPECT_EQ(again.members, names) << "adding a member twice changes nothing";

  auto removed = expect_ok(ask<protocol::collection_info>(
                             inventory_, actors::remove_member_atom::value, coll.id, names[1]),
                           "remove member");
  EXPECT_EQ(removed.members, (std::vector<std::string>{names[0], names[2]}));
  EXPECT_EQ(read_collection(coll.id)->members, removed.members);
}

TEST_F(CollectionTest, MembershipChangesOnUnknownThingsAreNotFound) {
  auto names = add_systems(2, 1000);
  auto coll = create_collection_ok({names[0]});
  const std::string nobody = "00000000-0000-0000-0000-000000000000";

  auto f = expect_error(
    ask<protocol::collection_info>(inventory_, actors::add_member_atom::value, coll.id, nobody),
    "adding an unknown system");
  EXPECT_EQ(f.code, op_errc::not_found);
  f = expect_error(ask<protocol::collection_info>(inventory_, actors::remove_member_atom::value,
                                                  coll.id, names[1]),
                   "removing a system that is not a member");
  EXPECT_EQ(f.code, op_errc::not_found);
  f = expect_error(
    ask<protocol::collection_info>(inventory_, actors::add_member_atom::value, nobody, names[1]),
    "adding to an unknown collection");
  EXPECT_EQ(f.code, op_errc::not_found);
  f = expect_error(
    ask<protocol::collection_info>(inventory_, actors::remove_member_atom::value, nobody, names[0]),
    "removing from an unknown collection");
  EXPECT_EQ(f.code, op_errc::not_found);
  EXPECT_EQ(read_collection(coll.id)->members, (std::vector<std::string>{names[0]}));
}

TEST_F(CollectionTest, UnknownMemberIsNotFoundNamingItsIndex) {
  auto names = add_systems(2, 1000);
  auto f =
    expect_error(create_collection({names[0], "FFFFFFFF-0000-0000-0000-000000000000", names[1]}),
                 "creating a collection with an unknown member");
  EXPECT_EQ(f.code, op_errc::not_found);
  EXPECT_EQ(f.field, "members[1]");
  EXPECT_TRUE(read_rpcs("").empty());
}

TEST_F(CollectionTest, DuplicateCollectionIdIsAConflict) {
  auto names = add_systems(2, 1000);
  auto first = create_collection_ok({names[0]});
  auto f = expect_error(create_collection({names[1]}, first.id), "reusing a collection id");
  EXPECT_EQ(f.code, op_errc::conflict);
  EXPECT_EQ(read_collection(first.id)->members, (std::vector<std::string>{names[0]}))
    << "the existing collection is unchanged";
}

// -- collection reference points -----------------------------------------------------

TEST_F(CollectionTest, CollectionReferencePointJobCompletesWithOneAffectedCollection) {
  auto names = add_systems(3, 200'000);
  auto coll = create_collection_ok(names);
  auto submitted = create_crp_ok(coll.id);
  EXPECT_EQ(submitted.type, protocol::job_type::create_collection_reference_point);
  EXPECT_EQ(submitted.state, job_state::running);
  EXPECT_EQ(submitted.status, "Queued");
  ASSERT_TRUE(read_job(submitted.id)) << "the job must be committed before the answer";

  auto job = wait_terminal({submitted.id}).at(0);
  ASSERT_EQ(job.state, job_state::completed) << job.error_description;
  EXPECT_EQ(job.type, protocol::job_type::create_collection_reference_point);
  EXPECT_EQ(job.percent_complete, 100);
  EXPECT_EQ(job.error_code, 0);
  EXPECT_EQ(job.request.target, coll.id);
  auto rpcs = read_rpcs(coll.id);
  ASSERT_EQ(rpcs.size(), 1u);
  ASSERT_EQ(job.affected.size(), 1u);
  EXPECT_EQ(job.affected[0].effects, protocol::element_effects::create);
  EXPECT_EQ(job.affected[0].element_path,
            "Msvm_ReferencePointCollection.CollectionID=\"" + rpcs[0].id + "\"");
  auto path = protocol::parse_object_path(job.affected[0].element_path);
  ASSERT_TRUE(path);
  EXPECT_TRUE(path.value().is_class("Msvm_ReferencePointCollection"));
  EXPECT_EQ(path.value().key("CollectionID"), rpcs[0].id);
}

TEST_F(CollectionTest, CollectionReferencePointHasOneMemberPerSystemByAscendingName) {
  auto names = add_systems(3, 100'000);
  auto coll = create_collection_ok(names);
  auto job = wait_terminal({create_crp_ok(coll.id).id}).at(0);
  ASSERT_EQ(job.state, job_state::completed) << job.error_description;

  auto rpcs = read_rpcs(coll.id);
  ASSERT_EQ(rpcs.size(), 1u);
  auto rpc = read_rpc(rpcs[0].id);
  ASSERT_TRUE(rpc);
  EXPECT_EQ(*rpc, rpcs[0]);
  EXPECT_EQ(rpc->collection_id, coll.id);
  EXPECT_EQ(rpc->job_id, job.id);
  EXPECT_EQ(rpc->kind, rp_kind::rct);
  ASSERT_EQ(rpc->member_ids.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    SCOPED_TRACE("member " + names[i]);
    auto rp = read_rp(rpc->member_ids[i]);
    ASSERT_TRUE(rp);
    EXPECT_EQ(rp->system_name, names[i]) << "members are listed by ascending system name";
    EXPECT_EQ(rp->collection_rp_id, rpc->id);
    EXPECT_EQ(rp->job_id, job.id);
    EXPECT_EQ(rp->disk_ids, (std::vector<std::string>{"d1"}));
    auto listed = read_rps(names[i]);
    ASSERT_EQ(listed.size(), 1u) << "the member's reference point is listed with its system";
    EXPECT_EQ(listed[0], *rp);
  }
}

TEST_F(CollectionTest, EmptyCollectionIsInvalidStateAndRecordsNoJob) {
  auto coll = create_collection_ok({});
  auto f = expect_error(create_crp(coll.id), "a reference point of an empty collection");
  EXPECT_EQ(f.code, op_errc::invalid_state);
  EXPECT_EQ(actors::to_return_code(f.code), protocol::return_code::invalid_state);
  EXPECT_TRUE(read_jobs(coll.id).empty());
  EXPECT_TRUE(read_rpcs(coll.id).empty());
}

TEST_F(CollectionTest, UnknownCollectionIsNotFound) {
  auto f = expect_error(create_crp("00000000-0000-0000-0000-000000000000"),
                        "a reference point of an unknown collection");
  EXPECT_EQ(f.code, op_errc::not_found);
  EXPECT_TRUE(read_jobs().empty());
}

TEST_F(CollectionTest, LogBasedWithAMemberWithoutReplicationIsInvalidStateAndRecordsNoJob) {
  auto replicated = add_system({sim_disk("d1", 1000)}, true).name;
  auto plain = add_system({sim_disk("d1", 1000)}, false).name;
  auto members = std::vector<std::string>{replicated, plain};
  std::sort(members.begin(), members.end());
  auto coll = create_collection_ok(members);
  auto f = expect_error(create_crp(coll.id, rp_kind::log), "log-based without replication");
  EXPECT_EQ(f.code, op_errc::invalid_state);
  EXPECT_NE(f.message.find(plain), std::string::npos) << f.message;
  EXPECT_TRUE(read_jobs(coll.id).empty()) << "a refused request records no job";
  EXPECT_TRUE(read_rpcs(coll.id).empty());
}

TEST_F(CollectionTest, FailingMemberLeavesNothingOnAnyMember) {
  auto first = add_system({sim_disk("d1", 200'000)}).name;
  auto failing_disk = sim_disk("d1", 200'000);
  failing_disk.sim_fail_at = 0.5;
  auto failing = add_system({sim_disk("d0", 200'000), failing_disk}).name;
  auto last = add_system({sim_disk("d1", 200'000)}).name;
  auto members = std::vector<std::string>{first, failing, last};
  std::sort(members.begin(), members.end());
  auto coll = create_collection_ok(members);

  auto job = wait_terminal({create_crp_ok(coll.id).id}).at(0);
  EXPECT_EQ(job.state, job_state::exception);
  EXPECT_NE(job.error_code, 0);
  EXPECT_FALSE(job.error_summary.empty());
  EXPECT_NE(job.error_description.find(failing), std::string::npos)
    << "the error names the failing member: " << job.error_description;
  EXPECT_LT(job.percent_complete, 100);
  EXPECT_TRUE(job.affected.empty());
  for (const auto& m : members)
    EXPECT_TRUE(read_rps(m).empty()) << "member " << m << " kept a reference point";
  EXPECT_TRUE(read_rps("").empty());
  EXPECT_TRUE(read_rpcs(coll.id).empty());
  EXPECT_TRUE(read_rpcs("").empty());

  // Every member is free again (the failing one fails again on its own, but runs).
  std::vector<std::string> ids;
  for (const auto& m : members)
    ids.push_back(create_ok(m).id);
  auto after = wait_terminal(ids, 10s);
  ASSERT_EQ(after.size(), members.size());
  for (std::size_t i = 0; i < members.size(); ++i)
    EXPECT_EQ(after[i].state, members[i] == failing ? job_state::exception : job_state::completed)
      << members[i] << ": " << after[i].error_description;
}

// -- serialisation with machine jobs ---------------------------------------------------

TEST_F(CollectionTest, MachineJobOnAHeldMemberRunsOnlyAfterTheCollectionJobFinished) {
  auto names = add_systems(2, 1'500'000); // 300 ms for the collection job
  auto coll = create_collection_ok(names);
  auto cjob = create_crp_ok(coll.id);
  // "Running" is committed once every member is held.
  ASSERT_TRUE(wait_job(cjob.id, [](const job_record& j) { return j.status == "Running"; }));

  auto machine = create_ok(names[1]);
  EXPECT_EQ(machine.status, "Queued");
  auto jobs = wait_terminal({cjob.id, machine.id});
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].state, job_state::completed) << jobs[0].error_description;
  EXPECT_EQ(jobs[1].state, job_state::completed) << jobs[1].error_description;
  EXPECT_LE(jobs[0].finished_at, jobs[1].started_at)
    << "the machine job started while the collection job still held its machine";
  EXPECT_EQ(read_rps(names[1]).size(), 2u);
}

TEST_F(CollectionTest, CollectionJobWaitsForTheMachineJobAheadOfItOnAMember) {
  auto quick = add_system({sim_disk("d1", 10'000)}).name;
  auto busy = add_system({sim_disk("d1", 10'000), sim_disk("big", 3'000'000)}).name;
  auto members = std::vector<std::string>{quick, busy};
  std::sort(members.begin(), members.end());
  auto coll = create_collection_ok(members);
  auto machine = create_ok(busy); // 300 ms
  wait_started(machine.id);
  auto cjob = create_crp_ok(coll.id);

  auto jobs = wait_terminal({machine.id, cjob.id});
  ASSERT_EQ(jobs.size(), 2u);
  ASSERT_EQ(jobs[0].state, job_state::completed) << jobs[0].error_description;
  ASSERT_EQ(jobs[1].state, job_state::completed) << jobs[1].error_description;
  auto rpcs = read_rpcs(coll.id);
  ASSERT_EQ(rpcs.size(), 1u);
  EXPECT_LE(jobs[0].finished_at, rpcs[0].created_at)
    << "the collection reference point was taken while a machine job was still running";
}

// -- cancellation ----------------------------------------------------------------------

TEST_F(CollectionTest, TerminatingARunningCollectionJobLeavesNothingAndReleasesItsMembers) {
  auto names = add_systems(3, 3'000'000); // 0.9 s: cancelled long before the end
  auto coll = create_collection_ok(names);
  auto cjob = create_crp_ok(coll.id);
  ASSERT_TRUE(wait_job(
    cjob.id, [](const job_record& j) { return j.status == "Running" && j.percent_complete > 0; }));

  EXPECT_FALSE(cancel(cjob, job_state::terminated));
  auto stopped = read_job(cjob.id);
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->state, job_state::terminated) << "committed before the answer";
  EXPECT_EQ(stopped->status, "Terminated");
  EXPECT_FALSE(stopped->cancellable);
  EXPECT_NE(stopped->finished_at, 0);
  EXPECT_TRUE(stopped->affected.empty());
  EXPECT_TRUE(read_rpcs("").empty());
  for (const auto& m : names)
    EXPECT_TRUE(read_rps(m).empty()) << "member " << m << " kept a reference point";

  expect_members_released(names);
  EXPECT_TRUE(read_rpcs("").empty());
  EXPECT_EQ(read_job(cjob.id)->state, job_state::terminated);
}

TEST_F(CollectionTest, KillingACollectionJobWaitingForAMemberReleasesTheMembersItHolds) {
  // Reserved in ascending Name order: `held` first, then `busy`.
  auto held = add_system({sim_disk("d1", 10'000)}, false, low_name).name;
  auto busy = add_system({sim_disk("d1", 50'000'000)}, false, high_name).name; // 5 s
  auto coll = create_collection_ok({held, busy});
  auto long_job = create_ok(busy);
  wait_started(long_job.id);
  auto cjob = create_crp_ok(coll.id); // holds `held`, queues behind long_job on `busy`
  auto on_held = create_ok(held);     // queues behind the collection job's reservation

  EXPECT_FALSE(cancel(cjob, job_state::killed));
  auto killed = read_job(cjob.id);
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->state, job_state::killed) << "committed before the answer";
  EXPECT_EQ(killed->status, "Killed");
  EXPECT_TRUE(killed->affected.empty());

  // `held` is free again at once: its job runs while `busy` is still busy.
  auto done = wait_terminal({on_held.id}, 4s);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].state, job_state::completed) << done[0].error_description;
  auto still = read_job(long_job.id);
  ASSERT_TRUE(still);
  EXPECT_FALSE(terminal(*still)) << "test premise: the long job is still running";

  // Once the long job is gone, nothing of the killed job's reservation holds `busy` either.
  // (A machine job of `busy` starting proves it; it would take 5 s to complete.)
  EXPECT_FALSE(cancel(long_job, job_state::terminated));
  auto next_on_busy = create_ok(busy);
  wait_started(next_on_busy.id);
  EXPECT_FALSE(cancel(next_on_busy, job_state::killed));
  EXPECT_TRUE(read_rpcs("").empty());
  EXPECT_TRUE(read_rps(busy).empty());
  EXPECT_EQ(read_rps(held).size(), 1u); // on_held's
}

// Regression: a deleted collection's actor stays reachable for cancelling its running jobs.
TEST_F(CollectionTest, RunningJobOfADeletedCollectionCanStillBeTerminated) {
  auto names = add_systems(2, 5'000'000); // 1 s
  auto coll = create_collection_ok(names);
  auto cjob = create_crp_ok(coll.id);
  ASSERT_TRUE(wait_job(cjob.id, [](const job_record& j) { return j.status == "Running"; }));
  EXPECT_TRUE(std::holds_alternative<actors::ack_atom>(
    ask<actors::ack_atom>(inventory_, actors::remove_collection_atom::value, coll.id)));
  EXPECT_FALSE(read_collection(coll.id)) << "the collection is deleted";

  auto err = cancel(cjob, job_state::terminated);
  EXPECT_FALSE(err) << "a running job must stay cancellable: " << err->message;
  auto job = wait_terminal({cjob.id}).at(0);
  EXPECT_EQ(job.state, job_state::terminated);
  EXPECT_TRUE(read_rpcs("").empty());
  expect_members_released(names);
}

TEST_F(CollectionTest, CancellingAFinishedCollectionJobIsAnInvalidStateTransition) {
  auto names = add_systems(2, 1000);
  auto coll = create_collection_ok(names);
  auto job = wait_terminal({create_crp_ok(coll.id).id}).at(0);
  ASSERT_EQ(job.state, job_state::completed);
  auto err = cancel(job, job_state::terminated);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, op_errc::invalid_state);
  EXPECT_EQ(read_job(job.id)->state, job_state::completed);
  EXPECT_EQ(read_rpcs(coll.id).size(), 1u);
}

// -- ascending Name order --------------------------------------------------------------

// Regression: members given in any order are kept and reserved in ascending Name order.
TEST_F(CollectionTest, MembersGivenInAnyOrderAreKeptAndTakenInAscendingNameOrder) {
  auto names = add_systems(3, 10'000);
  auto coll = create_collection_ok({names[2], names[0], names[1]});
  EXPECT_EQ(coll.members, names);
  EXPECT_EQ(read_collection(coll.id)->members, names);

  auto job = wait_terminal({create_crp_ok(coll.id).id}).at(0);
  ASSERT_EQ(job.state, job_state::completed) << job.error_description;
  auto rpcs = read_rpcs(coll.id);
  ASSERT_EQ(rpcs.size(), 1u);
  ASSERT_EQ(rpcs[0].member_ids.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    EXPECT_EQ(read_rp(rpcs[0].member_ids[i])->system_name, names[i]);
}

// Regression: with members given in opposite orders, two collection jobs once deadlocked.
TEST_F(CollectionTest, OverlappingCollectionsGivenInOppositeMemberOrdersNeverDeadlock) {
  auto lo = add_system({sim_disk("d1", 10'000)}, false, low_name).name;
  auto hi = add_system({sim_disk("d1", 2'000'000)}, false, high_name).name; // 200 ms per scan
  auto x = create_collection_ok({hi, lo});
  auto y = create_collection_ok({lo, hi});
  // A machine job keeps `hi` busy so that both collection jobs queue on it. Reserving in
  // the order given (not by ascending Name) would have x hold hi and wait for lo while y
  // holds lo and waits for hi: a deadlock.
  auto busy = create_ok(hi);
  wait_started(busy.id);
  auto jx = create_crp_ok(x.id);
  auto jy = create_crp_ok(y.id);
  auto jobs = wait_terminal({busy.id, jx.id, jy.id}, 3s);
  ASSERT_EQ(jobs.size(), 3u);
  for (const auto& j : jobs)
    EXPECT_EQ(j.state, job_state::completed) << j.id << ": " << j.status;
}
