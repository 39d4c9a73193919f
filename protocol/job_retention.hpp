#pragma once
/// When a finished job stops being readable (DESIGN §4): a job stays readable for its
/// `TimeBeforeRemoval` after it finished; then it answers 410 Gone for a day; then it is
/// purged and unknown (404).

#include "protocol/model.hpp"

namespace refpoint::protocol {

/// How long a removed job still answers 410 before it is purged.
constexpr timestamp_us gone_window_us = 24LL * 3600 * 1'000'000;

/// The moment `job` is removed, or 0 while it has not finished.
timestamp_us removal_time(const job_record& job);

/// True once `job` has finished and its TimeBeforeRemoval has passed at `now`.
bool is_removed(const job_record& job, timestamp_us now);

} // namespace refpoint::protocol
