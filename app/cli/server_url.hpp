#pragma once
/// Where the refpoint server is: `--server URL`, `REFPOINT_SERVER`, or http://127.0.0.1:8080.

#include <string>
#include <string_view>
#include <variant>

namespace refpoint::cli {

inline constexpr std::string_view default_server = "http://127.0.0.1:8080";

/// A parsed `http[s]://HOST[:PORT][/PREFIX]` address.
struct server_url {
  bool tls = false;      ///< https: HTTP and the event stream over TLS
  std::string host;      ///< name or address to connect to (IPv6 without brackets)
  std::string port;      ///< "80" (https: "443") when the URL names none
  std::string authority; ///< HOST[:PORT] as written, for the Host header
  std::string prefix;    ///< path the API lives under, without a trailing '/' ("" at the root)
};

/// Parses `text`; a text without a scheme is taken as http ("127.0.0.1:9090"). Only http and
/// https are supported. Answers the address, or a message saying what is wrong with it.
std::variant<server_url, std::string> parse_server_url(std::string_view text);

} // namespace refpoint::cli
