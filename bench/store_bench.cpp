/// bench_store: rows/s of the store actor against bare SQLiteCpp (docs/PERFORMANCE.md).
///
/// (a) bare: one SQLiteCpp connection (WAL, synchronous=NORMAL) inserts N job rows into
///     refpoint's own `jobs` table with one prepared INSERT, in transactions of B rows.
/// (b) store actor: 64 event-based actors send N `insert_job_atom` requests in all without
///     waiting and count the answers; the clock stops at the last answer.
/// Both run on fresh temporary files (the schema made by `database::open`), deleted after.
///
/// Usage: bench_store [N [B]]   (defaults: N=50000, B=1000)
/// Prints `bare_rows_per_s=X store_rows_per_s=Y ratio=Z` as its last line.

#include "persistence/database.hpp"
#include "persistence/store_actor.hpp"
#include "persistence/store_messages.hpp"
#include "protocol/model.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace pr = refpoint::protocol;
namespace ps = refpoint::persistence;
using bench_clock = std::chrono::steady_clock;

/// Jobs shaped like the ones the gateway submits (ids are GUID-sized).
std::vector<pr::job_record> make_jobs(std::size_t n, const std::string& prefix) {
  std::vector<pr::job_record> jobs(n);
  for (std::size_t i = 0; i < n; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "%08zX-0000-4000-8000-%012zX", i, i);
    pr::job_record& job = jobs[i];
    job.id = prefix + id;
    job.request.target = "6F1C2D3E-0000-4000-8000-000000000001";
    job.request.element_name = "bench";
    job.submitted_at = 1700000000000000 + static_cast<std::int64_t>(i);
    job.last_state_change = job.submitted_at;
  }
  return jobs;
}

/// Removes a SQLite file and its WAL side files.
void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    fs::remove(path + suffix, ec);
  }
}

double seconds_since(bench_clock::time_point start) {
  return std::chrono::duration<double>(bench_clock::now() - start).count();
}

double run_bare(const std::string& path, const std::vector<pr::job_record>& jobs,
                std::size_t batch) {
  { ps::database::open(path); } // creates refpoint's schema, then closes
  SQLite::Database db{path, SQLite::OPEN_READWRITE};
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  SQLite::Statement insert{
    db, "INSERT INTO jobs (id, type, target, rp_kind, rp_element_name, rp_consistency, state,"
        " status, percent_complete, error_code, error_description, error_summary, submitted_at,"
        " started_at, finished_at, last_state_change, time_before_removal_s,"
        " delete_on_completion, cancellable, idempotency_key, subject)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)"};
  auto start = bench_clock::now();
  std::size_t i = 0;
  while (i < jobs.size()) {
    SQLite::Transaction tx{db};
    for (std::size_t end = std::min(jobs.size(), i + batch); i < end; ++i) {
      const pr::job_record& job = jobs[i];
      insert.reset();
      insert.bind(1, job.id);
      insert.bind(2, static_cast<int>(job.type));
      insert.bind(3, job.request.target);
      insert.bind(4, static_cast<int>(job.request.kind));
      insert.bind(5, job.request.element_name);
      insert.bind(6, static_cast<int>(job.request.consistency));
      insert.bind(7, static_cast<int>(job.state));
      insert.bind(8, job.status);
      insert.bind(9, static_cast<int>(job.percent_complete));
      insert.bind(10, static_cast<int>(job.error_code));
      insert.bind(11, job.error_description);
      insert.bind(12, job.error_summary);
      insert.bind(13, static_cast<std::int64_t>(job.submitted_at));
      insert.bind(14, static_cast<std::int64_t>(job.started_at));
      insert.bind(15, static_cast<std::int64_t>(job.finished_at));
      insert.bind(16, static_cast<std::int64_t>(job.last_state_change));
      insert.bind(17, static_cast<std::int64_t>(job.time_before_removal_s));
      insert.bind(18, job.delete_on_completion ? 1 : 0);
      insert.bind(19, job.cancellable ? 1 : 0);
      insert.bind(20, job.request.subject);
      insert.exec();
    }
    tx.commit();
  }
  return static_cast<double>(jobs.size()) / seconds_since(start);
}

