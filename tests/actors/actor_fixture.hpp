#pragma once
/// A fixture for the actor tests: CAF's real scheduler (two threads), a real SQLite file
/// in a temporary directory with its store and query actors, and an inventory actor over
/// them. The helpers talk to the actors through a scoped actor; every wait is bounded by
/// a deadline and reads committed state through the query actor, never a fixed sleep.

#include "actors/inventory_actor.hpp"
#include "actors/op_error.hpp"
#include "persistence/database.hpp"
#include "persistence/query_actor.hpp"
#include "persistence/store_actor.hpp"
#include "protocol/cim_datetime.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace refpoint::actors::testing {

using namespace std::chrono_literals;

class ActorFixture : public ::testing::Test {
protected:
  /// 10 MB/s (1 MB takes 100 ms) with a progress tick every 10 ms.
  static runtime_settings default_settings() {
    runtime_settings settings;
    settings.sim_bytes_per_second = 10'000'000;
    settings.sim_progress_interval = 10ms;
    return settings;
  }

  explicit ActorFixture(runtime_settings settings = default_settings())
      : sys_{quiet(cfg_)}, self_{sys_} {
    dir_ = std::filesystem::temp_directory_path() /
           ("refpoint-actors-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto path = (dir_ / "test.db").string();
    auto writer = persistence::database::open(path);
    auto reader = persistence::database::open(path, true);
    store_ = persistence::spawn_store_actor(sys_, std::move(writer));
    query_ = persistence::spawn_query_actor(sys_, std::move(reader));
    inventory_ = sys_.spawn(inventory_actor_impl, std::vector<protocol::system_info>{},
                            std::vector<protocol::collection_info>{}, store_, settings);
  }

  ~ActorFixture() override {
    caf::anon_send_exit(inventory_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(query_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store_, caf::exit_reason::user_shutdown);
  }

  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // -- generic ----------------------------------------------------------------

  /// Sends a request and waits (bounded) for its answer: the value or the decoded error.
  template <class T, class Handle, class... Ts>
  std::variant<T, op_failure> ask(const Handle& handle, Ts&&... xs) {
    std::variant<T, op_failure> out = op_failure{op_errc::timeout, "no answer", {}};
    self_->request(handle, request_timeout, std::forward<Ts>(xs)...)
      .receive([&](T& value) { out = std::move(value); },
               [&](caf::error& err) { out = describe(err); });
    return out;
  }

  /// The value of `answer`; records a failure (and answers a default) for an error.
  template <class T>
  static T expect_ok(std::variant<T, op_failure> answer, const char* what) {
    if (auto* f = std::get_if<op_failure>(&answer)) {
      ADD_FAILURE() << what << " failed: " << f->message;
      return T{};
    }
    return std::get<T>(std::move(answer));
  }

  /// The error of `answer`; records a failure when it succeeded.
  template <class T>
  static op_failure expect_error(std::variant<T, op_failure> answer, const char* what) {
    if (auto* f = std::get_if<op_failure>(&answer))
      return *f;
    ADD_FAILURE() << what << " succeeded but should have failed";
    return {};
  }

  /// Polls `done` until it is true or `limit` passed; answers whether it became true.
  template <class Pred>
  static bool eventually(Pred done, std::chrono::milliseconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline)
        return false;
      std::this_thread::sleep_for(2ms);
    }
    return true;
  }

  static protocol::create_request request(std::string target, protocol::rp_kind kind,
                                          std::string element_name) {
    protocol::create_request req;
    req.target = std::move(target);
    req.kind = kind;
    req.element_name = std::move(element_name);
    req.consistency = protocol::consistency_level::application;
    return req;
  }

  // -- systems and machine jobs -----------------------------------------------

  static protocol::disk sim_disk(std::string id, std::uint64_t size, bool tracking = true) {
    protocol::disk d;
    d.id = std::move(id);
    d.size_bytes = size;
    d.change_tracking = tracking;
    return d;
  }

  /// Registers a system; an empty `name` lets the inventory assign a GUID.
  protocol::system_info add_system(std::vector<protocol::disk> disks, bool replication = false,
                                   std::string name = {}) {
    protocol::system_info info;
    info.name = std::move(name);
    info.element_name = "vm";
    info.replication_enabled = replication;
    info.disks = std::move(disks);
    return expect_ok(ask<protocol::system_info>(inventory_, create_system_atom::value, info),
                     "create system");
  }

  /// Asks for a reference point of a machine; answers the job or the decoded error.
  std::variant<protocol::job_record, op_failure>
  create(const std::string& system, protocol::rp_kind kind = protocol::rp_kind::rct) {
    auto req = request(system, kind, "rp");
    return ask<protocol::job_record>(inventory_, create_rp_atom::value, req, std::string{});
  }

  protocol::job_record create_ok(const std::string& system,
                                 protocol::rp_kind kind = protocol::rp_kind::rct) {
    return expect_ok(create(system, kind), "create reference point");
  }

  /// Cancels through the inventory; answers the decoded error, if any.
  std::optional<op_failure> cancel(const protocol::job_record& job, protocol::job_state target) {
    auto answer = ask<ack_atom>(inventory_, cancel_atom::value, job.request.target, job.id, target);
    if (auto* f = std::get_if<op_failure>(&answer))
      return *f;
    return std::nullopt;
  }

  // -- collections ------------------------------------------------------------

  std::variant<protocol::collection_info, op_failure>
  create_collection(std::vector<std::string> members, std::string id = {}) {
    protocol::collection_info info;
    info.id = std::move(id);
    info.element_name = "group";
    info.members = std::move(members);
    return ask<protocol::collection_info>(inventory_, create_collection_atom::value, info);
  }

