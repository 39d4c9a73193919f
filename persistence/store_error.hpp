#pragma once
/// The exception thrown by the synchronous SQLite layer (`database`, `migrate`). Its
/// `what()` is one line naming the file or row and SQLite's reason, fit for a log or for
/// refpointd's exit message. Actors never let it escape: they turn it into a
/// `caf::error` (`make_error(store_errc, ...)`, declared in store_messages.hpp).

#include <stdexcept>

namespace refpoint::persistence {

/// Why a write could not be made, when it is the storage itself: the database cannot grow
/// (disk full, or `PRAGMA max_page_count`) or cannot be written at all (read-only).
enum class storage_fault { none, full, read_only };

class store_error : public std::runtime_error {
public:
  explicit store_error(const std::string& what, storage_fault fault = storage_fault::none)
      : std::runtime_error(what), fault_(fault) {}
  storage_fault fault() const { return fault_; }

private:
  storage_fault fault_;
};

} // namespace refpoint::persistence
