#include "web/relay_server.hpp"

#include "web/cluster_routing.hpp"

#include <caf/all.hpp>

#include <unordered_map>

namespace refpoint::web {

namespace {

using actors::relay_atom;
using actors::relayed_request;
using actors::relayed_response;
using done_atom = caf::atom_constant<caf::atom("relaydone")>;

/// Also takes the gateway's answers, which arrive from whichever thread finished them.
using relay_server_actor =
  actors::relay_handler::extend<caf::reacts_to<done_atom, std::uint64_t, relayed_response>>;

struct relay_server_state {
  relay_server_state() = default; // not an aggregate (see job_actor_state)
  request_handler handler;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<relayed_response>> waiting;
  static inline const char* name = "relay_server";
};

http_request request_of(relayed_request&& relayed) {
  http_request req{http::string_to_verb(relayed.method), relayed.target, 11};
  for (auto& h : relayed.headers)
    req.insert(h.name, h.value);
  req.body() = std::move(relayed.body);
  req.prepare_payload();
  return req;
}

relay_server_actor::behavior_type
relay_server_impl(relay_server_actor::stateful_pointer<relay_server_state> self,
                  request_handler handler) {
  self->state.handler = std::move(handler);
  return {
    [=](relay_atom, relayed_request& relayed) -> caf::result<relayed_response> {
      auto id = ++self->state.next_id;
      auto promise = self->make_response_promise<relayed_response>();
      self->state.waiting.emplace(id, promise);
      auto me = caf::actor_cast<relay_server_actor>(self);
      // The gateway answers every request exactly once, from any thread: the answer comes
      // back through the mailbox.
      self->state.handler(request_of(std::move(relayed)), [me, id](http_response res) {
        caf::anon_send(me, done_atom::value, id, relayed_of(std::move(res)));
      });
      return promise;
    },
    [=](done_atom, std::uint64_t id, relayed_response& res) {
      auto i = self->state.waiting.find(id);
      if (i == self->state.waiting.end())
        return;
      i->second.deliver(std::move(res));
      self->state.waiting.erase(i);
    },
  };
}

} // namespace

actors::relay_handler spawn_relay_server(caf::actor_system& sys, request_handler handler) {
  return caf::actor_cast<actors::relay_handler>(sys.spawn(relay_server_impl, std::move(handler)));
}

} // namespace refpoint::web
