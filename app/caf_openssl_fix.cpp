// Works around CAF 0.17.6's openssl module leaving OpenSSL's per-thread error queue dirty.
//
// CAF runs every cluster link on one multiplexer thread. When a TLS handshake fails there (a
// plain-text client on the cluster port, a peer with a certificate of another CA), CAF closes
// that connection but never drains the errors OpenSSL queued for it. `SSL_get_error` reads
// that queue: the next time any other link on the thread merely has no data yet, it is told
// "SSL error" instead of "want read", and CAF closes that healthy link too, and every later
// handshake on the node. One bad client would cut a node off its cluster for good.
//
// This definition of `SSL_get_error` takes precedence over libssl's for libcaf_openssl (the
// executable comes first in the dynamic linker's search order). For calls made from
// libcaf_openssl only, a result that ends the connection also clears the thread's queue, as
// CAF should have; every other caller (Asio's TLS streams read the queue after it) gets
// libssl's answer untouched.

#include <cstring>
#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

using ssl_get_error_fn = int (*)(const SSL*, int);

ssl_get_error_fn libssl_get_error() {
  static const auto real = reinterpret_cast<ssl_get_error_fn>(dlsym(RTLD_NEXT, "SSL_get_error"));
  return real;
}

/// Whether `code` lies in libcaf_openssl.
bool in_caf_openssl(const void* code) {
  Dl_info info{};
  return dladdr(code, &info) != 0 && info.dli_fname != nullptr &&
         std::strstr(info.dli_fname, "libcaf_openssl") != nullptr;
}

} // namespace

extern "C" int SSL_get_error(const SSL* ssl, int ret) {
  const int error = libssl_get_error()(ssl, ret);
  const bool fatal =
    error == SSL_ERROR_SSL || error == SSL_ERROR_SYSCALL || error == SSL_ERROR_ZERO_RETURN;
  if (fatal && in_caf_openssl(__builtin_return_address(0)))
    ERR_clear_error();
  return error;
}
