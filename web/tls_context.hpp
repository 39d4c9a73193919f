#pragma once
/// The TLS settings of the HTTP server: a certificate chain and its private key, both PEM
/// files read once at start-up.

#include <memory>
#include <string>
#include <variant>

namespace boost::asio::ssl {
class context;
}

namespace refpoint::web {

/// A server context for `http_server` that speaks TLS 1.2 or newer, presenting the chain in
/// `cert_file` (the server's certificate first) with the unencrypted key in `key_file`.
/// Answers why not when a file cannot be read or parsed, or the key is not the
/// certificate's: a message naming the file and giving OpenSSL's reason.
std::variant<std::shared_ptr<boost::asio::ssl::context>, std::string>
make_server_tls_context(const std::string& cert_file, const std::string& key_file);

} // namespace refpoint::web
