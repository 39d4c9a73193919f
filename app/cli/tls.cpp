#include "app/cli/tls.hpp"

#include <boost/asio/ip/address.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace refpoint::cli {

namespace ssl = boost::asio::ssl;

namespace {

/// Sends the host name (SNI) and has OpenSSL check that the certificate names it, so that a
/// mismatch reads as such in the verify result. Answers "" or what could not be set.
std::string expect_host(tls_stream& stream, const server_url& server) {
  auto* param = ::SSL_get0_param(stream.native_handle());
  boost::system::error_code not_an_address;
  boost::asio::ip::make_address(server.host, not_an_address);
  if (!not_an_address) {
    if (::X509_VERIFY_PARAM_set1_ip_asc(param, server.host.c_str()) != 1)
      return "cannot check the certificate against the address " + server.host;
    return {};
  }
  // SNI carries host names only, never addresses (RFC 6066). This is what the macro
  // SSL_set_tlsext_host_name expands to, without its C cast; OpenSSL copies the name.
  auto* name = const_cast<char*>(server.host.c_str());
  if (::SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 name) != 1 ||
      ::X509_VERIFY_PARAM_set1_host(param, server.host.c_str(), 0) != 1)
    return "cannot check the certificate against the host name " + server.host;
  return {};
}

} // namespace

std::variant<std::shared_ptr<ssl::context>, std::string>
make_tls_context(const std::string& ca_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ::SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  if (ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(ca_file, ec);
  if (ec)
    return ca_file.empty() ? "cannot load the system's CA certificates: " + ec.message()
                           : "--ca-cert '" + ca_file + "': " + ec.message();
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

std::string client_handshake(boost::asio::io_context& io, tls_stream& stream,
                             const server_url& server, std::chrono::milliseconds timeout) {
  if (auto error = expect_host(stream, server); !error.empty())
    return error;
  boost::beast::error_code ec = boost::asio::error::would_block;
  boost::beast::get_lowest_layer(stream).expires_after(timeout);
  stream.async_handshake(ssl::stream_base::client,
                         [&ec](boost::beast::error_code result) { ec = result; });
  io.restart();
  io.run();
  if (!ec)
    return {};
  std::string why = ec.message();
  if (ec == boost::beast::error::timeout)
    why = "timed out";
  else if (const auto verified = ::SSL_get_verify_result(stream.native_handle());
           verified != X509_V_OK)
    why = "certificate verify failed: " + std::string{::X509_verify_cert_error_string(verified)};
  return "TLS handshake with " + server.authority + " failed: " + why;
}

} // namespace refpoint::cli
