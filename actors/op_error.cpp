#include "actors/op_error.hpp"

#include "persistence/store_messages.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/sec.hpp>

namespace refpoint::actors {

namespace {

constexpr auto op_category = caf::atom("refpoint");

std::string context_string(const caf::error& err, size_t index) {
  const auto& ctx = err.context();
  if (ctx.size() > index && ctx.match_element<std::string>(index))
    return ctx.get_as<std::string>(index);
  return {};
}

} // namespace

caf::error make_error(op_errc code, std::string message, std::string field) {
  return caf::error{static_cast<std::uint8_t>(code), op_category,
                    caf::make_message(std::move(message), std::move(field))};
}

op_failure describe(const caf::error& err) {
  if (err.category() == op_category)
    return {static_cast<op_errc>(err.code()), context_string(err, 0), context_string(err, 1)};
  if (err.category() == caf::atom("store")) {
    auto code = static_cast<persistence::store_errc>(err.code());
    auto msg = context_string(err, 0);
    if (code == persistence::store_errc::not_found)
      return {op_errc::not_found, msg, {}};
    if (code == persistence::store_errc::full)
      return {op_errc::no_storage,
              "the database is full (the disk, or [storage] max_size_mb): " + msg,
              {}};
    if (code == persistence::store_errc::read_only)
      return {op_errc::no_storage, "the database is read-only: " + msg, {}};
    return {op_errc::failed, "storage failure: " + msg, {}};
  }
  if (err == caf::sec::request_timeout)
    return {op_errc::timeout, "the owner of the target did not answer in time", {}};
  return {op_errc::failed, "internal failure: " + caf::to_string(err), {}};
}

caf::error write_failure(const std::string& what, const caf::error& err) {
  auto failure = describe(err);
  auto code = failure.code == op_errc::no_storage ? op_errc::no_storage : op_errc::failed;
  return make_error(code, what + ": " + failure.message);
}

protocol::return_code to_return_code(op_errc code) {
  using protocol::return_code;
  switch (code) {
  case op_errc::not_found:
  case op_errc::file_not_found:
  case op_errc::invalid_parameter:
  case op_errc::conflict:
    return return_code::invalid_parameter;
  case op_errc::invalid_state:
    return return_code::invalid_state;
  case op_errc::not_supported:
    return return_code::not_supported;
  case op_errc::invalid_type:
    return return_code::invalid_type;
  case op_errc::timeout:
    return return_code::timeout;
  case op_errc::failed:
  case op_errc::no_storage:
    return return_code::failed;
  case op_errc::busy:
    return return_code::system_in_use;
  }
  return return_code::failed;
}

} // namespace refpoint::actors
