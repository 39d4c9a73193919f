#include "actors/file_disks.hpp"

#include "actors/op_error.hpp"

#include <string>

namespace refpoint::actors {

caf::error register_file_disks(const file_backend* files, protocol::system_info& info) {
  for (std::size_t i = 0; i < info.disks.size(); ++i) {
    auto& d = info.disks[i];
    if (d.backend != "file")
      continue;
    auto field = "disks[" + std::to_string(i) + "].path";
    if (!files)
      return make_error(op_errc::invalid_parameter,
                        field + ": disk '" + d.id +
                          "' is file-backed, but no storage root is configured ([storage] root)",
                        field);
    auto opened = files->root().open_file(d.path);
    if (auto* err = std::get_if<file_error>(&opened))
      return make_error(op_errc::invalid_parameter, field + ": " + err->message, field);
    auto stamp = std::get<image_file>(opened).stamp();
    if (auto* err = std::get_if<file_error>(&stamp))
      return make_error(op_errc::invalid_parameter, field + ": " + err->message, field);
    d.size_bytes = std::get<file_stamp>(stamp).size;
  }
  return {};
}

} // namespace refpoint::actors