  protocol::collection_info create_collection_ok(std::vector<std::string> members) {
    return expect_ok(create_collection(std::move(members)), "create collection");
  }

  /// Asks for a collection reference point; answers the job or the decoded error.
  std::variant<protocol::job_record, op_failure>
  create_crp(const std::string& collection, protocol::rp_kind kind = protocol::rp_kind::rct) {
    auto req = request(collection, kind, "crp");
    return ask<protocol::job_record>(inventory_, create_crp_atom::value, req, std::string{});
  }

  protocol::job_record create_crp_ok(const std::string& collection,
                                     protocol::rp_kind kind = protocol::rp_kind::rct) {
    return expect_ok(create_crp(collection, kind), "create collection reference point");
  }

  // -- committed state ----------------------------------------------------------

  std::optional<protocol::job_record> read_job(const std::string& id) {
    auto answer = ask<protocol::job_record>(query_, persistence::get_job_atom::value, id);
    if (auto* job = std::get_if<protocol::job_record>(&answer))
      return *job;
    return std::nullopt;
  }

  /// Reference points of one system (empty name: all), oldest first.
  std::vector<protocol::reference_point> read_rps(const std::string& system) {
    return expect_ok(ask<std::vector<protocol::reference_point>>(
                       query_, persistence::list_rps_atom::value, system),
                     "list reference points");
  }

  std::optional<protocol::reference_point> read_rp(const std::string& id) {
    auto answer = ask<protocol::reference_point>(query_, persistence::get_rp_atom::value, id);
    if (auto* rp = std::get_if<protocol::reference_point>(&answer))
      return *rp;
    return std::nullopt;
  }

  /// Collection reference points of one collection (empty id: all), oldest first.
  std::vector<protocol::collection_reference_point> read_rpcs(const std::string& collection) {
    return expect_ok(ask<std::vector<protocol::collection_reference_point>>(
                       query_, persistence::list_rpcs_atom::value, collection),
                     "list collection reference points");
  }

  std::optional<protocol::collection_reference_point> read_rpc(const std::string& id) {
    auto answer =
      ask<protocol::collection_reference_point>(query_, persistence::get_rpc_atom::value, id);
    if (auto* rpc = std::get_if<protocol::collection_reference_point>(&answer))
      return *rpc;
    return std::nullopt;
  }

  std::optional<protocol::collection_info> read_collection(const std::string& id) {
    auto answer =
      ask<protocol::collection_info>(query_, persistence::get_collection_atom::value, id);
    if (auto* info = std::get_if<protocol::collection_info>(&answer))
      return *info;
    return std::nullopt;
  }

  /// Every listed job (of `target`, or of all targets when empty), by submission order.
  std::vector<protocol::job_record> read_jobs(const std::string& target = {}) {
    persistence::job_query q;
    q.target = target;
    q.limit = 100'000;
    q.removed_before = protocol::now_us();
    return expect_ok(ask<persistence::job_page>(query_, persistence::list_jobs_atom::value, q),
                     "list jobs")
      .items;
  }

  /// Polls until the job's committed row satisfies `pred` (bounded); answers that row.
  template <class Pred>
  std::optional<protocol::job_record> wait_job(const std::string& id, Pred pred,
                                               std::chrono::milliseconds limit = 10s) {
    std::optional<protocol::job_record> job;
    if (eventually(
          [&] {
            job = read_job(id);
            return job && pred(*job);
          },
          limit))
      return job;
    ADD_FAILURE() << "job " << id << " did not reach the awaited state in time (last status: "
                  << (job ? job->status : "none") << ")";
    return std::nullopt;
  }

  /// Polls until the job has started.
  void wait_started(const std::string& id) {
    wait_job(id, [](const protocol::job_record& j) { return j.started_at != 0; });
  }

  /// Polls committed job rows until every job is terminal (or `limit` passed). Calls
  /// `observe` with each snapshot, so tests can check invariants while jobs run.
  template <std::invocable<const std::vector<protocol::job_record>&> Observe>
  std::vector<protocol::job_record> wait_terminal(const std::vector<std::string>& ids,
                                                  Observe observe,
                                                  std::chrono::milliseconds limit = 20s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    std::vector<protocol::job_record> jobs;
    while (std::chrono::steady_clock::now() < deadline) {
      // Newest first: a later job starts only after the earlier one's end is committed, so
      // a snapshot read in this order never shows two jobs of one machine running at once
      // that never were (read one by one, oldest first, it could).
      jobs.clear();
      for (auto id = ids.rbegin(); id != ids.rend(); ++id)
        if (auto job = read_job(*id))
          jobs.push_back(*job);
      std::reverse(jobs.begin(), jobs.end());
      observe(jobs);
      if (jobs.size() == ids.size() &&
          std::all_of(jobs.begin(), jobs.end(),
                      [](const protocol::job_record& j) { return protocol::is_terminal(j.state); }))
        return jobs;
      std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << "jobs did not finish in time";
    return jobs;
  }

  std::vector<protocol::job_record> wait_terminal(const std::vector<std::string>& ids,
                                                  std::chrono::milliseconds limit = 20s) {
    return wait_terminal(
      ids, [](const std::vector<protocol::job_record>&) {}, limit);
  }

  static constexpr std::chrono::seconds request_timeout{5};

private:
  static caf::actor_system_config& quiet(caf::actor_system_config& cfg) {
    cfg.set("scheduler.max-threads", std::size_t{2});
    cfg.set("logger.console-verbosity", caf::atom("quiet"));
    return cfg;
  }

  caf::actor_system_config cfg_;

protected:
  caf::actor_system sys_;
  caf::scoped_actor self_;
  std::filesystem::path dir_;
  persistence::store_actor store_;
  persistence::query_actor query_;
  inventory_actor inventory_;
};

} // namespace refpoint::actors::testing
