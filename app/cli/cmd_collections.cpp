// `refpoint collections list|show|create|delete|add-member|remove-member` (docs/CLI.md).

#include "app/cli/commands.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/target.hpp"
#include "app/cli/views.hpp"

namespace refpoint::cli {

namespace json = boost::json;

namespace {

/// PUT or DELETE of `collections/{ID}/members/{SYSTEM}`, both operands by id or name.
int change_member(context& ctx, http_method method) {
  auto collection = resolve_target(ctx, ctx.operands[0], target_kinds::collection);
  if (auto* code = std::get_if<int>(&collection))
    return *code;
  auto system = resolve_target(ctx, ctx.operands[1], target_kinds::system);
  if (auto* code = std::get_if<int>(&system))
    return *code;
  return ctx.show(ctx.server.call(method, resource_path(std::get<target>(collection)) +
                                            "/members/" + url_encode(std::get<target>(system).id)),
                  print_collection);
}

} // namespace

int collections_list(context& ctx) {
  return ctx.show_list(ctx.server.get("/api/v1/collections"), print_collections);
}

int collections_show(context& ctx) {
  auto collection = resolve_target(ctx, ctx.operands[0], target_kinds::collection);
  if (auto* code = std::get_if<int>(&collection))
    return *code;
  return ctx.show(fetch_resource(ctx, std::get<target>(collection)), print_collection);
}

int collections_create(context& ctx) {
  json::object body{{"elementName", ctx.operands[0]}};
  if (auto id = ctx.line.value("id"))
    body["id"] = *id;
  if (auto node = ctx.line.value("node"))
    body["node"] = *node;
  json::array members;
  for (const auto& member : ctx.line.values("member")) {
    auto system = resolve_target(ctx, member, target_kinds::system);
    if (auto* code = std::get_if<int>(&system))
      return *code;
    members.emplace_back(std::get<target>(system).id);
  }
  body["members"] = std::move(members);
  return ctx.show(ctx.server.post("/api/v1/collections", body), print_collection);
}

int collections_delete(context& ctx) {
  auto collection = resolve_target(ctx, ctx.operands[0], target_kinds::collection);
  if (auto* code = std::get_if<int>(&collection))
    return *code;
  const auto& id = std::get<target>(collection).id;
  auto answer = ctx.server.del(resource_path(std::get<target>(collection)));
  if (!answer)
    return ctx.server.report(answer);
  if (!ctx.json) // 204: with --json there is nothing to print
    ctx.out << "deleted collection " << id << "\n";
  return exit_ok;
}

int collections_add_member(context& ctx) {
  return change_member(ctx, http_method::put);
}

int collections_remove_member(context& ctx) {
  return change_member(ctx, http_method::del);
}

} // namespace refpoint::cli
