#pragma once
/// Cluster links over TLS (`[cluster] tls_cert`, `tls_key`, `tls_ca`): CAF's openssl module
/// with mutual authentication, every peer's certificate checked against the CA.

#include "app/config.hpp"

#include <caf/actor_system_config.hpp>

#include <optional>
#include <string>

namespace refpoint::app {

/// True when the cluster links are to use TLS.
inline bool cluster_tls(const config& cfg) {
  return !cfg.cluster_tls_cert.empty();
}

/// Reads the three files once, so that a bad one stops the start-up with a message naming
/// it (CAF would only fail later, on the first link).
std::optional<std::string> check_cluster_tls_files(const config& cfg);

/// Loads CAF's openssl module (after the middleman) with the certificate, key and CA.
void load_cluster_tls(caf::actor_system_config& caf_cfg, const config& cfg);

} // namespace refpoint::app
