// `refpoint cluster` (docs/CLI.md).

#include "app/cli/commands.hpp"
#include "app/cli/views.hpp"

namespace refpoint::cli {

int cluster_list(context& ctx) {
  return ctx.show_list(ctx.server.get("/api/v1/cluster"), print_cluster);
}

} // namespace refpoint::cli
