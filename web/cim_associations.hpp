#pragma once
/// `GET /cim/v2/associators` and `GET /cim/v2/references` (DESIGN §3 associations).

#include "web/exchange.hpp"

namespace refpoint::web {

/// Answers the instances associated with `?object=PATH` (filtered by `ResultClass` and
/// `AssocClass`), or with `references` the association instances themselves (filtered by
/// `ResultClass`). 400 for an unparsable path, 404 for an object that does not exist.
void answer_associations(const exchange_ptr& ex, bool references);

} // namespace refpoint::web
