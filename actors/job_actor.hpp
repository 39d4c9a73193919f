#pragma once
/// The job actor: owns one `Msvm_ConcreteJob` from "Queued" to its terminal state. It
/// creates a reference point of one virtual system (JobType 201) or of a collection (205),
/// or destroys one (202, 208: the deletion commits together with the job's completion).
///
/// Lifecycle: spawned with the job already recorded (JobState 4, "Queued"). On `run`, a
/// collection job first reserves its members one after another in ascending Name order,
/// each through that member's own FIFO queue, so overlapping collections never deadlock.
/// With every machine held, it scans their sim-backed disks (a timed model) and, for an RCT
/// job, reads their file-backed disks with change tracking on the file backend's threads
/// (one fingerprint map each), and persists each PercentComplete change of the combined
/// bytes done. Finally it commits everything together with the job's
/// completion, in one transaction: the reference point, or the collection reference point
/// and all its members. Otherwise it records Exception and nothing else. It answers `run`
/// once the terminal state is committed, releases its members, and exits. It never
/// blocks: progress is driven by its own delayed `progress` messages.
///
/// A collection whose members live on other nodes is a two-phase commit (DESIGN §8): such
/// a member is reserved through its node's participant (`participant.hpp`), and before
/// the completion transaction each such member durably prepares its reference point; the
/// completion transaction is the decision; then every member node is told to commit. A
/// member node that goes down before the decision fails the job, and every member is told
/// to roll back (one that missed it asks this node later: no decision means abort).

#include "actors/file_scan.hpp"
#include "actors/messages.hpp"
#include "actors/runtime_settings.hpp"
#include "actors/sim_scan.hpp"

#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace refpoint::actors {

/// One machine a job takes a reference point of.
struct job_member {
  std::string name;                  ///< the system's Name
  std::vector<protocol::disk> disks; ///< known at once for a system job; from the reservation
                                     ///< for a collection job
  system_actor owner;                ///< collection jobs: the system actor to reserve (null
                                     ///< for a member on another node)
  bool reserved = false;             ///< the member's reservation was granted
  /// A member on another node: that node's name and node actor, once located. Its
  /// reservation, pending reference point and decision go through that actor (DESIGN §8).
  std::string node;
  node_actor peer;
  /// Fingerprint maps of its file-backed disks, once the file scan is done.
  std::vector<protocol::disk_block_map> block_maps;
};

/// The part of a job's work done by reading files (`file_scan.hpp`), next to the sim scan.
struct job_file_work {
  std::vector<std::size_t> owners; ///< member index of each scanned disk, in scan order
  std::uint64_t total = 0;         ///< bytes to read (the registered sizes until the scan says)
  std::uint64_t done = 0;          ///< bytes read so far
  bool pending = false;            ///< the scan runs: the job cannot complete yet
  scan_cancel_flag cancel = std::make_shared<std::atomic<bool>>(false);
};

/// State of a job actor. Touched only by the actor itself.
struct job_actor_state {
  // Not an aggregate: CAF would otherwise try to build the state from the actor pointer
  // (C++20 parenthesized aggregate initialisation of the first member).
  job_actor_state() = default;
  job_actor_state(const job_actor_state&) = delete;
  job_actor_state& operator=(const job_actor_state&) = delete;
  /// A job going away (finished, cancelled or taken down) stops its file scan.
  ~job_actor_state() { files.cancel->store(true); }

  protocol::job_record record;
  std::vector<job_member> members; ///< one for a system job; by ascending name for a collection
  persistence::store_actor store;
  runtime_settings settings;
  sim_plan plan; ///< of the sim-backed disks; fixed once every member is held
  job_file_work files;
  std::chrono::steady_clock::time_point run_started;
  caf::response_promise done;      ///< answers `run`
  caf::response_promise cancelled; ///< answers `cancel`
  bool running = false;            ///< `run` arrived
  bool ending = false;             ///< a terminal state is being committed
  bool preparing = false;          ///< members on other nodes prepare: not decided yet
  bool committed = false;          ///< the completion (the commit decision) is stored
  node_actor cluster;              ///< this node's node actor; null outside a cluster
  job_slot slot;                   ///< its place among the jobs held in memory
  static inline const char* name = "job_actor";
};

/// Spawn arguments: the recorded job, its members, the store, the settings, this node's
/// node actor (null outside a cluster) and its slot among the jobs held in memory (given
/// back when it exits). Its owner (system or collection actor) takes it down when it goes
/// down itself.
job_actor::behavior_type job_actor_impl(job_actor::stateful_pointer<job_actor_state> self,
                                        protocol::job_record record,
                                        std::vector<job_member> members,
                                        persistence::store_actor store, runtime_settings settings,
                                        node_actor cluster, job_slot slot);

} // namespace refpoint::actors
