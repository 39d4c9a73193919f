#pragma once
/// Errors of reference-point operations as `caf::error` values (category "refpoint"),
/// carrying a message and the name of the field at fault. Every surface maps them:
/// CIM return codes here, HTTP statuses in web/.

#include "protocol/codes.hpp"

#include <caf/error.hpp>

#include <cstdint>
#include <string>

namespace refpoint::actors {

enum class op_errc : std::uint8_t {
  not_found = 1,     ///< the target does not exist (CIM 4, REST 404)
  invalid_parameter, ///< bad input (CIM 4, REST 400)
  invalid_state,     ///< the target cannot do this now (CIM 5, REST 409)
  not_supported,     ///< valid but unsupported request (CIM 1, REST 422)
  invalid_type,      ///< a reference of the wrong class (CIM 6, REST 400)
  conflict,          ///< the resource already exists (REST 409)
  failed,            ///< internal failure, e.g. the store could not commit (CIM 2, REST 500)
  timeout,           ///< the owner did not answer in time (CIM 3, REST 503)
  file_not_found,    ///< a disk's image file is missing (CIM 4; GetVirtualDiskChanges
                     ///< 32779; REST 404)
  busy,              ///< over a resource limit: too much work waiting (CIM 32774, REST 429
                     ///< with Retry-After)
  no_storage,        ///< the database is full or read-only: nothing was written (CIM 2,
                     ///< REST 507)
};

caf::error make_error(op_errc code, std::string message, std::string field = {});

/// A decoded operation error: what a surface needs to answer a client.
struct op_failure {
  op_errc code = op_errc::failed;
  std::string message;
  std::string field;
};

/// Decodes any `caf::error` a request may produce: our own, the store's, CAF's request
/// timeout (→ timeout) and anything else (→ failed, with CAF's description).
op_failure describe(const caf::error& err);

/// `what` could not be written because of the store's `err`: no_storage when the storage is
/// at fault (full, read-only), failed otherwise; the message says what and why.
caf::error write_failure(const std::string& what, const caf::error& err);

/// The CIM return code for a failed method call.
protocol::return_code to_return_code(op_errc code);

} // namespace refpoint::actors
