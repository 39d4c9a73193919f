#pragma once
/// The exception thrown by the synchronous SQLite layer (`database`, `migrate`). Its
/// `what()` is one line naming the file or row and SQLite's reason, fit for a log or for
/// refpointd's exit message. Actors never let it escape: they turn it into a
/// `caf::error` (`make_error(store_errc, ...)`, declared in store_messages.hpp).

#include <stdexcept>

namespace refpoint::persistence {

class store_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace refpoint::persistence
