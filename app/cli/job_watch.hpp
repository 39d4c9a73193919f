#pragma once
/// `--watch`: following one job on the event stream until it ends (docs/CLI.md).
///
/// Subscribes to `/api/v1/events?job=ID&since=0`, so a job that already ended is reported at
/// once from the replay. Shows progress (unless --json), and on Ctrl-C asks whether to cancel
/// the job when stdin is a terminal; otherwise Ctrl-C stops watching and leaves the job running.

#include "app/cli/commands.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace refpoint::cli {

struct watch_outcome {
  /// exit_ok (completed), exit_job_failed, exit_interrupted, or the code of an error already
  /// printed (refused, unreachable).
  int exit_code = 0;
  boost::json::object job; ///< the job's last REST form seen (empty when none arrived)
};

/// Follows job `job_id` until it reaches a final state. On a final state other than
/// completed, prints "refpoint: job ID ended STATE: ERROR" on stderr.
watch_outcome watch_job(context& ctx, const std::string& job_id);

} // namespace refpoint::cli
