#pragma once
/// Internal to persistence/: borrowing a prepared SQLiteCpp statement for one execution.

#include <SQLiteCpp/Statement.h>

namespace refpoint::persistence {

/// Borrows a prepared statement for one execution: clears its bindings now and resets it
/// when the scope ends, so it never keeps a read snapshot open between uses.
class use {
public:
  explicit use(SQLite::Statement& stmt) : stmt_(stmt) { stmt_.clearBindings(); }
  use(const use&) = delete;
  use& operator=(const use&) = delete;
  ~use() { stmt_.tryReset(); }

  SQLite::Statement* operator->() const { return &stmt_; }
  SQLite::Statement& operator*() const { return stmt_; }

private:
  SQLite::Statement& stmt_;
};

} // namespace refpoint::persistence
