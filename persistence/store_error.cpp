#include "persistence/store_messages.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>

#include <utility>

namespace refpoint::persistence {

caf::error make_error(store_errc code, std::string message) {
  return caf::error(static_cast<std::uint8_t>(code), caf::atom("store"),
                    caf::make_message(std::move(message)));
}

caf::error write_error(const store_error& e) {
  switch (e.fault()) {
  case storage_fault::full:
    return make_error(store_errc::full, e.what());
  case storage_fault::read_only:
    return make_error(store_errc::read_only, e.what());
  case storage_fault::none:
    break;
  }
  return make_error(store_errc::write_failed, e.what());
}

} // namespace refpoint::persistence
