#include "persistence/store_messages.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>

#include <utility>

namespace refpoint::persistence {

caf::error make_error(store_errc code, std::string message) {
  return caf::error(static_cast<std::uint8_t>(code), caf::atom("store"),
                    caf::make_message(std::move(message)));
}

} // namespace refpoint::persistence
