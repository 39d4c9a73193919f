// `refpoint jobs list|show|cancel` (docs/CLI.md).

#include "app/cli/commands.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/views.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace refpoint::cli {

namespace json = boost::json;

namespace {

/// Jobs asked for per page (the server's default; it allows up to 1000).
constexpr std::uint64_t server_page_limit = 100;

} // namespace

int jobs_list(context& ctx) {
  std::optional<std::uint64_t> limit;
  if (auto text = ctx.line.value("limit")) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc{} || end != text->data() + text->size() || n == 0)
      return ctx.usage_error("--limit must be a positive whole number, found '" + *text + "'");
    limit = n;
  }
  std::string filters;
  if (auto state = ctx.line.value("state"))
    filters += "&state=" + url_encode(*state);
  if (auto target = ctx.line.value("target"))
    filters += "&target=" + url_encode(*target);

  // Follow `next` until the list ends or --limit jobs were listed.
  json::array items;
  std::string after;
  bool more = false;
  for (;;) {
    auto page_size = server_page_limit;
    if (limit)
      page_size = std::min(page_size, *limit - items.size());
    std::string target = "/api/v1/jobs?limit=" + std::to_string(page_size) + filters;
    if (!after.empty())
      target += "&after=" + url_encode(after);
    auto answer = ctx.server.get(target);
    if (!answer)
      return ctx.server.report(answer);
    const auto& page = answer.json.as_object();
    for (const auto& job : array_at(page, "items"))
      items.push_back(job);
    after = text_of(page, "next");
    more = !after.empty();
    if (!more || (limit && items.size() >= *limit))
      break;
  }
  if (ctx.json) {
    json::object all{{"items", std::move(items)}};
    if (more)
      all["next"] = after;
    ctx.out << json::serialize(all) << "\n";
  } else {
    print_jobs(ctx.out, items);
  }
  return exit_ok;
}

int jobs_show(context& ctx) {
  auto answer = ctx.server.get("/api/v1/jobs/" + url_encode(ctx.operands[0]));
  return ctx.show(answer, print_job);
}

int jobs_cancel(context& ctx) {
  const std::string mode = ctx.line.has("kill") ? "kill" : "terminate";
  auto answer = ctx.server.call(http_method::post, "/api/v1/jobs/" + url_encode(ctx.operands[0]) +
                                                     "/cancel?mode=" + mode);
  return ctx.show(answer, print_job);
}

} // namespace refpoint::cli
