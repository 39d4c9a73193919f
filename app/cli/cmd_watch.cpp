// `refpoint watch [--since CURSOR] [--types A,B] [--job ID] [--target ID] [--no-follow]`
// (docs/CLI.md): the event stream as readable lines, or as the server's JSON with --json.

#include "app/cli/commands.hpp"
#include "app/cli/event_follower.hpp"
#include "app/cli/exit_codes.hpp"
#include "app/cli/interrupt.hpp"
#include "app/cli/json_text.hpp"
#include "app/cli/views.hpp"

namespace refpoint::cli {

namespace {

namespace json = boost::json;

class line_printer final : public stream_observer {
public:
  line_printer(context& ctx, bool follow) : ctx_(ctx), follow_(follow) {}

  follow_step on_event(const json::object& event, const std::string& text) override {
    if (ctx_.json)
      ctx_.out << text << "\n";
    else
      ctx_.out << event_line(event) << "\n";
    ctx_.out.flush();
    return follow_step::more;
  }

  follow_step on_caught_up(const json::object& message, const std::string& text, bool) override {
    if (ctx_.json) {
      ctx_.out << text << "\n" << std::flush;
    } else {
      ctx_.out.flush();
      ctx_.err << "refpoint: caught up at cursor " << text_of(message, "cursor")
               << (follow_ ? "; live from here\n" : "\n");
    }
    return follow_ ? follow_step::more : follow_step::stop;
  }

  void on_gone(const json::object& message, const std::string& text) override {
    if (ctx_.json)
      ctx_.out << text << "\n" << std::flush;
    ctx_.err << "refpoint: the events after that cursor are no longer retained (oldest: "
             << text_of(message, "oldest") << "); continuing with live events\n";
  }

  follow_step on_interrupt() override {
    interrupted_ = true;
    return follow_step::stop;
  }

  void on_reconnect(std::string_view why) override {
    ctx_.err << "refpoint: event stream interrupted (" << why << "); reconnecting\n";
  }

  bool interrupted() const { return interrupted_; }

private:
  context& ctx_;
  bool follow_;
  bool interrupted_ = false;
};

} // namespace

int watch_events(context& ctx) {
  follow_request request;
  for (const auto name : {"types", "job", "target"})
    if (auto value = ctx.line.value(name))
      request.filters +=
        (request.filters.empty() ? "" : "&") + std::string{name} + "=" + url_encode(*value);
  request.since = ctx.line.value("since");
  catch_interrupts();
  line_printer printer{ctx, !ctx.line.has("no-follow")};
  if (const int code = follow_events(ctx.http, request, printer, ctx.err); code != 0)
    return code;
  return printer.interrupted() ? exit_interrupted : exit_ok;
}

} // namespace refpoint::cli
