#pragma once
/// The seed inventory (`--inventory FILE`): a JSON document `{"systems": [...]}` whose
/// entries have the shape of a `POST /api/v1/systems` body. Seeding is idempotent: only
/// systems whose `name` is not stored yet are added, so a restart with the same file
/// neither duplicates nor overwrites anything.

#include "persistence/database.hpp"
#include "protocol/model.hpp"

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace refpoint::app {

/// Reads and validates the file. Every entry must carry a `name` (a GUID), so that seeding
/// is repeatable. Answers the systems, or a one-line error naming the file and the entry.
std::variant<std::vector<protocol::system_info>, std::string>
load_inventory_file(const std::string& path);

/// Stores the systems not yet in `db`; answers how many were added.
std::size_t seed_inventory(persistence::database& db,
                           const std::vector<protocol::system_info>& systems,
                           protocol::timestamp_us now);

} // namespace refpoint::app
