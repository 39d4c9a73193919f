#include "app/config.hpp"

#include "protocol/block_map.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <sstream>
#include <type_traits>

namespace refpoint::app {

namespace {

// ---------------------------------------------------------------------------------------
// Value checks shared by the TOML keys and the command-line flags.

constexpr std::string_view endpoint_shape = "\"HOST:PORT\"";
constexpr std::string_view peer_shape = "\"HOST:PORT\" (port 1-65535)";
constexpr std::string_view log_levels[] = {"error", "warning", "info", "debug"};
constexpr std::string_view log_level_shape = "\"error\", \"warning\", \"info\" or \"debug\"";
constexpr std::string_view node_shape = "a node name of 1-64 letters, digits, '.', '_' or '-'";
constexpr std::string_view node_or_empty_shape =
  "\"\" or a node name of 1-64 letters, digits, '.', '_' or '-'";
constexpr std::size_t max_node_name = 64;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_host_name(std::string_view s) {
  return !s.empty() && std::ranges::all_of(
                         s, [](char c) { return is_alnum(c) || c == '.' || c == '-' || c == '_'; });
}

/// The inside of "[...]": an IPv6 address, possibly with a zone ("fe80::1%eth0").
bool is_bracketed_host(std::string_view s) {
  return s.find(':') != std::string_view::npos && std::ranges::all_of(s, [](char c) {
           return is_alnum(c) || c == ':' || c == '.' || c == '%' || c == '-' || c == '_';
         });
}

bool is_node_name(std::string_view s) {
  return s.size() <= max_node_name && is_host_name(s);
}

/// In the file "" means "no name given", as the default.
bool is_node_name_or_empty(std::string_view s) {
  return s.empty() || is_node_name(s);
}

/// A bearer token: printable ASCII without spaces.
bool is_token(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) { return c > ' ' && c < '\x7f'; });
}

bool is_path(std::string_view s) {
  return s.find('\0') == std::string_view::npos;
}

bool is_log_level(std::string_view s) {
  return std::ranges::find(log_levels, s) != std::end(log_levels);
}

// ---------------------------------------------------------------------------------------
// TOML keys. Each setter checks one node and stores it, or returns what it expected.

using setter = std::optional<std::string> (*)(const toml::node&, config&);

std::optional<std::string> expected(std::string_view what) {
  return "expected " + std::string(what);
}

template <auto member, std::int64_t min, std::int64_t max>
std::optional<std::string> set_integer(const toml::node& n, config& cfg) {
  using target = std::remove_reference_t<decltype(cfg.*member)>;
  static_assert(max >= min &&
                static_cast<std::uint64_t>(max) <= std::numeric_limits<target>::max());
  const auto* v = n.as_integer();
  if (v == nullptr || v->get() < min || v->get() > max)
    return expected("an integer from " + std::to_string(min) + " to " + std::to_string(max));
  cfg.*member = static_cast<target>(v->get());
  return std::nullopt;
}

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t uint32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t max_threads = 256;

/// `[backend.file] block_size`: a power of two that `protocol::valid_block_size` accepts.
std::optional<std::string> set_block_size(const toml::node& n, config& cfg) {
  const auto* v = n.as_integer();
  if (v == nullptr || v->get() < 0 ||
      !protocol::valid_block_size(static_cast<std::uint64_t>(v->get())))
    return expected("a power of two from " + std::to_string(protocol::min_block_size) + " to " +
                    std::to_string(protocol::max_block_size));
  cfg.file_block_size = static_cast<std::uint32_t>(v->get());
  return std::nullopt;
}

/// A string member; `valid` decides, `what` describes a valid value.
template <auto member, bool (*valid)(std::string_view), const std::string_view* what>
std::optional<std::string> set_string(const toml::node& n, config& cfg) {
  const auto* v = n.as_string();
  if (v == nullptr || !valid(v->get()))
    return expected(*what);
  cfg.*member = v->get();
  return std::nullopt;
}

bool is_any_path(std::string_view s) {
  return is_path(s);
}
bool is_nonempty_path(std::string_view s) {
  return !s.empty() && is_path(s);
}
bool is_synchronous(std::string_view s) {
  return s == "normal" || s == "full";
}

constexpr std::string_view path_shape = "a path";
constexpr std::string_view nonempty_path_shape = "a non-empty path";
constexpr std::string_view synchronous_shape = "\"normal\" or \"full\"";

