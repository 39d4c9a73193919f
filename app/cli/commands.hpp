#pragma once
/// The refpoint CLI's commands (docs/CLI.md). Each command is a function of a `context`; the
/// table `all_commands` says which words select it, its operands, options and help line.

#include "app/cli/api.hpp"
#include "app/cli/args.hpp"
#include "app/cli/http_client.hpp"

#include <boost/json/value.hpp>

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace refpoint::cli {

struct command_spec;

/// Everything a command needs. Built once per run by `run_cli`.
struct context {
  const command_spec& spec;
  const command_line& line;          ///< options (globals included)
  std::vector<std::string> operands; ///< the words after the command's own words
  http_client& http;
  api& server;
  std::ostream& out;
  std::ostream& err;
  bool json = false; ///< --json: print the server's JSON, not tables

  /// Prints "refpoint: <message>" and the command's usage on stderr; answers exit_usage.
  int usage_error(std::string_view message) const;
  /// Prints `answer.body` as the server sent it, followed by a newline.
  void print_body(const api_answer& answer) const;
  /// Answers a request for one resource: the server's refusal (its exit code), else the body
  /// with --json or `print(out, object)` without; exit_ok.
  int show(const api_answer& answer,
           void (*print)(std::ostream&, const boost::json::object&)) const;
  /// The same for a listing (`{"items": [...]}`), printed with `print(out, items)`.
  int show_list(const api_answer& answer,
                void (*print)(std::ostream&, const boost::json::array&)) const;
};

using command_fn = int (*)(context&);

struct command_spec {
  std::string_view group;                 ///< first word: "systems", "create", ...
  std::string_view verb;                  ///< second word, empty for create and watch
  std::string_view usage;                 ///< after "refpoint "
  std::string_view summary;               ///< one line for --help
  std::vector<std::string_view> operands; ///< names of the required operands, in order
  std::size_t max_operands;               ///< more operands than this are a usage error
  std::vector<std::string_view> options;  ///< command options accepted (globals always are)
  command_fn run;
};

/// Every command, in the order `--help` lists them.
std::span<const command_spec> all_commands();

// systems
int systems_list(context& ctx);
int systems_show(context& ctx);
int systems_create(context& ctx);
// collections
int collections_list(context& ctx);
int collections_show(context& ctx);
int collections_create(context& ctx);
int cluster_list(context& ctx);
int collections_delete(context& ctx);
int collections_add_member(context& ctx);
int collections_remove_member(context& ctx);
// jobs
int jobs_list(context& ctx);
int jobs_show(context& ctx);
int jobs_cancel(context& ctx);
// reference points
int create_reference_point(context& ctx);
int rp_list(context& ctx);
int rp_show(context& ctx);
int rp_delete(context& ctx);
int rp_changes(context& ctx);
// events
int watch_events(context& ctx);

} // namespace refpoint::cli
