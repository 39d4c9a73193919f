#pragma once
/// Calling actors from the HTTP gateway without blocking the I/O thread.
///
/// Each call spawns a short-lived event-based actor that sends the request and runs the
/// continuation on a CAF worker when the answer (or an error, or the timeout) arrives.
/// Continuations may only build a response and hand it to a `responder`, which posts back
/// to the session's strand: they never touch Beast objects.

#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>

#include <chrono>
#include <utility>

namespace refpoint::web {

// The actors below take one unused argument: CAF 0.17 dereferences a null argument tuple
// when it starts a function-based actor that takes none (undefined behaviour that
// UndefinedBehaviorSanitizer reports as a reference bound to a null pointer).
inline constexpr bool no_argument = false;

/// Requests `xs...` from `dest`; calls `on_value(result...)` or `on_error(caf::error&)`.
template <class Handle, class OnValue, class OnError, class... Ts>
void call_actor(caf::actor_system& sys, const Handle& dest, std::chrono::milliseconds timeout,
                OnValue on_value, OnError on_error, Ts... xs) {
  sys.spawn(
    [=](caf::event_based_actor* self, bool) mutable {
      self->request(dest, timeout, std::move(xs)...).then(std::move(on_value), std::move(on_error));
    },
    no_argument);
}

/// Runs `body(self)` inside a short-lived actor, for continuations that chain requests.
template <class Body>
void with_actor(caf::actor_system& sys, Body body) {
  sys.spawn([body = std::move(body)](caf::event_based_actor* self, bool) mutable { body(self); },
            no_argument);
}

} // namespace refpoint::web
