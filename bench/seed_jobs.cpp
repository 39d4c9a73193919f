/// bench_seed_jobs: creates a refpoint database file holding many finished jobs, for the
/// restart figure in docs/PERFORMANCE.md (time from exec to "listening on").
///
/// Uses only refpoint's own database layer, so the file has the schema and the rows a
/// running refpointd would have written: SYSTEMS machines (one or two sim disks each), then
/// JOBS create-reference-point jobs over them, in transactions of 10,000 jobs. Every 20th
/// job ends in Exception; the others complete with their reference point (RCT ids, one per
/// disk), as the job actor stores them. Ids are random GUIDs, as refpointd makes them.
/// Jobs finished over the 12 hours before now, so a restart purges none of them. Events
/// the layer records are pruned to refpointd's default retention as a server would.
///
/// Usage: bench_seed_jobs FILE [JOBS [SYSTEMS]]   (defaults: 1000000, 1000)
/// FILE must not exist. Prints `jobs=N systems=S seconds=T` as its last line.

#include "bench/machine_name.hpp"
#include "persistence/database.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"
#include "protocol/model.hpp"
#include "protocol/object_path.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

namespace pr = refpoint::protocol;
namespace ps = refpoint::persistence;

constexpr std::size_t jobs_per_transaction = 10000;
constexpr std::uint64_t event_retention = 100000; // refpointd's default `[events] retention`
constexpr std::int64_t seeded_span_us = 12LL * 3600 * 1000000;

pr::system_info make_system(std::size_t index, pr::timestamp_us created_at) {
  pr::system_info sys;
  sys.name = bench::machine_name(index);
  sys.element_name = "vm-" + std::to_string(index);
  sys.replication_enabled = index % 3 != 0;
  sys.created_at = created_at;
  pr::disk os;
  os.id = "os";
  os.size_bytes = 42949672960ULL;
  sys.disks.push_back(os);
  if (index % 2 == 0) {
    pr::disk data;
    data.id = "data";
    data.size_bytes = 107374182400ULL;
    sys.disks.push_back(data);
  }
  return sys;
}

/// Drops the events the writes handed over (nobody publishes them here) and prunes the
/// stored ones to the retention refpointd keeps.
void settle_events(ps::database& db) {
  db.take_committed_events();
  db.prune_events(event_retention);
}

/// Stores job `index` as submitted, then as finished, as refpointd's job actor would.
void seed_job(ps::database& db, std::size_t index, const pr::system_info& sys,
              pr::timestamp_us submitted_at) {
  pr::job_record job;
  job.id = pr::new_guid();
  job.request.target = sys.name;
  job.request.element_name = "nightly";
  job.submitted_at = submitted_at;
  job.last_state_change = submitted_at;
  db.insert_job(job);

  job.started_at = submitted_at + 200;
  job.finished_at = submitted_at + 1500;
  job.last_state_change = job.finished_at;
  job.cancellable = false;
  if (index % 20 == 19) {
    job.state = pr::job_state::exception;
    job.status = "Failed";
    job.percent_complete = 60;
    job.error_code = 32768;
    job.error_description = "the scan of disk 'os' failed at 60%";
    job.error_summary = "The reference point could not be created.";
    db.update_job(job);
    return;
  }
  job.state = pr::job_state::completed;
  job.status = "Completed";
  job.percent_complete = 100;
  pr::reference_point rp;
  rp.id = pr::new_guid();
  rp.system_name = sys.name;
  rp.element_name = job.request.element_name;
  rp.created_at = job.finished_at;
  rp.job_id = job.id;
  for (const auto& d : sys.disks) {
    rp.disk_ids.push_back(d.id);
    rp.rct_ids.push_back(pr::make_rct_id(pr::new_guid(), 1));
  }
  job.affected = {{pr::reference_point_path(rp.id, rp.system_name), pr::element_effects::create}};
  db.complete_job(job, rp);
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_seed_jobs FILE [JOBS [SYSTEMS]]\n";
    return 2;
  }
  const std::string path = argv[1];
  const std::size_t jobs = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  const std::size_t systems = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1000;
  if (systems == 0 || std::filesystem::exists(path)) {
    std::cerr << "bench_seed_jobs: " << (systems == 0 ? "SYSTEMS must be > 0" : path + " exists")
              << "\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  try {
    auto db = ps::database::open(path);
    const pr::timestamp_us first = pr::now_us() - seeded_span_us;
    std::vector<pr::system_info> machines;
    machines.reserve(systems);
    db.transact([&] {
      for (std::size_t i = 0; i < systems; ++i) {
        machines.push_back(make_system(i, first));
        db.put_system(machines.back());
      }
    });
    settle_events(db);
    const auto step = seeded_span_us / static_cast<std::int64_t>(jobs == 0 ? 1 : jobs);
    for (std::size_t done = 0; done < jobs;) {
      const std::size_t end = std::min(jobs, done + jobs_per_transaction);
      db.transact([&] {
        for (std::size_t i = done; i < end; ++i)
          seed_job(db, i, machines[i % systems], first + static_cast<std::int64_t>(i) * step);
      });
      settle_events(db);
      done = end;
      if (done % 100000 == 0)
        std::cerr << "bench_seed_jobs: " << done << " jobs" << std::endl;
    }
  } catch (const ps::store_error& e) {
    std::cerr << "bench_seed_jobs: " << e.what() << "\n";
    return 1;
  }
  const double seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("jobs=%zu systems=%zu seconds=%.1f\n", jobs, systems, seconds);
  return 0;
}
