#include "app/cli/job_watch.hpp"

#include "app/cli/event_follower.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/interrupt.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/progress.hpp"

namespace refpoint::cli {

namespace {

namespace json = boost::json;

constexpr std::int64_t job_running = 4;
constexpr std::int64_t job_shutting_down = 6;
constexpr std::int64_t job_completed = 7;

bool is_final(const json::object& job) {
  const auto state = integer_of(job, "jobState", job_running);
  return state != job_running && state != job_shutting_down;
}

class job_observer final : public stream_observer {
public:
  job_observer(context& ctx, std::string job_id)
      : ctx_(ctx), job_id_(std::move(job_id)), progress_(ctx.out, stdout_is_terminal()) {}

  follow_step on_event(const json::object& event, const std::string&) override {
    const auto& job = object_at(event, "job");
    if (job.empty() || text_of(job, "id") != job_id_)
      return follow_step::more; // e.g. referencePoint.created of this job's work
    return seen(job);
  }

  follow_step on_caught_up(const json::object&, const std::string&, bool after_gap) override {
    if (!after_gap)
      return follow_step::more;
    // Events were lost after stream.gone: the job may have ended meanwhile, so ask for it.
    auto answer = ctx_.server.get("/api/v1/jobs/" + url_encode(job_id_));
    if (!answer) {
      exit_code_ = ctx_.server.report(answer);
      return follow_step::stop;
    }
    return seen(answer.json.as_object());
  }

  void on_gone(const json::object&, const std::string&) override {}

  follow_step on_interrupt() override {
    if (!ctx_.json)
      progress_.interject();
    if (!stdin_is_terminal()) {
      ctx_.err << "refpoint: stopped watching; job " << job_id_
               << " keeps running (refpoint jobs cancel " << job_id_ << " stops it)\n";
      exit_code_ = exit_interrupted;
      return follow_step::stop;
    }
    auto yes = ask_yes_no("cancel job " + job_id_ + "? [y/N] ");
    if (!yes) {
      ctx_.err << "refpoint: stopped watching; job " << job_id_ << " keeps running\n";
      exit_code_ = exit_interrupted;
      return follow_step::stop;
    }
    if (!*yes)
      return follow_step::more;
    auto answer =
      ctx_.server.call(http_method::post, "/api/v1/jobs/" + url_encode(job_id_) + "/cancel");
    if (!answer)
      ctx_.server.report(answer); // e.g. 409: it has just finished; its end arrives anyway
    else
      ctx_.err << "refpoint: cancelling job " << job_id_ << "\n";
    return follow_step::more;
  }

  void on_reconnect(std::string_view why) override {
    if (!ctx_.json)
      progress_.interject();
    ctx_.err << "refpoint: event stream interrupted (" << why << "); reconnecting\n";
  }

  int exit_code() const { return exit_code_; }
  const json::object& job() const { return job_; }

private:
  follow_step seen(const json::object& job) {
    job_ = job;
    if (!ctx_.json)
      progress_.update(job);
    if (!is_final(job))
      return follow_step::more;
    if (!ctx_.json)
      progress_.interject();
    if (integer_of(job, "jobState") == job_completed) {
      exit_code_ = exit_ok;
    } else {
      exit_code_ = exit_job_failed;
      ctx_.err << "refpoint: job " << job_id_ << " ended " << text_of(job, "state");
      const auto& error = object_at(job, "error");
      if (auto description = text_of(error, "description"); !description.empty())
        ctx_.err << ": " << description;
      ctx_.err << "\n";
    }
    return follow_step::stop;
  }

  context& ctx_;
  std::string job_id_;
  progress_view progress_;
  json::object job_;
  int exit_code_ = exit_ok;
};

} // namespace

watch_outcome watch_job(context& ctx, const std::string& job_id) {
  catch_interrupts();
  job_observer observer{ctx, job_id};
  follow_request request{"job=" + url_encode(job_id), std::string{"0"}};
  if (const int code = follow_events(ctx.http, request, observer, ctx.err); code != 0)
    return {code, observer.job()};
  return {observer.exit_code(), observer.job()};
}

} // namespace refpoint::cli
