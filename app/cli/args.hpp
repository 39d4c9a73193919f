#pragma once
/// Splitting the refpoint command line into words and options, before any command is chosen.
///
/// Every option the CLI knows is listed once, with whether it takes a value, so options may
/// stand anywhere on the line (`refpoint --json systems list` = `refpoint systems list --json`).
/// Which options a command accepts is checked later, against that command's list.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace refpoint::cli {

/// The words (command, verb, operands) and options of one command line, in order.
class command_line {
public:
  std::vector<std::string> words;
  /// Option names without their dashes ("server"), with their values ("" for a flag).
  std::vector<std::pair<std::string, std::string>> options;

  bool has(std::string_view name) const;
  /// The last value given for `name`, or nullopt when the option is absent.
  std::optional<std::string> value(std::string_view name) const;
  /// Every value given for a repeatable option, in order.
  std::vector<std::string> values(std::string_view name) const;
};

/// Whether `name` is an option the CLI knows, and whether it takes a value.
struct option_info {
  std::string_view name;
  bool takes_value;
};
std::optional<option_info> find_option(std::string_view name);

/// Splits `args` (argv without the program name). Accepted forms: `--name`, `--name=value`,
/// `--name value` (for options that take one), `-h` for `--help`; `--` makes every later
/// argument a word. Answers the line, or a message for an unknown option or a missing value.
std::variant<command_line, std::string> split_command_line(std::span<const char* const> args);

} // namespace refpoint::cli