std::optional<std::string> set_listen(const toml::node& n, config& cfg) {
  const auto* v = n.as_string();
  auto ep = v != nullptr ? parse_endpoint(v->get(), true) : std::nullopt;
  if (!ep)
    return expected(endpoint_shape);
  cfg.listen = *ep;
  return std::nullopt;
}

/// "" leaves the node unpublished (standalone).
std::optional<std::string> set_cluster_listen(const toml::node& n, config& cfg) {
  const auto* v = n.as_string();
  if (v != nullptr && v->get().empty()) {
    cfg.cluster_listen.reset();
    return std::nullopt;
  }
  auto ep = v != nullptr ? parse_endpoint(v->get(), true) : std::nullopt;
  if (!ep)
    return expected(std::string(endpoint_shape) + " or \"\"");
  cfg.cluster_listen = *ep;
  return std::nullopt;
}

std::optional<std::string> set_peers(const toml::node& n, config& cfg) {
  const auto fail = expected("an array of " + std::string(peer_shape) + " strings");
  const auto* arr = n.as_array();
  if (arr == nullptr)
    return fail;
  std::vector<endpoint> peers;
  for (const auto& item : *arr) {
    const auto* v = item.as_string();
    auto ep = v != nullptr ? parse_endpoint(v->get(), false) : std::nullopt;
    if (!ep)
      return fail;
    peers.push_back(std::move(*ep));
  }
  cfg.peers = std::move(peers);
  return std::nullopt;
}

std::optional<std::string> set_auth_tokens(const toml::node& n, config& cfg) {
  const auto fail = expected("an array of non-empty tokens without spaces");
  const auto* arr = n.as_array();
  if (arr == nullptr)
    return fail;
  std::vector<std::string> tokens;
  for (const auto& item : *arr) {
    const auto* v = item.as_string();
    if (v == nullptr || !is_token(v->get()))
      return fail;
    tokens.push_back(v->get());
  }
  cfg.auth_tokens = std::move(tokens);
  return std::nullopt;
}

/// An origin as browsers send it ("https://dash.example:8443") or "*": printable ASCII
/// without spaces.
std::optional<std::string> set_cors_origins(const toml::node& n, config& cfg) {
  const auto fail = expected("an array of origins (\"SCHEME://HOST[:PORT]\" or \"*\")");
  const auto* arr = n.as_array();
  if (arr == nullptr)
    return fail;
  std::vector<std::string> origins;
  for (const auto& item : *arr) {
    const auto* v = item.as_string();
    if (v == nullptr || !is_token(v->get()) ||
        (v->get() != "*" && v->get().find("://") == std::string::npos))
      return fail;
    origins.push_back(v->get());
  }
  cfg.cors_origins = std::move(origins);
  return std::nullopt;
}

/// One known key; `table` is "" for top-level keys, dotted for nested tables.
struct key_spec {
  std::string_view table;
  std::string_view key;
  setter set;
};

constexpr key_spec key_specs[] = {
  {"", "inventory", set_string<&config::inventory, is_any_path, &path_shape>},
  {"", "log_level", set_string<&config::log_level, is_log_level, &log_level_shape>},
  {"server", "listen", set_listen},
  {"server", "max_body_bytes", set_integer<&config::max_body_bytes, 1, int64_max>},
  {"server", "auth_tokens", set_auth_tokens},
  {"server", "cors_origins", set_cors_origins},
  {"server", "tls_cert", set_string<&config::tls_cert, is_any_path, &path_shape>},
  {"server", "tls_key", set_string<&config::tls_key, is_any_path, &path_shape>},
  {"server", "io_threads", set_integer<&config::io_threads, 1, max_threads>},
  {"storage", "db", set_string<&config::db, is_nonempty_path, &nonempty_path_shape>},
  {"storage", "root", set_string<&config::root, is_any_path, &path_shape>},
  {"storage", "synchronous", set_string<&config::synchronous, is_synchronous, &synchronous_shape>},
  {"storage", "max_size_mb", set_integer<&config::max_size_mb, 0, uint32_max>},
  {"jobs", "time_before_removal_s", set_integer<&config::time_before_removal_s, 0, uint32_max>},
  {"jobs", "method_timeout_ms", set_integer<&config::method_timeout_ms, 1, uint32_max>},
  {"jobs", "max_queued_per_system", set_integer<&config::max_queued_per_system, 1, uint32_max>},
  {"jobs", "max_jobs_in_memory", set_integer<&config::max_jobs_in_memory, 1, uint32_max>},
  {"backend.sim", "bytes_per_second", set_integer<&config::sim_bytes_per_second, 1, int64_max>},
  {"backend.sim", "progress_interval_ms",
   set_integer<&config::sim_progress_interval_ms, 1, uint32_max>},
  {"backend.file", "block_size", set_block_size},
  {"backend.file", "fingerprint_threads",
   set_integer<&config::file_fingerprint_threads, 1, max_threads>},
  {"backend.file", "query_threads", set_integer<&config::file_query_threads, 1, max_threads>},
  {"backend.file", "max_query_bytes",
   set_integer<&config::file_max_query_bytes, protocol::min_block_size, int64_max>},
  {"events", "retention", set_integer<&config::event_retention, 1, int64_max>},
  {"events", "queue_limit", set_integer<&config::event_queue_limit, 1, uint32_max>},
  {"events", "max_subscribers", set_integer<&config::event_max_subscribers, 1, uint32_max>},
  {"events", "ping_interval_s", set_integer<&config::event_ping_interval_s, 1, 3600>},
  {"cluster", "node", set_string<&config::node, is_node_name_or_empty, &node_or_empty_shape>},
  {"cluster", "listen", set_cluster_listen},
  {"cluster", "peers", set_peers},
  {"cluster", "tls_cert", set_string<&config::cluster_tls_cert, is_any_path, &path_shape>},
  {"cluster", "tls_key", set_string<&config::cluster_tls_key, is_any_path, &path_shape>},
  {"cluster", "tls_ca", set_string<&config::cluster_tls_ca, is_any_path, &path_shape>},
  {"actors", "threads", set_integer<&config::actor_threads, 1, max_threads>},
};

