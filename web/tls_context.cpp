#include "web/tls_context.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

namespace refpoint::web {

namespace ssl = boost::asio::ssl;

std::variant<std::shared_ptr<ssl::context>, std::string>
make_server_tls_context(const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ::SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
  // An encrypted key would make OpenSSL ask for its passphrase on the terminal: refuse it.
  ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return ""; });

  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec)
    return "cannot load the TLS certificate chain '" + cert_file + "': " + ec.message();
  // OpenSSL also checks here that the key is the certificate's ("key values mismatch").
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec)
    return "cannot load the TLS private key '" + key_file + "': " + ec.message();
  return ctx;
}

} // namespace refpoint::web