/// Not a goal figure, a diagnostic: refpoint's own `database::insert_job` (savepoint,
/// idempotency and affected-element statements per row) in `transact` batches of B rows,
/// without the actor. It splits the store actor's gap into database layer and actor.
double run_layer(const std::string& path, const std::vector<pr::job_record>& jobs,
                 std::size_t batch) {
  ps::database db = ps::database::open(path);
  auto start = bench_clock::now();
  std::size_t i = 0;
  while (i < jobs.size()) {
    db.transact([&] {
      for (std::size_t end = std::min(jobs.size(), i + batch); i < end; ++i) {
        db.insert_job(jobs[i]);
      }
    });
  }
  return static_cast<double>(jobs.size()) / seconds_since(start);
}

struct store_result {
  double rows_per_s = 0.0;
  std::size_t failed = 0;
  ps::store_stats stats;
};

store_result run_store(const std::string& path, const std::vector<pr::job_record>& jobs) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", std::size_t{2}); // refpointd's default [actors] threads
  caf::actor_system sys{cfg};
  ps::store_actor store = ps::spawn_store_actor(sys, ps::database::open(path));
  store_result result;
  std::promise<void> all_answered;
  std::atomic<std::size_t> answered{0};
  std::atomic<std::size_t> failed{0};
  auto on_answer = [&] {
    if (++answered == jobs.size()) {
      all_answered.set_value();
    }
  };
  // Like refpointd, where each job actor has a write or two in flight, the requests come
  // from many actors: one actor holding 50k pending responses is slow in CAF 0.17 itself.
  constexpr std::size_t senders = 64;
  auto start = bench_clock::now();
  for (std::size_t first = 0; first < senders; ++first) {
    sys.spawn([&, first](caf::event_based_actor* self) {
      for (std::size_t i = first; i < jobs.size(); i += senders) {
        self->request(store, caf::infinite, ps::insert_job_atom::value, jobs[i])
          .then([&](const pr::job_record&) { on_answer(); },
                [&](const caf::error&) {
                  ++failed;
                  on_answer();
                });
      }
    });
  }
  all_answered.get_future().wait();
  result.rows_per_s = static_cast<double>(jobs.size()) / seconds_since(start);
  result.failed = failed;
  {
    caf::scoped_actor self{sys};
    self->request(store, caf::infinite, ps::stats_atom::value)
      .receive([&](const ps::store_stats& s) { result.stats = s; }, [](const caf::error&) {});
  }
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  return result;
}

} // namespace

int main(int argc, char** argv) {
  std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 50000;
  std::size_t batch = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1000;
  if (n == 0 || batch == 0) {
    std::cerr << "usage: bench_store [N [B]] (both > 0)\n";
    return 2;
  }
  std::string base =
    (fs::temp_directory_path() / ("refpoint-bench-store-" + std::to_string(::getpid()))).string();
  std::string bare_path = base + "-bare.db";
  std::string store_path = base + "-store.db";
  std::string layer_path = base + "-layer.db";
  int rc = 0;
  try {
    double bare = run_bare(bare_path, make_jobs(n, "B"), batch);
    double layer = run_layer(layer_path, make_jobs(n, "L"), batch);
    store_result store = run_store(store_path, make_jobs(n, "S"));
    std::cout << "rows=" << n << " bare_batch=" << batch
              << " store_transactions=" << store.stats.transactions
              << " store_batch_max=" << store.stats.batch_size_max
              << " store_failed=" << store.failed
              << " database_layer_rows_per_s=" << static_cast<std::uint64_t>(layer) << "\n";
    std::cout << "bare_rows_per_s=" << static_cast<std::uint64_t>(bare)
              << " store_rows_per_s=" << static_cast<std::uint64_t>(store.rows_per_s)
              << " ratio=" << store.rows_per_s / bare << std::endl;
    rc = store.failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_store: " << e.what() << "\n";
    rc = 1;
  }
  remove_db(bare_path);
  remove_db(store_path);
  remove_db(layer_path);
  return rc;
}
