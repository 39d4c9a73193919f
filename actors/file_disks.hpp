#pragma once
/// Registration of file-backed disks (DESIGN §7): the first of the two checks of a disk
/// path (the second is each time the file is opened).

#include "actors/file_backend.hpp"
#include "protocol/model.hpp"

#include <caf/error.hpp>

namespace refpoint::actors {

/// Checks every file-backed disk of `info`: a storage root must be configured (`files` not
/// null) and the path must name a regular file inside it. Sets each such disk's
/// `size_bytes` to the file's size. Errors: invalid_parameter with a message naming the
/// path and field `disks[i].path`. Quick file-system calls only (realpath, open, fstat).
caf::error register_file_disks(const file_backend* files, protocol::system_info& info);

} // namespace refpoint::actors
