#pragma once
/// A fixture for the actor tests: a real actor system (two scheduler threads), a scoped
/// actor to talk to the actors under test, and a blocking `ask` helper. Every actor
/// registered with `keep` is told to exit when the test ends, so that the actor system
/// can shut down even after a failed assertion.

#include "test_support.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <vector>

namespace refpoint::persistence::testing {

class with_actors : public with_temp_dir {
protected:
  ~with_actors() override {
    for (const auto& actor : kept_) {
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    }
  }

  /// Registers `handle` to be told to exit at the end of the test.
  template <class Handle>
  Handle keep(Handle handle) {
    kept_.push_back(caf::actor_cast<caf::actor>(handle));
    return handle;
  }

  /// Sends a request and waits for its answer (value or error).
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& handle, Ts&&... xs) {
    caf::expected<T> result = caf::make_error(caf::sec::request_timeout);
    self_->request(handle, timeout, std::forward<Ts>(xs)...)
      .receive([&](T value) { result = std::move(value); },
               [&](caf::error& error) { result = std::move(error); });
    return result;
  }

  static constexpr std::chrono::seconds timeout{30};

private:
  static caf::actor_system_config& tuned(caf::actor_system_config& cfg) {
    cfg.set("scheduler.max-threads", 2);
    return cfg;
  }

  caf::actor_system_config cfg_;

protected:
  caf::actor_system sys_{tuned(cfg_)};
  caf::scoped_actor self_{sys_};

private:
  std::vector<caf::actor> kept_;
};

} // namespace refpoint::persistence::testing