/// True if `table` ("backend") is a known table or an ancestor of one ("backend.sim").
bool is_known_table(std::string_view table) {
  return std::ranges::any_of(key_specs, [&](const key_spec& s) {
    return s.table == table || (s.table.starts_with(table) && s.table.size() > table.size() &&
                                s.table[table.size()] == '.');
  });
}

const key_spec* find_key(std::string_view table, std::string_view key) {
  auto it = std::ranges::find_if(
    key_specs, [&](const key_spec& s) { return s.table == table && s.key == key; });
  return it == std::end(key_specs) ? nullptr : &*it;
}

/// A TOML basic string: "..." with quotes, backslashes and control characters escaped.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if ((c >= '\0' && c < ' ') || c == '\x7f') {
      constexpr char hex[] = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(c);
      out += "\\u00";
      out += hex[byte >> 4U];
      out += hex[byte & 0xFU];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// The offending value as TOML, strings always in double quotes.
std::string render(const toml::node& n) {
  if (n.is_table())
    return "a table";
  if (const auto* str = n.as_string())
    return quoted(str->get());
  if (const auto* arr = n.as_array()) {
    std::string out = "[";
    for (const auto& item : *arr)
      out += (out.size() > 1 ? ", " : "") + render(item);
    return out + "]";
  }
  std::ostringstream os;
  n.visit([&](const auto& v) { os << v; });
  return std::move(os).str();
}

/// render(n), cut short for "got ..." in a one-line message.
std::string describe(const toml::node& n) {
  auto text = render(n);
  constexpr std::size_t max_shown = 60;
  if (text.size() > max_shown)
    text = text.substr(0, max_shown) + "...";
  return text;
}

/// "[server] listen" or "log_level" for a key; "[backend]" for a table.
std::string key_name(std::string_view table, std::string_view key) {
  return table.empty() ? std::string(key) : "[" + std::string(table) + "] " + std::string(key);
}

std::optional<std::string> apply_table(const toml::table& tbl, std::string_view table,
                                       config& cfg) {
  for (const auto& [k, node] : tbl) {
    const std::string_view key = k.str();
    // Known names never contain '.', so a quoted dotted key cannot pose as a nested table.
    const bool plain = key.find('.') == std::string_view::npos;
    if (const auto* spec = plain ? find_key(table, key) : nullptr) {
      if (auto what = spec->set(node, cfg))
        return key_name(table, key) + ": " + *what + ", got " + describe(node);
      continue;
    }
    const auto full =
      table.empty() ? std::string(key) : std::string(table) + "." + std::string(key);
    if (plain && is_known_table(full)) {
      const auto* sub = node.as_table();
      if (sub == nullptr)
        return "[" + full + "]: expected a table, got " + describe(node);
      if (auto err = apply_table(*sub, full, cfg))
        return err;
      continue;
    }
    if (node.is_table())
      return "[" + full + "]: unknown table";
    return key_name(table, key) + ": unknown key";
  }
  return std::nullopt;
}

std::string with_source(std::string_view source_name, const std::string& message) {
  return source_name.empty() ? message : std::string(source_name) + ": " + message;
}

