#include "persistence/store_actor.hpp"

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace refpoint::persistence {

namespace {

using flush_atom = caf::atom_constant<caf::atom("flush")>;

/// Most writes one transaction holds: larger batches outgrow SQLite's page cache and
/// spill to the WAL while still open, and keep every writer waiting longer.
constexpr std::size_t max_batch_writes = 1000;

/// The writer's whole interface: the public one plus the flush it sends itself.
using store_impl = store_actor::extend<caf::reacts_to<flush_atom>>;

// -- staged writes ------------------------------------------------------------------
// Each knows how to apply itself inside the batch's transaction and how to answer.
// `apply` returns an error (having written nothing) or throws `store_error`.

struct put_system_write {
  protocol::system_info system;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    db.put_system(system);
    return {};
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct insert_job_write {
  protocol::job_record job; ///< replaced by the stored job in `apply`
  caf::typed_response_promise<protocol::job_record> promise;

  caf::error apply(database& db) {
    job = db.insert_job(job);
    return {};
  }
  void answer() { promise.deliver(std::move(job)); }
};

caf::error job_not_found(const std::string& id) {
  return make_error(store_errc::not_found, "job '" + id + "' not found");
}

/// `what` (or the job) was not found.
caf::error target_or_job_not_found(const std::string& what, const std::string& job_id) {
  return make_error(store_errc::not_found, what + " or job '" + job_id + "' not found");
}

struct update_job_write {
  protocol::job_record job;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    return db.update_job(job) ? caf::error{} : job_not_found(job.id);
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct complete_job_write {
  protocol::job_record job;
  protocol::reference_point rp;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    return db.complete_job(job, rp) ? caf::error{} : job_not_found(job.id);
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct complete_collection_job_write {
  protocol::job_record job;
  protocol::collection_reference_point rpc;
  std::vector<protocol::reference_point> members;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    return db.complete_collection_job(job, rpc, members) ? caf::error{} : job_not_found(job.id);
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct destroy_rp_job_write {
  protocol::job_record job;
  std::string rp_id;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    return db.destroy_reference_point_job(job, rp_id)
             ? caf::error{}
             : target_or_job_not_found("reference point '" + rp_id + "'", job.id);
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct destroy_rpc_job_write {
  protocol::job_record job;
  std::string rpc_id;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    return db.destroy_collection_rp_job(job, rpc_id)
             ? caf::error{}
             : target_or_job_not_found("collection reference point '" + rpc_id + "'", job.id);
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct put_collection_write {
  protocol::collection_info collection;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    db.put_collection(collection);
    return {};
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct delete_collection_write {
  std::string id;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    return db.delete_collection(id)
             ? caf::error{}
             : make_error(store_errc::not_found, "collection '" + id + "' not found");
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct purge_jobs_write {
  protocol::timestamp_us cutoff = 0;
  caf::typed_response_promise<std::uint64_t> promise;
  std::uint64_t purged = 0; ///< set by `apply`

  caf::error apply(database& db) {
    purged = db.purge_jobs(cutoff);
    return {};
  }
  void answer() { promise.deliver(purged); }
};

struct import_events_write {
  std::string origin;
  std::string source;
  std::vector<protocol::event_record> events;
  caf::typed_response_promise<std::int64_t> promise;
  std::int64_t upto = 0; ///< set by `apply`

  caf::error apply(database& db) {
    upto = db.import_events(origin, source, std::move(events));
    return {};
  }
  void answer() { promise.deliver(upto); }
};

struct prepare_member_write {
  std::string coordinator;
  protocol::reference_point rp;
  caf::typed_response_promise<ack_atom> promise;

  caf::error apply(database& db) {
    db.prepare_member(coordinator, rp);
    return {};
  }
  void answer() { promise.deliver(ack_atom::value); }
};

struct prepare_destroy_write {
  std::string coordinator;
  std::string job_id;
  std::string rpc_id;
  caf::typed_response_promise<std::uint64_t> promise;
  std::uint64_t covered = 0; ///< set by `apply`

  caf::error apply(database& db) {
    covered = db.prepare_member_destroy(coordinator, job_id, rpc_id);
    return {};
  }
  void answer() { promise.deliver(covered); }
};

struct commit_member_write {
  std::string job_id;
  caf::typed_response_promise<std::uint64_t> promise;
  std::uint64_t committed = 0; ///< set by `apply`

  caf::error apply(database& db) {
    committed = db.commit_member(job_id);
    return {};
  }
  void answer() { promise.deliver(committed); }
};

struct abort_member_write {
  std::string job_id;
  caf::typed_response_promise<std::uint64_t> promise;
  std::uint64_t aborted = 0; ///< set by `apply`

  caf::error apply(database& db) {
    aborted = db.abort_member(job_id);
    return {};
  }
  void answer() { promise.deliver(aborted); }
};

using staged_write =
  std::variant<put_system_write, insert_job_write, update_job_write, complete_job_write,
               complete_collection_job_write, destroy_rp_job_write, destroy_rpc_job_write,
               put_collection_write, delete_collection_write, purge_jobs_write, import_events_write,
               prepare_member_write, prepare_destroy_write, commit_member_write,
               abort_member_write>;

struct store_state {
  std::optional<database> db;       ///< set once at spawn; optional only because CAF
                                    ///< default-constructs the state
  std::vector<staged_write> staged; ///< writes waiting for the next flush
  bool flush_pending = false;       ///< a flush message is in the mailbox
  store_stats stats;
  store_events events;
};

using store_pointer = store_impl::stateful_pointer<store_state>;

/// Commits the staged writes (at most `max_batch_writes`, oldest first) in one
/// transaction, then answers each of them. What is left waits for the next flush, which is
/// sent at once.
void flush(store_pointer self) {
  auto& st = self->state;
  st.flush_pending = false;
  std::vector<staged_write> batch;
  if (st.staged.size() <= max_batch_writes) {
    batch.swap(st.staged);
  } else {
    const auto cut = st.staged.begin() + static_cast<std::ptrdiff_t>(max_batch_writes);
    batch.assign(std::make_move_iterator(st.staged.begin()), std::make_move_iterator(cut));
    st.staged.erase(st.staged.begin(), cut);
    st.flush_pending = true;
    self->send(self, flush_atom::value);
  }
  if (batch.empty()) {
    return;
  }
  std::vector<caf::error> outcomes(batch.size());
  st.stats.batch_size_max = std::max<std::uint64_t>(st.stats.batch_size_max, batch.size());
  const auto started = std::chrono::steady_clock::now();
  try {
    st.db->transact([&] {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
          outcomes[i] = std::visit([&](auto& write) { return write.apply(*st.db); }, batch[i]);
        } catch (const store_error& e) {
          if (!st.db->in_transaction()) {
            throw; // SQLite rolled back the whole transaction: the batch fails as one
          }
          outcomes[i] = write_error(e);
        }
      }
      try {
        st.db->prune_events(st.events.retention);
      } catch (const store_error&) {
        if (!st.db->in_transaction())
          throw;
        // Pruning rolled back alone: the next batch tries again.
      }
    });
    ++st.stats.transactions;
  } catch (const store_error& e) {
    for (auto& outcome : outcomes) {
      outcome = write_error(e);
    }
  }
  const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started;
  st.stats.commit_seconds_sum += spent.count();
  ++st.stats.commit_seconds_count;
  auto committed = st.db->take_committed_events();
  if (!committed.empty() && st.events.sink)
    self->send(st.events.sink, publish_atom::value, std::move(committed));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (outcomes[i]) {
      ++st.stats.failed_writes;
      std::visit([&](auto& write) { write.promise.deliver(std::move(outcomes[i])); }, batch[i]);
    } else {
      ++st.stats.writes;
      std::visit([](auto& write) { write.answer(); }, batch[i]);
    }
  }
}

void stage(store_pointer self, staged_write write) {
  auto& st = self->state;
  st.staged.push_back(std::move(write));
  if (!st.flush_pending) {
    st.flush_pending = true;
    self->send(self, flush_atom::value);
  }
}

store_impl::behavior_type store(store_pointer self, database db, store_events events) {
  self->state.db.emplace(std::move(db));
  self->state.events = std::move(events);
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    while (!self->state.staged.empty())
      flush(self);
    self->quit(msg.reason);
  });
  return {
    [self](put_system_atom, protocol::system_info& system) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, put_system_write{std::move(system), promise});
      return promise;
    },
    [self](insert_job_atom, protocol::job_record& job) -> caf::result<protocol::job_record> {
      auto promise = self->make_response_promise<protocol::job_record>();
      stage(self, insert_job_write{std::move(job), promise});
      return promise;
    },
    [self](update_job_atom, protocol::job_record& job) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, update_job_write{std::move(job), promise});
      return promise;
    },
    [self](complete_job_atom, protocol::job_record& job,
           protocol::reference_point& rp) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, complete_job_write{std::move(job), std::move(rp), promise});
      return promise;
    },
    [self](complete_collection_job_atom, protocol::job_record& job,
           protocol::collection_reference_point& rpc,
           std::vector<protocol::reference_point>& members) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, complete_collection_job_write{std::move(job), std::move(rpc), std::move(members),
                                                promise});
      return promise;
    },
    [self](destroy_rp_job_atom, protocol::job_record& job,
           std::string& rp_id) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, destroy_rp_job_write{std::move(job), std::move(rp_id), promise});
      return promise;
    },
    [self](destroy_rpc_job_atom, protocol::job_record& job,
           std::string& rpc_id) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, destroy_rpc_job_write{std::move(job), std::move(rpc_id), promise});
      return promise;
    },
    [self](put_collection_atom, protocol::collection_info& collection) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, put_collection_write{std::move(collection), promise});
      return promise;
    },
    [self](delete_collection_atom, std::string& id) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, delete_collection_write{std::move(id), promise});
      return promise;
    },
    [self](purge_jobs_atom, protocol::timestamp_us cutoff) -> caf::result<std::uint64_t> {
      auto promise = self->make_response_promise<std::uint64_t>();
      stage(self, purge_jobs_write{cutoff, promise});
      return promise;
    },
    [self](import_events_atom, std::string& origin, std::string& source,
           std::vector<protocol::event_record>& copied) -> caf::result<std::int64_t> {
      auto promise = self->make_response_promise<std::int64_t>();
      stage(self,
            import_events_write{std::move(origin), std::move(source), std::move(copied), promise});
      return promise;
    },
    [self](prepare_member_atom, std::string& coordinator,
           protocol::reference_point& rp) -> caf::result<ack_atom> {
      auto promise = self->make_response_promise<ack_atom>();
      stage(self, prepare_member_write{std::move(coordinator), std::move(rp), promise});
      return promise;
    },
    [self](prepare_destroy_atom, std::string& coordinator, std::string& job_id,
           std::string& rpc_id) -> caf::result<std::uint64_t> {
      auto promise = self->make_response_promise<std::uint64_t>();
      stage(self, prepare_destroy_write{std::move(coordinator), std::move(job_id),
                                        std::move(rpc_id), promise});
      return promise;
    },
    [self](commit_member_atom, std::string& job_id) -> caf::result<std::uint64_t> {
      auto promise = self->make_response_promise<std::uint64_t>();
      stage(self, commit_member_write{std::move(job_id), promise});
      return promise;
    },
    [self](abort_member_atom, std::string& job_id) -> caf::result<std::uint64_t> {
      auto promise = self->make_response_promise<std::uint64_t>();
      stage(self, abort_member_write{std::move(job_id), promise});
      return promise;
    },
    [self](stats_atom) -> store_stats { return self->state.stats; },
    [self](flush_atom) { flush(self); },
  };
}

} // namespace

store_actor spawn_store_actor(caf::actor_system& system, database db, store_events events) {
  return system.spawn<caf::detached>(store, std::move(db), std::move(events));
}

} // namespace refpoint::persistence
