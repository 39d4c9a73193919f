// `refpoint systems list|show|create` (docs/CLI.md).

#include "app/cli/commands.hpp"
#include "app/cli/disk_spec.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/target.hpp"
#include "app/cli/views.hpp"

namespace refpoint::cli {

namespace json = boost::json;

int systems_list(context& ctx) {
  return ctx.show_list(ctx.server.get("/api/v1/systems"), print_systems);
}

int systems_show(context& ctx) {
  auto resolved = resolve_target(ctx, ctx.operands[0], target_kinds::system);
  if (auto* code = std::get_if<int>(&resolved))
    return *code;
  auto answer = fetch_resource(ctx, std::get<target>(resolved));
  return ctx.show(answer, print_system);
}

int systems_create(context& ctx) {
  const auto name = ctx.line.value("name");
  if (!name)
    return ctx.usage_error("missing --name");
  json::object body{{"elementName", *name}};
  if (auto id = ctx.line.value("id"))
    body["name"] = *id;
  if (ctx.line.has("replication"))
    body["replicationEnabled"] = true;
  if (ctx.line.has("disabled"))
    body["enabledState"] = "disabled";
  if (auto node = ctx.line.value("node"))
    body["node"] = *node;
  json::array disks;
  for (const auto& spec : ctx.line.values("disk")) {
    auto disk = parse_disk_spec(spec);
    if (auto* message = std::get_if<std::string>(&disk))
      return ctx.usage_error(*message);
    disks.push_back(std::move(std::get<json::object>(disk)));
  }
  body["disks"] = std::move(disks);
  auto answer = ctx.server.post("/api/v1/systems", body);
  return ctx.show(answer, print_system);
}

} // namespace refpoint::cli
