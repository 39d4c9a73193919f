#include "app/cli/cli.hpp"

#include "app/cli/commands.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/server_url.hpp"
#include "app/cli/tls.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <sstream>

namespace refpoint::cli {

namespace {

constexpr std::array global_options{std::string_view{"server"},  std::string_view{"token"},
                                    std::string_view{"ca-cert"}, std::string_view{"timeout"},
                                    std::string_view{"json"},    std::string_view{"help"},
                                    std::string_view{"version"}};

constexpr std::array group_order{std::string_view{"systems"}, std::string_view{"collections"},
                                 std::string_view{"create"},  std::string_view{"rp"},
                                 std::string_view{"jobs"},    std::string_view{"watch"},
                                 std::string_view{"cluster"}};

constexpr int default_timeout_s = 30;

const std::vector<command_spec>& command_table() {
  static const std::vector<command_spec> commands{
    {"systems", "list", "systems list", "list the virtual systems", {}, 0, {}, systems_list},
    {"systems",
     "show",
     "systems show ID",
     "show one system and its disks",
     {"ID"},
     1,
     {},
     systems_show},
    {"systems",
     "create",
     "systems create --name NAME [--disk SPEC]... [--id GUID] [--replication] [--disabled] "
     "[--node NODE]",
     "register a system (on NODE of a cluster); SPEC is ID:SIZE[:fail=F][:notrack] or "
     "ID:file=PATH",
     {},
     0,
     {"name", "disk", "id", "replication", "disabled", "node"},
     systems_create},
    {"collections",
     "list",
     "collections list",
     "list the collections",
     {},
     0,
     {},
     collections_list},
    {"collections",
     "show",
     "collections show ID",
     "show one collection and its members",
     {"ID"},
     1,
     {},
     collections_show},
    {"collections",
     "create",
     "collections create NAME [--member SYSTEM]... [--id GUID] [--node NODE]",
     "create a collection (on NODE of a cluster)",
     {"NAME"},
     1,
     {"member", "id", "node"},
     collections_create},
    {"collections",
     "delete",
     "collections delete ID",
     "delete a collection (its reference points stay)",
     {"ID"},
     1,
     {},
     collections_delete},
    {"collections",
     "add-member",
     "collections add-member ID SYSTEM",
     "add a system to a collection",
     {"ID", "SYSTEM"},
     2,
     {},
     collections_add_member},
    {"collections",
     "remove-member",
     "collections remove-member ID SYSTEM",
     "remove a system from a collection",
     {"ID", "SYSTEM"},
     2,
     {},
     collections_remove_member},
    {"create",
     "",
     "create TARGET --type rct|log [--name NAME] [--consistency application|crash] [--watch]",
     "take a reference point of a system or collection",
     {"TARGET"},
     1,
     {"type", "name", "consistency", "watch"},
     create_reference_point},
    {"rp",
     "list",
     "rp list TARGET",
     "list the reference points of a system or collection",
     {"TARGET"},
     1,
     {},
     rp_list},
    {"rp",
     "show",
     "rp show ID",
     "show a reference point (or collection reference point)",
     {"ID"},
     1,
     {},
     rp_show},
    {"rp",
     "delete",
     "rp delete ID [--watch]",
     "destroy a reference point",
     {"ID"},
     1,
     {"watch"},
     rp_delete},
    {"rp",
     "changes",
     "rp changes ID [--disk DISK] [--offset N] [--length N]",
     "byte ranges of a file-backed disk changed since the reference point",
     {"ID"},
     1,
     {"disk", "offset", "length"},
     rp_changes},
    {"jobs",
     "list",
     "jobs list [--state STATE] [--target ID] [--limit N]",
     "list jobs, oldest first",
     {},
     0,
     {"state", "target", "limit"},
     jobs_list},
    {"jobs", "show", "jobs show ID", "show one job", {"ID"}, 1, {}, jobs_show},
    {"jobs",
     "cancel",
     "jobs cancel ID [--kill]",
     "stop a running job (terminate, or kill)",
     {"ID"},
     1,
     {"kill"},
     jobs_cancel},
    {"watch",
     "",
     "watch [--since CURSOR] [--types A,B] [--job ID] [--target ID] [--no-follow]",
     "print events as they happen (--since resumes; --no-follow stops after the replay)",
     {},
     0,
     {"since", "types", "job", "target", "no-follow"},
     watch_events},
    {"cluster",
     "",
     "cluster",
     "the nodes of the cluster: addresses, liveness and systems owned",
     {},
     0,
     {},
     cluster_list},
  };
  return commands;
}

bool is_group(std::string_view word) {
  return std::find(group_order.begin(), group_order.end(), word) != group_order.end();
}

std::string group_help(std::string_view group) {
  std::ostringstream out;
  for (const auto& spec : command_table())
    if (spec.group == group)
      out << "  refpoint " << spec.usage << "\n      " << spec.summary << "\n";
  return out.str();
}

std::string verbs_of(std::string_view group) {
  std::string verbs;
  for (const auto& spec : command_table())
    if (spec.group == group)
      verbs += (verbs.empty() ? "" : ", ") + std::string{spec.verb};
  return verbs;
}

int general_usage_error(std::ostream& err, std::string_view message) {
  err << "refpoint: " << message << "\n"
      << "usage: refpoint [--server URL] [--token T] [--json] COMMAND ...\n"
      << "Commands: systems, collections, create, rp, jobs, watch, cluster. See 'refpoint "
         "--help'.\n";
  return exit_usage;
}

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || *value == '\0')
    return std::nullopt;
  return std::string{value};
}

} // namespace

