#pragma once
/// Message interfaces of the two SQLite actors (DESIGN §2 "Store actor").
///
/// `store_actor`: the only writer. Runs detached (its own thread). Writes that arrive
/// while a transaction is being prepared are batched into one transaction (group commit);
/// every write is answered only after its transaction committed. A failed commit answers
/// each write of the batch with `store_errc::write_failed`. A write that fails on its own
/// (constraint violation) is rolled back alone and answered with `write_failed`; an update
/// or completion of an unknown job writes nothing and answers `not_found`. Either way the
/// other writes of the batch still commit.
///
/// `query_actor`: read-only connection (WAL lets it read while the writer commits). Runs
/// detached. Sees only committed data. Unknown ids answer `store_errc::not_found`.

#include "persistence/inspect.hpp"
#include "protocol/model.hpp"

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace refpoint::persistence {

using put_system_atom = caf::atom_constant<caf::atom("putsys")>;
using insert_job_atom = caf::atom_constant<caf::atom("insjob")>;
using update_job_atom = caf::atom_constant<caf::atom("updjob")>;
using complete_job_atom = caf::atom_constant<caf::atom("cmpljob")>;
using get_job_atom = caf::atom_constant<caf::atom("getjob")>;
using get_system_atom = caf::atom_constant<caf::atom("getsys")>;
using list_systems_atom = caf::atom_constant<caf::atom("lssys")>;
using get_rp_atom = caf::atom_constant<caf::atom("getrp")>;
using list_rps_atom = caf::atom_constant<caf::atom("lsrp")>;
using ack_atom = caf::atom_constant<caf::atom("ack")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;

/// Store failures, as `caf::error` values (category atom "store").
enum class store_errc : std::uint8_t {
  not_found = 1,    ///< no row with that id
  write_failed = 2, ///< the transaction could not commit (disk full, read-only, ...)
  read_failed = 3,  ///< a query failed
};

/// Builds a `caf::error` with category "store" and `message` as its context. Found by ADL,
/// which also makes `err == store_errc::not_found` compare code and category (not message).
caf::error make_error(store_errc code, std::string message = {});

/// What the writer has done since it started. `writes` counts write messages answered with
/// success; `failed_writes` those answered with an error; `transactions` committed batches.
struct store_stats {
  std::uint64_t transactions = 0;
  std::uint64_t writes = 0;
  std::uint64_t failed_writes = 0;
  friend bool operator==(const store_stats&, const store_stats&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, store_stats& x) {
  return f(caf::meta::type_name("refpoint::store_stats"), x.transactions, x.writes,
           x.failed_writes);
}

/// The writer.
using store_actor = caf::typed_actor<
  /// Inserts or replaces a system and its disks.
  caf::replies_to<put_system_atom, protocol::system_info>::with<ack_atom>,
  /// Inserts a new job; answers its `seq` (monotonic submission order).
  caf::replies_to<insert_job_atom, protocol::job_record>::with<std::int64_t>,
  /// Replaces a job's mutable columns (state, status, percent, errors, times, affected).
  caf::replies_to<update_job_atom, protocol::job_record>::with<ack_atom>,
  /// In one transaction: inserts the reference point and updates the job (completed,
  /// with its affected element). Neither is visible without the other.
  caf::replies_to<complete_job_atom, protocol::job_record,
                  protocol::reference_point>::with<ack_atom>,
  /// Counters for tests and metrics; answered at once, never batched.
  caf::replies_to<stats_atom>::with<store_stats>>;

/// The reader.
using query_actor = caf::typed_actor<
  caf::replies_to<get_job_atom, std::string>::with<protocol::job_record>,
  caf::replies_to<get_system_atom, std::string>::with<protocol::system_info>,
  caf::replies_to<list_systems_atom>::with<std::vector<protocol::system_info>>,
  caf::replies_to<get_rp_atom, std::string>::with<protocol::reference_point>,
  /// Reference points of one system (by name), oldest first; empty name: all of them.
  caf::replies_to<list_rps_atom, std::string>::with<std::vector<protocol::reference_point>>>;

} // namespace refpoint::persistence
