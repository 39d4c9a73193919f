#pragma once
// Throw-away certificate authorities and certificates for the TLS tests, made with the
// `openssl` command in a test's own directory (EC P-256 keys, valid for two days).

#include "support/process.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace refpoint::test {

/// The first executable `name` on PATH, or "" when there is none.
inline std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs{path ? path : ""};
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const auto candidate = std::filesystem::path{dir.empty() ? "." : dir} / name;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate.string();
  }
  return {};
}

class test_certificates {
public:
  /// Works in `dir`; throws when the `openssl` command is missing.
  explicit test_certificates(std::filesystem::path dir)
      : dir_(std::move(dir)), openssl_(find_program("openssl")) {
    if (openssl_.empty())
      throw std::runtime_error("the openssl command is needed (scripts/setup.sh)");
  }

  /// A self-signed CA: `NAME.pem` and `NAME.key`.
  void make_ca(const std::string& name) {
    run({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
         "keyUsage=critical,keyCertSign,cRLSign", "-days", "2", "-keyout", name + ".key", "-out",
         name + ".pem"});
  }

  /// `NAME.pem` and `NAME.key`, issued by CA `ca` for IP 127.0.0.1, usable by servers and
  /// clients (cluster links authenticate both ends).
  void issue(const std::string& ca, const std::string& name) {
    write(name + ".ext", "subjectAltName = IP:127.0.0.1\nbasicConstraints = CA:FALSE\n"
                         "keyUsage = critical,digitalSignature\n"
                         "extendedKeyUsage = serverAuth,clientAuth\n");
    run({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-subj", "/CN=" + name, "-keyout", name + ".key", "-out", name + ".csr"});
    run({"x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
         "-set_serial", std::to_string(++serial_), "-days", "2", "-extfile", name + ".ext", "-out",
         name + ".pem"});
  }

  std::string path(const std::string& file) const { return (dir_ / file).string(); }

private:
  void write(const std::string& file, const std::string& text) const {
    std::ofstream{dir_ / file} << text;
  }

  void run(const std::vector<std::string>& args) const {
    auto child = child_process::start(openssl_, args, dir_.string());
    if (child.wait(std::chrono::seconds{30}) != 0)
      throw std::runtime_error("openssl " + args[0] + " failed: " + child.stderr_text());
  }

  std::filesystem::path dir_;
  std::string openssl_;
  int serial_ = 0;
};

} // namespace refpoint::test