/// `[cluster] tls_cert`, `tls_key` and `tls_ca` go together: a node that encrypts its links
/// also proves who it is and checks who its peers are.
std::optional<std::string> check_cluster_tls(const config& cfg) {
  const bool cert = !cfg.cluster_tls_cert.empty(), key = !cfg.cluster_tls_key.empty(),
             ca = !cfg.cluster_tls_ca.empty();
  if (cert == key && key == ca)
    return std::nullopt;
  std::string missing;
  for (const auto& [set, name] : {std::pair{cert, "tls_cert"}, {key, "tls_key"}, {ca, "tls_ca"}})
    if (!set)
      missing += std::string{missing.empty() ? "" : " and "} + "[cluster] " + name;
  return "cluster links over TLS need [cluster] tls_cert, tls_key and tls_ca: " + missing +
         " missing";
}

// ---------------------------------------------------------------------------------------
// Command line.

struct option_spec {
  std::string_view name;
  bool takes_value;
  bool repeatable;
  std::string_view value_name;
  std::string_view help;
};

constexpr option_spec option_specs[] = {
  {"--config", true, false, "FILE", "read settings from a TOML file (applied before flags)"},
  {"--listen", true, false, "HOST:PORT", "HTTP listen address; port 0 picks a free port"},
  {"--tls-cert", true, false, "FILE", "serve HTTPS with this PEM certificate chain"},
  {"--tls-key", true, false, "FILE", "the PEM private key of --tls-cert"},
  {"--db", true, false, "PATH", "SQLite database file"},
  {"--node", true, false, "NAME", "this node's name in a cluster"},
  {"--cluster-listen", true, false, "HOST:PORT", "publish this node for cluster peers"},
  {"--peer", true, true, "HOST:PORT", "cluster node to join (repeatable; replaces the file's)"},
  {"--inventory", true, false, "FILE", "seed machines and collections from FILE"},
  {"--log-level", true, false, "LEVEL", "error, warning, info or debug"},
  {"--help", false, false, "", "print this help and exit"},
  {"--version", false, false, "", "print the version and exit"},
};

const option_spec* find_option(std::string_view name) {
  auto it = std::ranges::find(option_specs, name, &option_spec::name);
  return it == std::end(option_specs) ? nullptr : &*it;
}

struct flag {
  const option_spec* spec;
  std::string value;
};

std::string flag_error(std::string_view name, std::string_view what, std::string_view got) {
  return std::string(name) + ": expected " + std::string(what) + ", got '" + std::string(got) + "'";
}

/// Applies one override flag (not --config/--help/--version) to cfg.
std::optional<std::string> apply_flag(const flag& f, config& cfg) {
  const auto name = f.spec->name;
  const std::string& v = f.value;
  if (name == "--listen" || name == "--cluster-listen") {
    auto ep = parse_endpoint(v, true);
    if (!ep)
      return flag_error(name, "HOST:PORT", v);
    if (name == "--listen")
      cfg.listen = std::move(*ep);
    else
      cfg.cluster_listen = std::move(*ep);
  } else if (name == "--peer") {
    auto ep = parse_endpoint(v, false);
    if (!ep)
      return flag_error(name, "HOST:PORT (port 1-65535)", v);
    cfg.peers.push_back(std::move(*ep));
  } else if (name == "--db" || name == "--inventory" || name == "--tls-cert" ||
             name == "--tls-key") {
    if (!is_nonempty_path(v))
      return flag_error(name, "a non-empty path", v);
    if (name == "--db")
      cfg.db = v;
    else if (name == "--inventory")
      cfg.inventory = v;
    else if (name == "--tls-cert")
      cfg.tls_cert = v;
    else
      cfg.tls_key = v;
  } else if (name == "--node") {
    if (!is_node_name(v))
      return flag_error(name, node_shape, v);
    cfg.node = v;
  } else if (name == "--log-level") {
    if (!is_log_level(v))
      return flag_error(name, "error|warning|info|debug", v);
    cfg.log_level = v;
  }
  return std::nullopt;
}

/// A whole file's text, or why it could not be read ("No such file or directory").
struct file_text {
  std::optional<std::string> text;
  std::string error;
};

file_text read_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file)
    return {std::nullopt, std::strerror(errno)};
  std::string text;
  char buf[8192];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, file.get())) > 0)
    text.append(buf, n);
  if (std::ferror(file.get()) != 0)
    return {std::nullopt, std::strerror(errno)};
  return {std::move(text), {}};
}

