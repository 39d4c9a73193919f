#pragma once
/// Collection members must live on the collection's home node until collections spanning
/// nodes exist (DESIGN §8): `POST /api/v1/collections` and `PUT .../members/{systemId}`
/// naming a system another node owns are refused with 422, naming the member and its node.

#include "web/exchange.hpp"

#include <functional>
#include <string>

namespace refpoint::web {

/// True for the two requests that add members to a collection.
bool adds_members(const exchange& ex);

/// For a request that adds members to a collection homed on `home`: checks where each
/// member lives, answers 422 for the first one on another node, or calls `go` (also when a
/// member is unknown: the home node answers that).
void check_member_homes(const exchange_ptr& ex, const std::string& home, std::function<void()> go);

} // namespace refpoint::web
