// `refpoint create TARGET --type rct|log [--name N] [--consistency C] [--watch]` (docs/CLI.md).

#include "app/cli/commands.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/job_watch.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/target.hpp"
#include "app/cli/views.hpp"

#include <boost/json/serialize.hpp>

namespace refpoint::cli {

namespace json = boost::json;

int create_reference_point(context& ctx) {
  const auto type = ctx.line.value("type");
  if (!type)
    return ctx.usage_error("missing --type (rct or log)");
  auto resolved = resolve_target(ctx, ctx.operands[0]);
  if (auto* code = std::get_if<int>(&resolved))
    return *code;
  const auto& target = std::get<struct target>(resolved);

  json::object body{{"type", *type}};
  if (auto name = ctx.line.value("name"))
    body["elementName"] = *name;
  if (auto consistency = ctx.line.value("consistency"))
    body["consistencyLevel"] = *consistency;
  auto answer = ctx.server.post(resource_path(target) + "/reference-points", body);
  if (!answer)
    return ctx.server.report(answer);
  const auto job_id = text_of(answer.json.as_object(), "id");

  if (!ctx.line.has("watch")) {
    if (ctx.json)
      ctx.print_body(answer);
    else
      ctx.out << "job " << job_id << " started\n";
    return exit_ok;
  }
  if (!ctx.json)
    ctx.out << "job " << job_id << " started (" << (target.collection ? "collection " : "system ")
            << target.id << ")\n"
            << std::flush;
  auto outcome = watch_job(ctx, job_id);
  if (ctx.json && !outcome.job.empty() &&
      (outcome.exit_code == exit_ok || outcome.exit_code == exit_job_failed))
    ctx.out << json::serialize(outcome.job) << "\n";
  if (outcome.exit_code != exit_ok)
    return outcome.exit_code;
  if (ctx.json)
    return exit_ok;
  auto id = affected_id(outcome.job);
  if (id.empty()) {
    // The final event always carries the result; ask for the job if it did not.
    auto job = ctx.server.get("/api/v1/jobs/" + url_encode(job_id));
    if (!job)
      return ctx.server.report(job);
    id = affected_id(job.json.as_object());
  }
  ctx.out << (target.collection ? "collection reference point " : "reference point ") << id << "\n";
  return exit_ok;
}

} // namespace refpoint::cli
