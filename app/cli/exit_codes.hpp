#pragma once
/// The refpoint CLI's exit codes (docs/CLI.md). Scripts rely on them: never renumber.

namespace refpoint::cli {

inline constexpr int exit_ok = 0;
/// The server answered something the API does not promise (not JSON, a missing member).
inline constexpr int exit_failure = 1;
/// The command line is wrong: unknown command or option, missing argument, bad value syntax.
inline constexpr int exit_usage = 2;
/// The server refused the request (HTTP 4xx/5xx, or a refused WebSocket upgrade).
inline constexpr int exit_refused = 3;
/// No answer: the server could not be reached, the connection failed or timed out.
inline constexpr int exit_unreachable = 4;
/// A watched job ended without completing (exception, terminated, killed).
inline constexpr int exit_job_failed = 5;
/// Ctrl-C stopped the command (128 + SIGINT, as a shell reports it).
inline constexpr int exit_interrupted = 130;

} // namespace refpoint::cli
