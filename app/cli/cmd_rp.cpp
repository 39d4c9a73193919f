// `refpoint rp list|show|delete|changes` (docs/CLI.md).

#include "app/cli/commands.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/job_watch.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/table.hpp"
#include "app/cli/target.hpp"
#include "app/cli/views.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace refpoint::cli {

namespace json = boost::json;

namespace {

std::string rp_path(const std::string& id) {
  return "/api/v1/reference-points/" + url_encode(id);
}

std::string rpc_path(const std::string& id) {
  return "/api/v1/reference-point-collections/" + url_encode(id);
}

std::optional<std::uint64_t> whole_number(const std::string& text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return n;
}

std::uint64_t unsigned_of(const json::object& object, std::string_view key) {
  const auto n = integer_of(object, key);
  return n < 0 ? 0 : static_cast<std::uint64_t>(n);
}

} // namespace

int rp_list(context& ctx) {
  auto resolved = resolve_target(ctx, ctx.operands[0]);
  if (auto* code = std::get_if<int>(&resolved))
    return *code;
  const auto& target = std::get<struct target>(resolved);
  auto answer = ctx.server.get(resource_path(target) + "/reference-points");
  if (!answer)
    return ctx.server.report(answer);
  if (ctx.json)
    ctx.print_body(answer);
  else if (target.collection)
    print_collection_reference_points(ctx.out, array_at(answer.json.as_object(), "items"));
  else
    print_reference_points(ctx.out, array_at(answer.json.as_object(), "items"));
  return exit_ok;
}

int rp_show(context& ctx) {
  const auto& id = ctx.operands[0];
  auto answer = ctx.server.get(rp_path(id));
  bool collection = false;
  if (answer.status == 404) {
    auto of_collection = ctx.server.get(rpc_path(id));
    if (of_collection.status != 404) {
      answer = std::move(of_collection);
      collection = true;
    }
  }
  if (!answer)
    return ctx.server.report(answer);
  if (ctx.json)
    ctx.print_body(answer);
  else if (collection)
    print_collection_reference_point(ctx.out, answer.json.as_object());
  else
    print_reference_point(ctx.out, answer.json.as_object());
  return exit_ok;
}

int rp_delete(context& ctx) {
  const auto& id = ctx.operands[0];
  auto answer = ctx.server.del(rp_path(id));
  bool collection = false;
  if (answer.status == 404) {
    auto of_collection = ctx.server.del(rpc_path(id));
    if (of_collection.status != 404) {
      answer = std::move(of_collection);
      collection = true;
    }
  }
  if (!answer)
    return ctx.server.report(answer);
  const auto job_id = text_of(answer.json.as_object(), "id");
  const std::string what = collection ? "collection reference point " : "reference point ";
  if (!ctx.line.has("watch")) {
    if (ctx.json)
      ctx.print_body(answer);
    else
      ctx.out << "job " << job_id << " started (deleting " << what << id << ")\n";
    return exit_ok;
  }
  if (!ctx.json)
    ctx.out << "job " << job_id << " started (deleting " << what << id << ")\n" << std::flush;
  auto outcome = watch_job(ctx, job_id);
  if (ctx.json && !outcome.job.empty() &&
      (outcome.exit_code == exit_ok || outcome.exit_code == exit_job_failed))
    ctx.out << json::serialize(outcome.job) << "\n";
  if (outcome.exit_code == exit_ok && !ctx.json)
    ctx.out << "deleted " << what << id << "\n";
  return outcome.exit_code;
}

int rp_changes(context& ctx) {
  std::optional<std::uint64_t> offset;
  std::optional<std::uint64_t> length;
  for (const auto& [name, slot] : {std::pair{"offset", &offset}, std::pair{"length", &length}}) {
    if (auto text = ctx.line.value(name)) {
      *slot = whole_number(*text);
      if (!*slot)
        return ctx.usage_error("--" + std::string{name} +
                               " must be a whole number of bytes, found '" + *text + "'");
    }
  }
  const auto base = rp_path(ctx.operands[0]) + "/changes";
  const auto disk = ctx.line.value("disk");

  // Ask page after page while the server says where to continue (nextOffset).
  json::object merged;
  json::array ranges;
  std::uint64_t processed = 0;
  std::optional<std::uint64_t> next = offset;
  for (;;) {
    std::string query;
    if (disk)
      query += "&disk=" + url_encode(*disk);
    if (next)
      query += "&offset=" + std::to_string(*next);
    if (length) {
      const auto done = next.value_or(0) - offset.value_or(0);
      query += "&length=" + std::to_string(*length - std::min(done, *length));
    }
    if (!query.empty())
      query[0] = '?';
    auto answer = ctx.server.get(base + query);
    if (!answer)
      return ctx.server.report(answer);
    const auto& page = answer.json.as_object();
    if (merged.empty())
      merged = page;
    for (const auto& range : array_at(page, "ranges"))
      ranges.push_back(range);
    processed += unsigned_of(page, "processedLength");
    const auto* continue_at = page.if_contains("nextOffset");
    if (!continue_at)
      break;
    const auto at = unsigned_of(page, "nextOffset");
    if (next && at <= *next)
      break; // no progress: never loop forever on a confused answer
    next = at;
  }
  merged.erase("nextOffset");
  merged["processedLength"] = processed;
  merged["ranges"] = ranges;

  if (ctx.json) {
    ctx.out << json::serialize(merged) << "\n";
    return exit_ok;
  }
  std::uint64_t changed = 0;
  table t{{"OFFSET", "LENGTH"}};
  for (const auto& item : ranges) {
    if (!item.is_object())
      continue;
    const auto& range = item.get_object();
    changed += unsigned_of(range, "length");
    t.add({text_of(range, "offset"), text_of(range, "length")});
  }
  print_fields(
    ctx.out,
    {{"reference point", text_of(merged, "referencePointId")},
     {"disk", text_of(merged, "diskId")},
     {"rct id", text_of(merged, "rctId")},
     {"disk size", text_of(merged, "diskSizeBytes")},
     {"scanned", std::to_string(processed) + " bytes from offset " + text_of(merged, "offset")},
     {"changed", std::to_string(ranges.size()) + " ranges, " + std::to_string(changed) +
                   " bytes (" + human_bytes(changed) + ")"}});
  t.print(ctx.out);
  return exit_ok;
}

} // namespace refpoint::cli
