#pragma once
/// refpointd's configuration: TOML file (DESIGN.md §6, §8) plus command-line overrides.
///
/// Relative paths (`db`, `root`, `inventory`) are kept as written and resolve against the
/// process's working directory, not against the config file's directory.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refpoint::app {

/// A TCP endpoint as written by the user. `host` is a name, an IPv4 address or an IPv6
/// address without its brackets ("[::1]:8080" gives host "::1").
struct endpoint {
  std::string host;
  std::uint16_t port;

  friend bool operator==(const endpoint&, const endpoint&) = default;
};

/// Parses "HOST:PORT" or "[IPV6]:PORT". Port 0 ("any free port") is accepted only when
/// `allow_port_zero` (listen addresses); peers need a real port.
std::optional<endpoint> parse_endpoint(std::string_view text, bool allow_port_zero);

/// "HOST:PORT", with the host in brackets when it is an IPv6 address.
std::string to_string(const endpoint& ep);

/// Every setting of refpointd. The initialisers are the documented defaults.
struct config {
  // [server]
  endpoint listen{"127.0.0.1", 8080};
  std::size_t max_body_bytes = 1048576;
  std::vector<std::string> auth_tokens;  ///< empty: no authentication
  std::vector<std::string> cors_origins; ///< origins (or "*") allowed CORS; empty: none
  std::string tls_cert; ///< PEM certificate chain: serve HTTPS and WSS; empty: plain HTTP
  std::string tls_key;  ///< PEM private key of `tls_cert` (both or neither)
  // [storage]
  std::string db = "refpoint.db";
  std::string root;                   ///< file-backed disks must live under it; empty: none
  std::string synchronous = "normal"; ///< SQLite PRAGMA synchronous: "normal" | "full"
  std::uint32_t max_size_mb = 0;      ///< the database may not grow past it; 0: no limit
  // [jobs]
  std::uint32_t time_before_removal_s = 300;
  std::uint32_t method_timeout_ms = 5000;
  std::uint32_t max_queued_per_system = 100; ///< operations waiting on one machine
  std::uint32_t max_jobs_in_memory = 10000;  ///< queued and running jobs, all machines
  // [backend.sim]
  std::uint64_t sim_bytes_per_second = 4294967296;
  std::uint32_t sim_progress_interval_ms = 100;
  // [backend.file]
  std::uint32_t file_block_size = 65536;           ///< of new fingerprint maps
  std::uint32_t file_fingerprint_threads = 2;      ///< disks read at once
  std::uint32_t file_query_threads = 2;            ///< changed-range queries at once
  std::uint64_t file_max_query_bytes = 1073741824; ///< read per changed-range call at most
  // [events]
  std::uint64_t event_retention = 100000;
  std::uint32_t event_queue_limit = 10000;  ///< live events a subscriber may have waiting
  std::uint32_t event_ping_interval_s = 20; ///< silence before a subscriber is pinged
  std::uint32_t event_max_subscribers = 4096;
  // [cluster]
  std::string node; ///< empty: not named on the command line or in the file
  std::optional<endpoint> cluster_listen;
  std::vector<endpoint> peers;
  /// Cluster links over TLS with mutual authentication (all three or none): this node's PEM
  /// certificate and key, and the CA every peer's certificate must be signed by.
  std::string cluster_tls_cert;
  std::string cluster_tls_key;
  std::string cluster_tls_ca;
  // process (top-level keys `inventory`, `log_level`; [server] io_threads; [actors] threads)
  std::string inventory;          ///< seed file; empty: none
  std::string log_level = "info"; ///< "error" | "warning" | "info" | "debug"
  std::uint32_t io_threads = 1;
  std::uint32_t actor_threads = 2;

  friend bool operator==(const config&, const config&) = default;
};

/// Parses a TOML document (text) into cfg, starting from cfg's current values; keys absent
/// from the document keep them. Unknown tables/keys, wrong types and out-of-range values are
/// errors naming the key, prefixed by `source_name` when it is not empty:
/// `refpointd.toml: [server] listen: expected "HOST:PORT", got 8080`. Syntax errors read
/// `refpointd.toml:3:7: <what toml++ says>`. On error cfg is left unchanged.
std::optional<std::string> apply_toml(config& cfg, std::string_view toml_text,
                                      std::string_view source_name);

/// Outcome of parse_command_line: exactly one of `help`, `version`, `cfg` or `error`.
struct cli_result {
  std::optional<config> cfg;
  std::string error; ///< one line, no trailing newline
  bool help = false;
  bool version = false;
};

/// Parses argv. `--config FILE` is read and applied first, wherever it appears; then the
/// overrides `--listen`, `--tls-cert`, `--tls-key`, `--db`, `--node`, `--cluster-listen`,
/// `--peer` (repeatable: the flags' peers replace the file's), `--inventory`, `--log-level`
/// apply. The result must name both `[server] tls_cert` and `tls_key`, or neither. Both
/// `--flag value` and `--flag=value` work. Giving a non-repeatable flag twice is an error.
/// `--help` or `--version` anywhere wins over everything else (no file is read).
cli_result parse_command_line(int argc, const char* const* argv);

/// The --help text, listing every flag; ends with a newline.
std::string usage_text();

} // namespace refpoint::app