cli_result failure(std::string error) {
  cli_result r;
  r.error = std::move(error);
  return r;
}

} // namespace

std::optional<endpoint> parse_endpoint(std::string_view text, bool allow_port_zero) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (!is_bracketed_host(host))
      return std::nullopt;
  } else if (!is_host_name(host)) {
    return std::nullopt;
  }
  constexpr std::size_t max_port_digits = 5;
  if (port_text.empty() || port_text.size() > max_port_digits ||
      !std::ranges::all_of(port_text, [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  unsigned port = 0;
  std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port > std::numeric_limits<std::uint16_t>::max() || (port == 0 && !allow_port_zero))
    return std::nullopt;
  return endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

std::string to_string(const endpoint& ep) {
  const bool v6 = ep.host.find(':') != std::string::npos;
  return (v6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port);
}

std::optional<std::string> apply_toml(config& cfg, std::string_view toml_text,
                                      std::string_view source_name) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    const auto where = std::to_string(begin.line) + ":" + std::to_string(begin.column);
    return (source_name.empty() ? "line " + where : std::string(source_name) + ":" + where) + ": " +
           std::string(e.description());
  }
  config updated = cfg;
  if (auto err = apply_table(doc, "", updated))
    return with_source(source_name, *err);
  cfg = std::move(updated);
  return std::nullopt;
}

cli_result parse_command_line(int argc, const char* const* argv) {
  std::vector<flag> flags;
  std::string error;
  bool help = false;
  bool version = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with("--") || arg == "--") {
      if (error.empty())
        error = arg.starts_with("-") ? "unknown option " + std::string(arg)
                                     : "unexpected argument '" + std::string(arg) + "'";
      continue;
    }
    const auto eq = arg.find('=');
    const auto name = arg.substr(0, eq);
    const auto* spec = find_option(name);
    if (spec == nullptr) {
      if (error.empty())
        error = "unknown option " + std::string(name);
      continue;
    }
    if (!spec->takes_value) {
      if (eq != std::string_view::npos) {
        if (error.empty())
          error = std::string(name) + ": takes no value";
      } else {
        help = help || name == "--help";
        version = version || name == "--version";
      }
      continue;
    }
    if (eq != std::string_view::npos) {
      flags.push_back({spec, std::string(arg.substr(eq + 1))});
    } else if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--")) {
      flags.push_back({spec, argv[++i]});
    } else if (error.empty()) {
      error = std::string(name) + ": missing value";
    }
  }
  if (help || version) {
    cli_result r;
    r.help = help;
    r.version = !help;
    return r;
  }
  if (!error.empty())
    return failure(error);

  for (const auto& spec : option_specs) {
    if (!spec.repeatable && std::ranges::count(flags, &spec, &flag::spec) > 1)
      return failure(std::string(spec.name) + ": given more than once");
  }

  config cfg;
  const auto config_flag = std::ranges::find(flags, find_option("--config"), &flag::spec);
  if (config_flag != flags.end()) {
    const auto file = read_file(config_flag->value);
    if (!file.text)
      return failure("cannot read config '" + config_flag->value + "': " + file.error);
    if (auto err = apply_toml(cfg, *file.text, config_flag->value))
      return failure(*err);
  }
  if (std::ranges::count(flags, find_option("--peer"), &flag::spec) > 0)
    cfg.peers.clear();
  for (const auto& f : flags) {
    if (auto err = apply_flag(f, cfg))
      return failure(*err);
  }
  if (cfg.tls_cert.empty() != cfg.tls_key.empty())
    return failure(cfg.tls_key.empty()
                     ? "[server] tls_cert is set without [server] tls_key (--tls-key FILE)"
                     : "[server] tls_key is set without [server] tls_cert (--tls-cert FILE)");
  if (auto err = check_cluster_tls(cfg))
    return failure(*err);
  cli_result r;
  r.cfg = std::move(cfg);
  return r;
}

std::string usage_text() {
  std::string text = "usage: refpointd [--config FILE] [OPTION]...\n"
                     "Serves Hyper-V style reference points over HTTP (CIM and REST).\n\n";
  for (const auto& o : option_specs) {
    std::string left = "  " + std::string(o.name);
    if (o.takes_value)
      left += " " + std::string(o.value_name);
    constexpr std::size_t column = 28;
    left.resize(std::max(column, left.size() + 1), ' ');
    text += left + std::string(o.help) + "\n";
  }
  text += "\nEvery option also accepts --option=VALUE. Flags override the config file.\n"
          "Relative paths resolve against the working directory.\n";
  return text;
}

} // namespace refpoint::app
