#pragma once
/// The job actor: owns one `Msvm_ConcreteJob` from "Queued" to its terminal state.
///
/// Lifecycle: spawned by its system actor with the job already recorded (JobState 4,
/// "Queued"); waits until the system actor sends `run`; then scans the machine's disks
/// with the sim backend, persisting each PercentComplete change; finally commits the
/// reference point together with the job's completion (one transaction), or records
/// Exception with the error. It answers `run` once that terminal state is committed, then
/// exits. It never blocks: progress is driven by its own delayed `progress` messages.

#include "actors/messages.hpp"
#include "actors/runtime_settings.hpp"
#include "actors/sim_scan.hpp"

#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <vector>

namespace refpoint::actors {

/// State of a job actor. Touched only by the actor itself.
struct job_actor_state {
  // Not an aggregate: CAF would otherwise try to build the state from the actor pointer
  // (C++20 parenthesized aggregate initialisation of the first member).
  job_actor_state() = default;

  protocol::job_record record;
  std::vector<protocol::disk> disks;
  persistence::store_actor store;
  runtime_settings settings;
  sim_plan plan; ///< fixed when the job is spawned
  std::chrono::steady_clock::time_point run_started;
  caf::response_promise done;
  static inline const char* name = "job_actor";
};

/// Spawn arguments: the recorded job, the machine's disks at submission, the store and the
/// settings. Spawn it linked to its system actor so shutdown takes it down too.
job_actor::behavior_type job_actor_impl(job_actor::stateful_pointer<job_actor_state> self,
                                        protocol::job_record record,
                                        std::vector<protocol::disk> disks,
                                        persistence::store_actor store, runtime_settings settings);

} // namespace refpoint::actors
