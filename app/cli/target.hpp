#pragma once
/// What a command's SYSTEM, COLLECTION or TARGET operand names. The server decides: the text
/// is looked up as a system id, then as a collection id, then as the element name of exactly
/// one system or collection (only the kinds the operand allows).

#include "app/cli/commands.hpp"

#include <optional>
#include <string>
#include <variant>

namespace refpoint::cli {

enum class target_kinds { system, collection, either };

struct target {
  bool collection = false;
  std::string id; ///< the system's name or the collection's id, as the server spells it
  /// The server's answer to `GET resource_path()` when the text was an id (saves asking again).
  std::optional<api_answer> fetched;
};

/// Answers the target, or the exit code after printing why there is none (3 when nothing has
/// that id or name, 2 when a name is ambiguous, 4 when the server cannot be reached).
std::variant<target, int> resolve_target(context& ctx, const std::string& text,
                                         target_kinds kinds = target_kinds::either);

/// "/api/v1/systems/ID" or "/api/v1/collections/ID".
std::string resource_path(const target& t);

/// The target's resource: `fetched`, or a new GET of `resource_path`.
api_answer fetch_resource(context& ctx, const target& t);

} // namespace refpoint::cli
