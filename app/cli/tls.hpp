#pragma once
/// TLS for `https://` servers: the context that says which certificates to trust, and the
/// client side of each connection's handshake (the server's certificate must chain to a
/// trusted CA and name the host of the server URL).

#include "app/cli/server_url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <variant>

namespace refpoint::cli {

using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// A client context (TLS 1.2 or newer) trusting the CA certificates of the PEM file
/// `ca_file`, or the system's default ones when it is empty. Answers why not ("--ca-cert
/// 'FILE': <OpenSSL's reason>") when the file cannot be used.
std::variant<std::shared_ptr<boost::asio::ssl::context>, std::string>
make_tls_context(const std::string& ca_file);

/// The client side of the handshake on a connected `stream`, run on `io` within `timeout`.
/// The server's certificate must chain to a CA the stream's context trusts and name the host
/// of `server` (a DNS name, or an IP address). Answers "" on success, else what failed:
/// "TLS handshake with HOST:PORT failed: certificate verify failed: <OpenSSL's reason>".
std::string client_handshake(boost::asio::io_context& io, tls_stream& stream,
                             const server_url& server, std::chrono::milliseconds timeout);

} // namespace refpoint::cli