std::span<const command_spec> all_commands() {
  return command_table();
}

int context::usage_error(std::string_view message) const {
  err << "refpoint: " << message << "\n"
      << "usage: refpoint " << spec.usage << "\n";
  return exit_usage;
}

void context::print_body(const api_answer& answer) const {
  out << answer.body;
  if (answer.body.empty() || answer.body.back() != '\n')
    out << "\n";
}

namespace {

/// The server's refusal (its exit code); else the body with --json, or `print()` without.
template <class Print>
int show_answer(const context& ctx, const api_answer& answer, Print print) {
  if (!answer)
    return ctx.server.report(answer);
  if (ctx.json)
    ctx.print_body(answer);
  else
    print();
  return exit_ok;
}

} // namespace

int context::show(const api_answer& answer,
                  void (*print)(std::ostream&, const boost::json::object&)) const {
  return show_answer(*this, answer, [&] { print(out, answer.json.as_object()); });
}

int context::show_list(const api_answer& answer,
                       void (*print)(std::ostream&, const boost::json::array&)) const {
  return show_answer(*this, answer,
                     [&] { print(out, array_at(answer.json.as_object(), "items")); });
}

std::string help_text() {
  std::ostringstream out;
  out << "refpoint: command-line client of a refpoint server\n\n"
         "usage: refpoint [--server URL] [--token T] [--json] [--timeout S] COMMAND ...\n";
  const std::array<std::pair<std::string_view, std::string_view>, 7> sections{{
    {"systems", "Systems"},
    {"collections", "Collections"},
    {"create", "Reference points"},
    {"rp", ""},
    {"jobs", "Jobs"},
    {"watch", "Events"},
    {"cluster", "Cluster"},
  }};
  for (const auto& [group, title] : sections) {
    if (!title.empty())
      out << "\n" << title << "\n";
    out << group_help(group);
  }
  out << "\nTARGET is a system or a collection, SYSTEM a system. Systems and collections may be\n"
         "named by id or by an element name that names exactly one of them.\n"
         "\nOptions (anywhere on the line)\n"
         "  --server URL   the server (default $REFPOINT_SERVER, else "
      << default_server
      << ")\n"
         "  --token T      bearer token for the server (default $REFPOINT_TOKEN)\n"
         "  --ca-cert FILE trust the CA certificates in FILE (PEM) for an https:// server\n"
         "                 (default $REFPOINT_CA_CERT, else the system's)\n"
         "  --json         print the server's JSON (compact, as received) instead of tables\n"
         "  --timeout S    seconds to wait for each answer (default "
      << default_timeout_s
      << ")\n"
         "  -h, --help     this help ('refpoint GROUP --help': one group's commands)\n"
         "  --version      the version\n"
         "\nWhile --watch or watch runs, Ctrl-C asks whether to cancel the job when stdin is a\n"
         "terminal; otherwise it stops watching (the job keeps running) and exits 130.\n"
         "\nExit codes\n"
         "  0    done (a watched job completed)\n"
         "  1    the server's answer was not what the API promises\n"
         "  2    usage error: unknown command or option, missing or malformed argument\n"
         "  3    the server refused the request (HTTP 4xx/5xx; its detail is printed)\n"
         "  4    the server could not be reached, or did not answer in time\n"
         "  5    a watched job ended without completing (exception, terminated, killed)\n"
         "  130  interrupted by Ctrl-C\n"
         "\nMore: docs/CLI.md\n";
  return out.str();
}

