#include "app/cluster_tls.hpp"

#include <boost/asio/ssl/context.hpp>
#include <caf/openssl/manager.hpp>

namespace refpoint::app {

namespace ssl = boost::asio::ssl;

std::optional<std::string> check_cluster_tls_files(const config& cfg) {
  ssl::context ctx{ssl::context::tls};
  boost::system::error_code ec;
  const auto failed = [&](const char* key, const std::string& file) {
    return "[cluster] " + std::string{key} + " '" + file + "': " + ec.message();
  };
  if (ctx.use_certificate_chain_file(cfg.cluster_tls_cert, ec); ec)
    return failed("tls_cert", cfg.cluster_tls_cert);
  if (ctx.use_private_key_file(cfg.cluster_tls_key, ssl::context::pem, ec); ec)
    return failed("tls_key", cfg.cluster_tls_key);
  if (ctx.load_verify_file(cfg.cluster_tls_ca, ec); ec)
    return failed("tls_ca", cfg.cluster_tls_ca);
  return std::nullopt;
}

void load_cluster_tls(caf::actor_system_config& caf_cfg, const config& cfg) {
  // With a certificate, a key and a CA set, CAF requires and verifies the peer's
  // certificate on both ends of every link.
  caf_cfg.openssl_certificate = cfg.cluster_tls_cert;
  caf_cfg.openssl_key = cfg.cluster_tls_key;
  caf_cfg.openssl_cafile = cfg.cluster_tls_ca;
  caf_cfg.load<caf::openssl::manager>();
}

} // namespace refpoint::app
