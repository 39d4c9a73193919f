// A bounded stress test of the reference-point actors (DESIGN §2): machine jobs and jobs of
// overlapping collections, submitted in a seeded random order with random cancellations,
// over a real SQLite file and CAF's real scheduler. Every check reads committed state.

#include "actor_fixture.hpp"
#include "protocol/object_path.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using namespace refpoint;
using actors::op_errc;
using protocol::job_record;
using protocol::job_state;
using protocol::job_type;

namespace {

class StressTest : public actors::testing::ActorFixture {};

/// A job as submitted, with the machines it takes a reference point of.
struct submission {
  job_record job;
  std::vector<std::string> members; ///< the target machine, or the collection's members
};

/// A cancellation, planned at submission time and issued a random number of operations later.
struct cancellation {
  std::size_t job = 0; ///< index into the submissions
  job_state target = job_state::terminated;
  bool issued = false;
  std::optional<actors::op_failure> outcome; ///< empty: acknowledged
};

} // namespace

TEST_F(StressTest, MixedOverlappingJobsWithCancellationsAllFinishAndLeaveExactlyTheirResults) {
  constexpr std::uint32_t seed = 20240611;
  constexpr std::size_t operations = 300;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng{seed};
  auto chance = [&](double p) { return std::bernoulli_distribution{p}(rng); };
  auto uniform = [&](std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>{lo, hi}(rng);
  };
  auto started = std::chrono::steady_clock::now();

  // Six machines A..F with one or two small disks (100-300 KB: 10-30 ms at 10 MB/s).
  std::vector<std::string> machines;
  std::map<std::string, std::uint64_t> bytes_of; // total disk bytes per machine
  for (std::size_t i = 0; i < 6; ++i) {
    std::vector<protocol::disk> disks;
    auto total = uniform(100'000, 300'000);
    if (chance(0.5)) {
      auto first = uniform(10'000, total - 10'000);
      disks = {sim_disk("d1", first), sim_disk("d2", total - first)};
    } else {
      disks = {sim_disk("d1", total)};
    }
    machines.push_back(add_system(std::move(disks), true).name);
    bytes_of[machines.back()] = total;
  }
  // Four overlapping collections: {A,B,C}, {C,D}, {B,D,E,F}, {A,F}.
  const std::vector<std::vector<std::size_t>> shapes{{0, 1, 2}, {2, 3}, {1, 3, 4, 5}, {0, 5}};
  std::vector<protocol::collection_info> collections;
  for (const auto& shape : shapes) {
    std::vector<std::string> members;
    for (auto m : shape)
      members.push_back(machines[m]);
    std::sort(members.begin(), members.end());
    collections.push_back(create_collection_ok(members));
  }
  ASSERT_FALSE(HasFailure());

  std::vector<submission> submitted;
  std::vector<cancellation> cancels;
  std::multimap<std::size_t, std::size_t> due; // operation index -> cancellation
  auto issue = [&](cancellation& c) {
    c.outcome = cancel(submitted[c.job].job, c.target);
    c.issued = true;
  };
  for (std::size_t op = 0; op < operations; ++op) {
    for (auto [at, end] = due.equal_range(op); at != end; ++at)
      issue(cancels[at->second]);
    auto kind = chance(0.2) ? protocol::rp_kind::log : protocol::rp_kind::rct;
    submission s;
    if (chance(0.3)) {
      const auto& coll = collections[uniform(0, collections.size() - 1)];
      s.members = coll.members;
      auto answer = create_crp(coll.id, kind);
      if (auto* f = std::get_if<actors::op_failure>(&answer)) {
        ADD_FAILURE() << "collection job " << op << " refused: " << f->message;
        continue;
      }
      s.job = std::get<job_record>(answer);
    } else {
      const auto& machine = machines[uniform(0, machines.size() - 1)];
      s.members = {machine};
      auto answer = create(machine, kind);
      if (auto* f = std::get_if<actors::op_failure>(&answer)) {
        ADD_FAILURE() << "machine job " << op << " refused: " << f->message;
        continue;
      }
      s.job = std::get<job_record>(answer);
    }
    submitted.push_back(std::move(s));
    if (chance(0.15)) {
      auto target = chance(0.5) ? job_state::terminated : job_state::killed;
      cancels.push_back({submitted.size() - 1, target, false, std::nullopt});
      due.emplace(op + uniform(0, 40), cancels.size() - 1);
    }
    std::this_thread::sleep_for(std::chrono::microseconds{uniform(0, 2000)});
  }
  // Cancellations planned past the last submission land at random moments of the run.
  for (auto& c : cancels)
    if (!c.issued) {
      std::this_thread::sleep_for(std::chrono::microseconds{uniform(0, 20'000)});
      issue(c);
    }
  auto submitted_in = std::chrono::steady_clock::now() - started;

  // Wait (bounded) until every submitted job is terminal in the store.
  std::map<std::string, job_record> final_jobs;
  auto all_terminal = eventually(
    [&] {
      final_jobs.clear();
      for (auto& j : read_jobs())
        final_jobs.emplace(j.id, std::move(j));
      return std::all_of(submitted.begin(), submitted.end(), [&](const submission& s) {
        auto i = final_jobs.find(s.job.id);
        return i != final_jobs.end() && protocol::is_terminal(i->second.state);
      });
    },
    20s);
  if (!all_terminal) {
    std::ostringstream stuck;
    for (const auto& s : submitted)
      if (auto i = final_jobs.find(s.job.id);
          i == final_jobs.end() || !protocol::is_terminal(i->second.state))
        stuck << "\n  " << s.job.id << " (type " << static_cast<int>(s.job.type) << ", target "
              << s.job.request.target
              << "): " << (i == final_jobs.end() ? "missing" : i->second.status);
    FAIL() << "not every job finished (deadlock or lost job):" << stuck.str();
  }
  EXPECT_EQ(final_jobs.size(), submitted.size()) << "the store lists jobs nobody submitted";

  // Terminal states agree with the cancellations.
  std::map<std::string, const cancellation*> cancel_of;
  for (const auto& c : cancels)
    cancel_of[submitted[c.job].job.id] = &c;
  std::size_t cancelled_queued = 0, cancelled_running = 0, too_late = 0;
  for (const auto& s : submitted) {
    const auto& j = final_jobs.at(s.job.id);
    SCOPED_TRACE("job " + j.id + " on " + j.request.target);
    EXPECT_NE(j.finished_at, 0);
    EXPECT_TRUE(j.started_at == 0 || j.started_at <= j.finished_at);
    auto c = cancel_of.find(j.id);
    if (c == cancel_of.end()) {
      EXPECT_EQ(j.state, job_state::completed) << j.error_description;
      continue;
    }
    const auto& outcome = c->second->outcome;
    if (!outcome) {
      EXPECT_EQ(j.state, c->second->target) << "an acknowledged cancellation decides the state";
      EXPECT_TRUE(j.affected.empty());
      ++(j.started_at == 0 ? cancelled_queued : cancelled_running);
    } else {
      // Only a job that already finished (or is finishing) may refuse: invalid_state.
      // NOTE: any other code here is the actors' bug (see the report): a cancel that
      // reaches a job actor which has just exited answers "failed" instead.
      EXPECT_EQ(outcome->code, op_errc::invalid_state) << outcome->message;
      EXPECT_EQ(j.state, job_state::completed) << j.error_description;
      ++too_late;
    }
  }

  // Exactly the reference points of completed jobs exist.
  auto rps = read_rps("");
  auto rpcs = read_rpcs("");
  std::map<std::string, std::vector<const protocol::reference_point*>> rps_of_job;
  std::map<std::string, const protocol::reference_point*> rp_by_id;
  for (const auto& rp : rps) {
    rps_of_job[rp.job_id].push_back(&rp);
    rp_by_id[rp.id] = &rp;
  }
  std::map<std::string, std::vector<const protocol::collection_reference_point*>> rpcs_of_job;
  for (const auto& rpc : rpcs)
    rpcs_of_job[rpc.job_id].push_back(&rpc);
  std::size_t expected_rps = 0, expected_rpcs = 0;
  for (const auto& s : submitted) {
    const auto& j = final_jobs.at(s.job.id);
    SCOPED_TRACE("job " + j.id + " on " + j.request.target);
    auto& mine = rps_of_job[j.id];
    auto& mine_c = rpcs_of_job[j.id];
    if (j.state != job_state::completed) {
      EXPECT_TRUE(mine.empty()) << "a job that did not complete left reference points";
      EXPECT_TRUE(mine_c.empty()) << "a job that did not complete left a collection rp";
      continue;
    }
    ASSERT_EQ(j.affected.size(), 1u);
    if (j.type == job_type::create_reference_point) {
      ++expected_rps;
      EXPECT_TRUE(mine_c.empty());
      ASSERT_EQ(mine.size(), 1u) << "a completed machine job has exactly one reference point";
      EXPECT_EQ(mine[0]->system_name, j.request.target);
      EXPECT_TRUE(mine[0]->collection_rp_id.empty());
      EXPECT_EQ(j.affected[0].element_path,
                protocol::reference_point_path(mine[0]->id, mine[0]->system_name));
      continue;
    }
    ASSERT_EQ(j.type, job_type::create_collection_reference_point);
    ++expected_rpcs;
    expected_rps += s.members.size();
    ASSERT_EQ(mine_c.size(), 1u) << "a completed collection job has exactly one collection rp";
    const auto& rpc = *mine_c[0];
    EXPECT_EQ(rpc.collection_id, j.request.target);
    EXPECT_EQ(j.affected[0].element_path, protocol::collection_reference_point_path(rpc.id));
    EXPECT_EQ(mine.size(), s.members.size());
    ASSERT_EQ(rpc.member_ids.size(), s.members.size());
    for (std::size_t i = 0; i < s.members.size(); ++i) {
      auto rp = rp_by_id.find(rpc.member_ids[i]);
      ASSERT_NE(rp, rp_by_id.end()) << "member " << i << " of the collection rp is missing";
      EXPECT_EQ(rp->second->system_name, s.members[i]);
      EXPECT_EQ(rp->second->collection_rp_id, rpc.id);
      EXPECT_EQ(rp->second->job_id, j.id);
    }
  }
  EXPECT_EQ(rps.size(), expected_rps) << "reference points exist that no completed job made";
  EXPECT_EQ(rpcs.size(), expected_rpcs) << "collection rps exist that no completed job made";
  for (const auto& rp : rps)
    EXPECT_TRUE(final_jobs.count(rp.job_id) > 0) << "rp " << rp.id << " of an unknown job";
  for (const auto& rpc : rpcs)
    EXPECT_TRUE(final_jobs.count(rpc.job_id) > 0) << "rpc " << rpc.id << " of an unknown job";

  // Per machine: its own jobs ran one at a time, in submission order.
  std::map<std::string, std::vector<const job_record*>> machine_jobs;
  for (const auto& [id, j] : final_jobs)
    if (j.type == job_type::create_reference_point && j.started_at != 0)
      machine_jobs[j.request.target].push_back(&j);
  for (auto& [machine, jobs] : machine_jobs) {
    SCOPED_TRACE("machine " + machine);
    std::sort(jobs.begin(), jobs.end(),
              [](const job_record* a, const job_record* b) { return a->seq < b->seq; });
    for (std::size_t i = 1; i < jobs.size(); ++i) {
      EXPECT_LE(jobs[i - 1]->started_at, jobs[i]->started_at)
        << "job " << jobs[i]->id << " started before an older job of its machine (FIFO)";
      EXPECT_LE(jobs[i - 1]->finished_at, jobs[i]->started_at)
        << "jobs " << jobs[i - 1]->id << " and " << jobs[i]->id << " overlapped";
    }
  }
  // A collection job holds all its members for at least its whole scan (total bytes at
  // 10 bytes/us) before it takes its reference point, and releases them only after its
  // terminal state is committed. So a machine job of a member ran entirely before that hold
  // or started after the collection job finished; and of two collection rps sharing a
  // machine, the later was taken at least its own scan after the earlier.
  constexpr protocol::timestamp_us clock_slack_us = 1000;
  auto scan_us = [&](const protocol::collection_reference_point& rpc) {
    std::uint64_t bytes = 0;
    for (const auto& m : rpc.member_ids)
      bytes += bytes_of.at(rp_by_id.at(m)->system_name);
    return static_cast<protocol::timestamp_us>(bytes / 10);
  };
  auto machines_of = [&](const protocol::collection_reference_point& rpc) {
    std::set<std::string> out;
    for (const auto& m : rpc.member_ids)
      out.insert(rp_by_id.at(m)->system_name);
    return out;
  };
  for (const auto& rpc : rpcs) {
    const auto& cj = final_jobs.at(rpc.job_id);
    auto held_from = rpc.created_at - scan_us(rpc) + clock_slack_us;
    for (const auto& machine : machines_of(rpc))
      for (const auto* j : machine_jobs[machine])
        EXPECT_TRUE(j->finished_at <= held_from || j->started_at >= cj.finished_at)
          << "machine job " << j->id << " ran on " << machine << " while collection job " << cj.id
          << " held it";
  }
  for (const auto& a : rpcs)
    for (const auto& b : rpcs) {
      if (a.id == b.id || a.created_at > b.created_at)
        continue;
      auto in_a = machines_of(a);
      auto in_b = machines_of(b);
      if (std::none_of(in_b.begin(), in_b.end(),
                       [&](const std::string& m) { return in_a.count(m) > 0; }))
        continue;
      EXPECT_GE(b.created_at - a.created_at, scan_us(b) - clock_slack_us)
        << "collection rps " << a.id << " and " << b.id
        << " were taken while both jobs held a shared machine";
    }

  auto total = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - started);
  std::cout << "[ stress   ] seed " << seed << ": " << submitted.size() << " jobs ("
            << std::count_if(submitted.begin(), submitted.end(),
                             [](const submission& s) {
                               return s.job.type == job_type::create_collection_reference_point;
                             })
            << " collection), " << cancels.size() << " cancels (" << cancelled_queued << " queued, "
            << cancelled_running << " running, " << too_late << " too late), " << rps.size()
            << " rps, " << rpcs.size() << " collection rps; submitted in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(submitted_in).count()
            << " ms, done in " << total.count() << " ms\n";
}

// Regression: a cancel racing the job's own end (the job already quit, its owner not yet
// told) must answer invalid_state (CIM 4097), never a failure.
TEST_F(StressTest, CancellingJobsJustAsTheyFinishAnswersOnlyAckOrInvalidState) {
  constexpr std::uint32_t seed = 7;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng{seed};
  auto a = add_system({sim_disk("d1", 0)}).name; // zero-length scans finish at once
  auto b = add_system({sim_disk("d1", 0)}).name;
  auto coll = create_collection_ok({std::min(a, b), std::max(a, b)});
  std::map<std::string, int> refusals;
  std::vector<std::string> ids;
  for (int i = 0; i < 400; ++i) {
    auto job = i % 2 == 0 ? create_ok(a) : create_crp_ok(coll.id);
    ids.push_back(job.id);
    std::this_thread::sleep_for(
      std::chrono::microseconds{std::uniform_int_distribution<int>{0, 600}(rng)});
    auto target = i % 4 < 2 ? job_state::terminated : job_state::killed;
    if (auto err = cancel(job, target); err && err->code != op_errc::invalid_state)
      ++refusals[(i % 2 == 0 ? "machine job: " : "collection job: ") + err->message];
  }
  for (const auto& [message, count] : refusals)
    ADD_FAILURE() << count << " cancellations answered neither ack nor invalid_state: " << message;
  auto jobs = wait_terminal(ids, 10s);
  EXPECT_EQ(jobs.size(), ids.size());
}