int run_cli(std::span<const char* const> args, std::ostream& out, std::ostream& err) {
  auto split = split_command_line(args);
  if (auto* message = std::get_if<std::string>(&split))
    return general_usage_error(err, *message);
  const auto& line = std::get<command_line>(split);
  const auto& words = line.words;

  if (line.has("version")) {
    out << "refpoint " REFPOINT_VERSION "\n";
    return exit_ok;
  }
  if (line.has("help") || (!words.empty() && words[0] == "help")) {
    std::string topic;
    if (!words.empty())
      topic = words[0] != "help" ? words[0] : words.size() > 1 ? words[1] : std::string{};
    if (is_group(topic))
      out << "usage:\n" << group_help(topic);
    else
      out << help_text();
    return exit_ok;
  }
  if (words.empty())
    return general_usage_error(err, "no command given");
  if (!is_group(words[0]))
    return general_usage_error(err, "unknown command '" + words[0] + "'");

  const command_spec* spec = nullptr;
  std::size_t command_words = 1;
  for (const auto& candidate : command_table()) {
    if (candidate.group != words[0])
      continue;
    if (candidate.verb.empty()) {
      spec = &candidate;
      break;
    }
    if (words.size() > 1 && candidate.verb == words[1]) {
      spec = &candidate;
      command_words = 2;
      break;
    }
  }
  if (!spec) {
    err << "refpoint: "
        << (words.size() > 1 ? "unknown " + words[0] + " command '" + words[1] + "'"
                             : words[0] + " needs a command")
        << " (one of: " << verbs_of(words[0]) << ")\nusage:\n"
        << group_help(words[0]);
    return exit_usage;
  }

  std::vector<std::string> operands(words.begin() + static_cast<std::ptrdiff_t>(command_words),
                                    words.end());
  const auto usage = [&](std::string_view message) {
    err << "refpoint: " << message << "\nusage: refpoint " << spec->usage << "\n";
    return exit_usage;
  };
  if (operands.size() < spec->operands.size())
    return usage("missing " + std::string{spec->operands[operands.size()]});
  if (operands.size() > spec->max_operands)
    return usage("unexpected argument '" + operands[spec->max_operands] + "'");
  for (const auto& [name, value] : line.options) {
    const bool global =
      std::find(global_options.begin(), global_options.end(), name) != global_options.end();
    const bool own =
      std::find(spec->options.begin(), spec->options.end(), name) != spec->options.end();
    if (!global && !own)
      return usage("option '--" + name + "' does not apply to '" + std::string{spec->group} +
                   (spec->verb.empty() ? "" : " ") + std::string{spec->verb} + "'");
  }

  auto server_text = line.value("server");
  if (!server_text)
    server_text = environment("REFPOINT_SERVER");
  auto parsed_server = parse_server_url(server_text.value_or(std::string{default_server}));
  if (auto* message = std::get_if<std::string>(&parsed_server))
    return usage(*message);
  auto token = line.value("token");
  if (!token)
    token = environment("REFPOINT_TOKEN");
  int timeout_s = default_timeout_s;
  if (auto text = line.value("timeout")) {
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), timeout_s);
    if (ec != std::errc{} || end != text->data() + text->size() || timeout_s < 1 ||
        timeout_s > 3600)
      return usage("--timeout must be a whole number of seconds from 1 to 3600, found '" + *text +
                   "'");
  }

  auto& server_address = std::get<server_url>(parsed_server);
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (server_address.tls) {
    auto ca_cert = line.value("ca-cert");
    if (!ca_cert)
      ca_cert = environment("REFPOINT_CA_CERT");
    auto made = make_tls_context(ca_cert.value_or(std::string{}));
    if (auto* message = std::get_if<std::string>(&made))
      return usage(*message);
    tls = std::get<std::shared_ptr<boost::asio::ssl::context>>(std::move(made));
  }

  http_client http{std::move(server_address), token.value_or(std::string{}),
                   std::chrono::seconds{timeout_s}, std::move(tls)};
  api server{http, err};
  context ctx{*spec, line, std::move(operands), http, server, out, err, line.has("json")};
  const int code = spec->run(ctx);
  out.flush();
  return code;
}

} // namespace refpoint::cli
