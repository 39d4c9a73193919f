#include "app/cli/args.hpp"

#include <algorithm>
#include <array>

namespace refpoint::cli {

namespace {

constexpr std::array known_options{
  // global
  option_info{"server", true},
  option_info{"token", true},
  option_info{"ca-cert", true},
  option_info{"timeout", true},
  option_info{"json", false},
  option_info{"help", false},
  option_info{"version", false},
  // commands
  option_info{"consistency", true},
  option_info{"disabled", false},
  option_info{"disk", true},
  option_info{"id", true},
  option_info{"job", true},
  option_info{"kill", false},
  option_info{"length", true},
  option_info{"limit", true},
  option_info{"member", true},
  option_info{"name", true},
  option_info{"no-follow", false},
  option_info{"node", true},
  option_info{"offset", true},
  option_info{"replication", false},
  option_info{"since", true},
  option_info{"state", true},
  option_info{"target", true},
  option_info{"type", true},
  option_info{"types", true},
  option_info{"watch", false},
};

} // namespace

bool command_line::has(std::string_view name) const {
  return std::any_of(options.begin(), options.end(),
                     [&](const auto& option) { return option.first == name; });
}

std::optional<std::string> command_line::value(std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [key, value] : options)
    if (key == name)
      found = value;
  return found;
}

std::vector<std::string> command_line::values(std::string_view name) const {
  std::vector<std::string> found;
  for (const auto& [key, value] : options)
    if (key == name)
      found.push_back(value);
  return found;
}

std::optional<option_info> find_option(std::string_view name) {
  for (const auto& option : known_options)
    if (option.name == name)
      return option;
  return std::nullopt;
}

std::variant<command_line, std::string> split_command_line(std::span<const char* const> args) {
  command_line line;
  bool only_words = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (only_words || arg == "-" || !arg.starts_with("-")) {
      line.words.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      only_words = true;
      continue;
    }
    if (arg == "-h") {
      line.options.emplace_back("help", "");
      continue;
    }
    if (!arg.starts_with("--"))
      return "unknown option '" + std::string{arg} + "'";
    auto name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto equals = name.find('='); equals != std::string_view::npos) {
      inline_value = std::string{name.substr(equals + 1)};
      name = name.substr(0, equals);
    }
    const auto option = find_option(name);
    if (!option)
      return "unknown option '--" + std::string{name} + "'";
    if (!option->takes_value) {
      if (inline_value)
        return "option '--" + std::string{name} + "' takes no value";
      line.options.emplace_back(std::string{name}, "");
      continue;
    }
    if (!inline_value) {
      if (i + 1 == args.size())
        return "option '--" + std::string{name} + "' needs a value";
      inline_value = std::string{args[++i]};
    }
    line.options.emplace_back(std::string{name}, std::move(*inline_value));
  }
  return line;
}

} // namespace refpoint::cli
