#pragma once
/// Ctrl-C while a command follows the event stream, and the terminal questions around it.
///
/// `catch_interrupts` replaces SIGINT's default action (end the process) with a handler that
/// only counts; the follow loop polls `take_interrupt` between bounded waits. Commands that do
/// not follow a stream leave SIGINT alone.

#include <optional>
#include <string_view>

namespace refpoint::cli {

/// Installs the counting SIGINT handler (without SA_RESTART, so a blocking read of the
/// terminal returns when Ctrl-C is pressed). Call from the main thread.
void catch_interrupts();

/// True once for every Ctrl-C since the last call.
bool take_interrupt();

bool stdin_is_terminal();
bool stdout_is_terminal();

/// Writes `question` to stderr and reads one line from stdin. Answers true for "y"/"yes"
/// (any case), false for anything else or end of input, nullopt when Ctrl-C is pressed while
/// waiting for the answer.
std::optional<bool> ask_yes_no(std::string_view question);

} // namespace refpoint::cli
