#include "actors/cluster_node.hpp"

#include "actors/op_error.hpp"
#include "actors/participant.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/openssl/manager.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <random>

namespace refpoint::actors {

namespace {

/// How long one dial or hello may take before it counts as failed.
constexpr std::chrono::seconds dial_timeout{5};
constexpr std::chrono::milliseconds first_backoff{250};

struct peer_state {
  node_info info; ///< name empty until its hello was answered
  node_actor handle;
  bool alive = false;
  bool dialing = false;
  int failures = 0; ///< dials that failed in a row
  /// Its part of the directory, as last pulled, and that snapshot's version. Kept when the
  /// peer goes down: its systems are still its own, only unreachable.
  std::uint64_t version = 0;
  ownership owned;
  /// The newest of its events copied here, and the database they came from (a node given a
  /// new database numbers its events anew); -1 until read from the store.
  std::int64_t copied = -1;
  std::string copied_from;
  bool pulling = false; ///< a pull of its events is under way
  bool again = false;   ///< it said it has more while the pull was under way
};

struct node_state {
  node_state() = default; // not an aggregate (see job_actor_state)
  cluster_settings settings;
  node_locals locals;
  relay_handler relay;           ///< answers relayed requests here
  participant_actor participant; ///< this node's part in collections spanning nodes
  ownership own;
  /// Changes whenever `own` does. It starts at random, so that a restarted node's first
  /// snapshot never looks like one its peers already hold.
  std::uint64_t own_version = 0;
  /// Peers by cluster address; a peer that does not listen by "node:NAME".
  std::map<std::string, peer_state> peers;
  static inline const char* name = "cluster_node";
};

using self_ptr = node_actor::stateful_pointer<node_state>;

std::string key_of(const node_info& info) {
  return info.cluster_address.empty() ? "node:" + info.name : info.cluster_address;
}

bool is_address(const std::string& key) {
  return key.rfind("node:", 0) != 0;
}

/// Every address this node can be told about, its own included.
std::vector<std::string> known_addresses(self_ptr self) {
  std::vector<std::string> out;
  if (!self->state.settings.self.cluster_address.empty())
    out.push_back(self->state.settings.self.cluster_address);
  for (const auto& [key, p] : self->state.peers)
    if (is_address(key))
      out.push_back(key);
  return out;
}

/// "HOST:PORT" or "[V6]:PORT" split; port 0 when malformed.
std::pair<std::string, std::uint16_t> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos)
    return {address, 0};
  auto host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  try {
    port = std::stoul(address.substr(colon + 1));
  } catch (const std::exception&) {
  }
  return {host, port <= 65535 ? static_cast<std::uint16_t>(port) : std::uint16_t{0}};
}

/// Why a peer at `key` calling itself `name` cannot be linked: names must be unique, or
/// requests and events would go to the wrong node. Empty when it can.
std::string name_clash(self_ptr self, const std::string& key, const std::string& name) {
  if (name == self->state.settings.self.name)
    return "node name '" + name + "' is this node's own";
  for (const auto& [other, p] : self->state.peers)
    if (other != key && p.alive && p.info.name == name)
      return "node name '" + name + "' is taken by the node at " + other;
  return {};
}

void linked(self_ptr self, const std::string& key, node_actor handle, node_info info) {
  auto& p = self->state.peers[key];
  p.info = std::move(info);
  if (p.handle != handle) {
    p.handle = handle;
    self->monitor(handle);
  }
  p.alive = true;
  p.dialing = false;
  p.failures = 0;
}

bool owns(const ownership& o, owned_kind kind, const std::string& key) {
  const auto& names = kind == owned_kind::system ? o.systems : o.collections;
  return std::binary_search(names.begin(), names.end(), key);
}

/// Whether `o` has any of the names in `wanted`.
bool owns_any(const ownership& o, const ownership& wanted) {
  auto any_of = [](const std::vector<std::string>& have, const std::vector<std::string>& names) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
      return std::binary_search(have.begin(), have.end(), n);
    });
  };
  return any_of(o.systems, wanted.systems) || any_of(o.collections, wanted.collections);
}

void set_own(self_ptr self, ownership now) {
  if (now == self->state.own)
    return;
  self->state.own = std::move(now);
  ++self->state.own_version;
}

/// Events pulled from a peer at once.
constexpr std::uint32_t events_per_pull = 500;

/// Copies the peer's new events into this node's stream, page after page, until it has no
/// more. One pull per peer at a time; a request during one makes it go on afterwards.
void pull_events(self_ptr self, const std::string& key) {
  auto i = self->state.peers.find(key);
  if (i == self->state.peers.end() || !i->second.alive || !i->second.handle ||
      i->second.info.name.empty())
    return;
  auto& p = i->second;
  if (p.pulling) {
    p.again = true;
    return;
  }
  p.pulling = true;
  p.again = false;
  auto origin = p.info.name;
  // What was copied now (when known); then pull again if asked to or more is waiting.
  auto settle = [=](std::optional<persistence::event_source> copied, bool more) {
    auto j = self->state.peers.find(key);
    if (j == self->state.peers.end())
      return;
    if (copied) {
      j->second.copied = copied->upto;
      j->second.copied_from = copied->source;
    }
    j->second.pulling = false;
    if (copied && (more || j->second.again))
      pull_events(self, key);
  };
  auto failed = [=](caf::error&) { settle(std::nullopt, false); }; // the next beat retries
  const auto& locals = self->state.locals;
  if (p.copied < 0) {
    self->request(locals.query, dial_timeout, persistence::event_source_atom::value, origin)
      .then([=](persistence::event_source& copied) { settle(copied, true); }, failed);
    return;
  }
  self->request(p.handle, dial_timeout, events_atom::value, p.copied, events_per_pull)
    .then(
      [=](persistence::event_page& page) {
        const auto& known = self->state.peers[key];
        // A new database there numbers its events anew: copy them from its start.
        if (known.copied > 0 && page.source != known.copied_from)
          return settle(persistence::event_source{0, page.source}, true);
        if (page.items.empty())
          return settle(persistence::event_source{known.copied, page.source}, false);
        const bool more = page.more;
        auto source = page.source;
        self
          ->request(self->state.locals.store, dial_timeout, persistence::import_events_atom::value,
                    origin, source, std::move(page.items))
          .then(
            [=](std::int64_t upto) {
              settle(persistence::event_source{upto, source}, more);
            },
            failed);
      },
      failed);
}

/// Pulls a peer's snapshot of what it owns.
void pull_ownership(self_ptr self, const std::string& key) {
  auto i = self->state.peers.find(key);
  if (i == self->state.peers.end() || !i->second.handle)
    return;
  self->request(i->second.handle, dial_timeout, ownership_atom::value)
    .then(
      [=](std::uint64_t version, ownership& owned) {
        auto j = self->state.peers.find(key);
        if (j == self->state.peers.end())
          return;
        j->second.version = version;
        j->second.owned = std::move(owned);
      },
      [](caf::error&) {}); // the next heartbeat asks again
}

/// Adds `key` to what the peer at `address` owns, until its next snapshot replaces it.
void remember(self_ptr self, const std::string& address, owned_kind kind, const std::string& key) {
  auto i = self->state.peers.find(address);
  if (i == self->state.peers.end())
    return;
  auto& o = i->second.owned;
  auto& names = kind == owned_kind::system ? o.systems : o.collections;
  names.insert(std::lower_bound(names.begin(), names.end(), key), key);
}

/// The alive peer named `name`, or null.
peer_state* alive_peer(self_ptr self, const std::string& name) {
  for (auto& [key, p] : self->state.peers)
    if (p.alive && p.handle && p.info.name == name)
      return &p;
  return nullptr;
}

/// `locate`, when the directory does not know the key: asks the inventory (a system
/// created here a moment ago) and every alive peer (one created there) at once.
caf::result<std::string> locate_unknown(self_ptr self, owned_kind kind, const std::string& key) {
  struct search {
    caf::response_promise promise;
    std::size_t pending = 0;
    bool done = false;
    std::string unreachable; ///< a peer that could not be asked
  };
  auto st = std::make_shared<search>();
  st->promise = self->make_response_promise();
  auto finish_one = [=] {
    if (--st->pending > 0 || st->done)
      return;
    st->done = true;
    if (st->unreachable.empty())
      st->promise.deliver(std::string{}); // no node owns it
    else
      st->promise.deliver(
        make_error(op_errc::timeout,
                   "node '" + st->unreachable + "' did not answer and may own '" + key + "'"));
  };
  auto found = [=](const std::string& node) {
    if (st->done)
      return;
    st->done = true;
    st->promise.deliver(node);
  };
  ownership wanted;
  (kind == owned_kind::system ? wanted.systems : wanted.collections).push_back(key);
  ++st->pending;
  self->request(self->state.locals.inventory, dial_timeout, owned_atom::value)
    .then(
      [=](ownership& now) {
        set_own(self, std::move(now));
        if (owns(self->state.own, kind, key))
          found(self->state.settings.self.name);
        finish_one();
      },
      [=](caf::error&) { finish_one(); });
  for (const auto& [address, p] : self->state.peers) {
    if (!p.alive || !p.handle) {
      if (!p.info.name.empty())
        st->unreachable = p.info.name; // it may own what its last snapshot did not show
      continue;
    }
    ++st->pending;
    auto name = p.info.name;
    auto at = address; // a copy: clang 14 cannot capture a structured binding
    self->request(p.handle, dial_timeout, owner_atom::value, wanted)
      .then(
        [=](bool owned) {
          if (owned) {
            remember(self, at, kind, key);
            found(name);
          }
          finish_one();
        },
        [=](caf::error&) {
          st->unreachable = name;
          finish_one();
        });
  }
  return st->promise;
}

/// This node's decision about collection job `id`, from its stored job (DESIGN §8).
caf::result<std::string> decision_about(self_ptr self, const std::string& id) {
  auto promise = self->make_response_promise<std::string>();
  self->request(self->state.locals.query, dial_timeout, persistence::get_job_atom::value, id)
    .then(
      [=](protocol::job_record& job) mutable {
        using protocol::job_state;
        if (job.state == job_state::completed)
          promise.deliver(std::string{decision::commit});
        else if (job.state == job_state::exception || job.state == job_state::terminated ||
                 job.state == job_state::killed)
          promise.deliver(std::string{decision::abort});
        else
          promise.deliver(std::string{decision::undecided});
      },
      [=](caf::error& err) mutable {
        if (err == persistence::store_errc::not_found)
          promise.deliver(std::string{decision::abort}); // no decision recorded
        else
          promise.deliver(std::move(err));
      });
  return promise;
}

/// `member`: the node owning system `name` and that node's actor.
caf::result<std::string, caf::strong_actor_ptr> find_member(self_ptr self,
                                                            const std::string& name) {
  auto promise = self->make_response_promise<std::string, caf::strong_actor_ptr>();
  auto me = caf::actor_cast<node_actor>(self);
  self->request(me, dial_timeout, locate_atom::value, owned_kind::system, name)
    .then(
      [=](std::string& node) mutable {
        auto* peer = alive_peer(self, node);
        if (node.empty())
          promise.deliver(
            make_error(op_errc::not_found, "system '" + name + "' exists on no node"));
        else if (node == self->state.settings.self.name)
          promise.deliver(make_error(op_errc::invalid_state,
                                     "system '" + name + "' was expected on another node"));
        else if (!peer)
          promise.deliver(make_error(op_errc::timeout, "node '" + node + "' is unreachable"));
        else
          promise.deliver(node, caf::actor_cast<caf::strong_actor_ptr>(peer->handle));
      },
      [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

/// A peer's question about one of this node's own objects (`Atom` names which), answered
/// by this actor from the query actor (not delegated: see `events_atom`).
template <class Value, class Atom>
caf::result<Value> own_object(self_ptr self, Atom atom, const std::string& key) {
  auto promise = self->make_response_promise<Value>();
  self->request(self->state.locals.query, dial_timeout, atom, key)
    .then([=](Value& v) mutable { promise.deliver(std::move(v)); },
          [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

/// `find`: asks every alive peer for the object at once; the first that has it answers.
template <class Value, class Atom>
caf::result<Value> find_on_peers(self_ptr self, Atom atom, const std::string& key) {
  struct search {
    caf::typed_response_promise<Value> promise;
    std::size_t pending = 1;
    bool done = false;
    std::string unreachable; ///< a peer that could not be asked
  };
  auto st = std::make_shared<search>();
  st->promise = self->make_response_promise<Value>();
  auto finish_one = [=] {
    if (--st->pending > 0 || st->done)
      return;
    st->done = true;
    if (st->unreachable.empty())
      st->promise.deliver(make_error(op_errc::not_found, "'" + key + "' is on no node"));
    else
      st->promise.deliver(
        make_error(op_errc::timeout,
                   "node '" + st->unreachable + "' did not answer and may hold '" + key + "'"));
  };
  for (const auto& [address, p] : self->state.peers) {
    if (!p.alive || !p.handle) {
      if (!p.info.name.empty())
        st->unreachable = p.info.name;
      continue;
    }
    ++st->pending;
    auto name = p.info.name;
    self->request(p.handle, dial_timeout, atom, key)
      .then(
        [=](Value& v) {
          if (!st->done) {
            st->done = true;
            st->promise.deliver(std::move(v));
          }
          finish_one();
        },
        [=](caf::error& err) {
          if (describe(err).code != op_errc::not_found)
            st->unreachable = name;
          finish_one();
        });
  }
  finish_one();
  return st->promise;
}

void dial(self_ptr self, const std::string& address);

void redial_later(self_ptr self, const std::string& address) {
  auto& p = self->state.peers[address];
  p.dialing = false;
  ++p.failures;
  auto delay = first_backoff * (1 << std::min(p.failures - 1, 8));
  self->delayed_send(self,
                     std::min<std::chrono::milliseconds>(delay, self->state.settings.max_backoff),
                     dial_atom::value, address);
}

void learn(self_ptr self, const std::vector<std::string>& addresses) {
  for (const auto& a : addresses)
    if (self->state.peers.count(a) == 0)
      dial(self, a);
}

void dial(self_ptr self, const std::string& address) {
  auto& st = self->state;
  if (address.empty() || address == st.settings.self.cluster_address)
    return;
  auto& p = st.peers[address];
  if (p.alive || p.dialing)
    return;
  p.dialing = true;
  auto [host, port] = split_address(address);
  auto mm = st.settings.tls ? self->system().openssl_manager().actor_handle()
                           : self->system().middleman().actor_handle();
  self->request(mm, dial_timeout, caf::connect_atom::value, host, port)
    .then(
      [=](caf::node_id&, caf::strong_actor_ptr& ptr, std::set<std::string>&) {
        if (!ptr)
          return redial_later(self, address);
        auto handle = caf::actor_cast<node_actor>(ptr);
        self
          ->request(handle, dial_timeout, hello_atom::value, self->state.settings.self,
                    known_addresses(self))
          .then(
            [=](node_info& info, std::vector<std::string>& known) {
              if (!name_clash(self, address, info.name).empty())
                return redial_later(self, address); // until the other one is gone
              linked(self, address, handle, std::move(info));
              pull_ownership(self, address);
              pull_events(self, address);
              learn(self, known);
            },
            [=](caf::error&) { redial_later(self, address); });
      },
      [=](caf::error&) { redial_later(self, address); });
}

node_actor::behavior_type node_impl(self_ptr self, cluster_settings settings, node_locals locals) {
  self->state.settings = std::move(settings);
  self->state.locals = std::move(locals);
  self->state.own_version = std::mt19937_64{std::random_device{}()}();
  const auto& l = self->state.locals;
  self->state.participant =
    self->spawn<caf::linked>(participant_impl, participant_locals{l.inventory, l.store, l.query,
                                                                  caf::actor_cast<node_actor>(self),
                                                                  self->state.settings.heartbeat});
  self->set_down_handler([=](caf::down_msg& dm) {
    for (auto& [key, p] : self->state.peers) {
      if (!p.handle || p.handle.address() != dm.source)
        continue;
      p.alive = false;
      p.handle = nullptr;
      if (is_address(key))
        redial_later(self, key);
    }
  });
  return {
    [=](hello_atom, node_info& info,
        std::vector<std::string>& known) -> caf::result<node_info, std::vector<std::string>> {
      auto sender = caf::actor_cast<node_actor>(self->current_sender());
      auto key = key_of(info);
      if (auto clash = name_clash(self, key, info.name); !clash.empty())
        return make_error(op_errc::conflict, std::move(clash));
      linked(self, key, sender, std::move(info));
      pull_ownership(self, key);
      pull_events(self, key);
      learn(self, known);
      return {self->state.settings.self, known_addresses(self)};
    },
    [=](node_status_atom, node_info& info, std::uint64_t version) {
      auto key = key_of(info);
      auto i = self->state.peers.find(key);
      if (i == self->state.peers.end())
        return;
      i->second.info = std::move(info);
      if (i->second.version != version)
        pull_ownership(self, key);
    },
    [=](ownership_atom) -> caf::result<std::uint64_t, ownership> {
      auto promise = self->make_response_promise<std::uint64_t, ownership>();
      self->request(self->state.locals.inventory, dial_timeout, owned_atom::value)
        .then(
          [=](ownership& now) mutable {
            set_own(self, std::move(now));
            promise.deliver(self->state.own_version, self->state.own);
          },
          [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
    [=](owner_atom, const ownership& wanted) -> caf::result<bool> {
      auto promise = self->make_response_promise<bool>();
      self->request(self->state.locals.inventory, dial_timeout, owned_atom::value)
        .then(
          [=](ownership& now) mutable {
            set_own(self, std::move(now));
            promise.deliver(owns_any(self->state.own, wanted));
          },
          [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
    [=](relay_atom, relayed_request& req) -> caf::result<relayed_response> {
      if (!self->state.relay)
        return make_error(op_errc::timeout, "node '" + self->state.settings.self.name +
                                              "' is not serving requests yet");
      return self->delegate(self->state.relay, relay_atom::value, std::move(req));
    },
    [=](relay_atom, const std::string& node,
        relayed_request& req) -> caf::result<relayed_response> {
      auto* peer = alive_peer(self, node);
      if (peer)
        return self->delegate(peer->handle, relay_atom::value, std::move(req));
      for (const auto& [address, p] : self->state.peers)
        if (p.info.name == node)
          return make_error(op_errc::timeout, "node '" + node + "' is unreachable");
      return make_error(op_errc::invalid_parameter, "no node named '" + node + "' in the cluster",
                        "node");
    },
    [=](locate_atom, owned_kind kind, std::string& key) -> caf::result<std::string> {
      const auto& st = self->state;
      if (owns(st.own, kind, key))
        return st.settings.self.name;
      for (const auto& [address, p] : st.peers)
        if (owns(p.owned, kind, key))
          return p.info.name;
      return locate_unknown(self, kind, key);
    },
    [=](peers_atom) {
      std::vector<std::string> out;
      for (const auto& [key, p] : self->state.peers)
        if (!p.info.name.empty())
          out.push_back(p.info.name);
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end()); // one moved to a new address
      return out;
    },
    [=](events_atom, std::int64_t after,
        std::uint32_t limit) -> caf::result<persistence::event_page> {
      persistence::event_query query;
      query.after = after;
      query.upto = std::numeric_limits<std::int64_t>::max();
      query.limit = std::min<std::uint32_t>(limit, 1000);
      query.own_only = true; // copies travel from their own node only
      // Answered by this actor, not delegated: a detached actor (the query actor) answering a
      // peer would be kept in CAF's registry and block this node's shutdown.
      auto promise = self->make_response_promise<persistence::event_page>();
      self
        ->request(self->state.locals.query, dial_timeout, persistence::list_events_atom::value,
                  query)
        .then([=](persistence::event_page& page) mutable { promise.deliver(std::move(page)); },
              [=](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
    [=](events_atom, const std::string& origin) {
      for (const auto& [key, p] : self->state.peers)
        if (p.info.name == origin)
          pull_events(self, key);
    },
    [=](events_atom) {
      for (const auto& [key, p] : self->state.peers)
        if (p.alive && p.handle)
          self->send(p.handle, events_atom::value, self->state.settings.self.name);
    },
    [=](reserve_member_atom, std::string& job,
        std::string& system) -> caf::result<protocol::system_info> {
      return self->delegate(self->state.participant, reserve_member_atom::value, std::move(job),
                            std::move(system));
    },
    [=](prepare_atom, std::string& coordinator,
        protocol::reference_point& rp) -> caf::result<ack_atom> {
      return self->delegate(self->state.participant, prepare_atom::value, std::move(coordinator),
                            std::move(rp));
    },
    [=](prepare_atom, std::string& coordinator, std::string& job,
        std::string& rpc) -> caf::result<ack_atom> {
      return self->delegate(self->state.participant, prepare_atom::value, std::move(coordinator),
                            std::move(job), std::move(rpc));
    },
    [=](decide_atom, std::string& job, bool commit) -> caf::result<ack_atom> {
      return self->delegate(self->state.participant, decide_atom::value, std::move(job), commit);
    },
    [=](check_atom, member_check& check) -> caf::result<ack_atom> {
      return self->delegate(self->state.participant, check_atom::value, std::move(check));
    },
    [=](decision_atom, const std::string& job) { return decision_about(self, job); },
    [=](decision_atom, const std::string& node, std::string& job) -> caf::result<std::string> {
      if (node == self->state.settings.self.name)
        return decision_about(self, job);
      auto* peer = alive_peer(self, node);
      if (!peer)
        return make_error(op_errc::timeout, "node '" + node + "' is unreachable");
      return self->delegate(peer->handle, decision_atom::value, std::move(job));
    },
    [=](member_atom, const std::string& name) { return find_member(self, name); },
    [=](persistence::get_system_atom atom, const std::string& name) {
      return own_object<protocol::system_info>(self, atom, name);
    },
    [=](persistence::get_rp_atom atom, const std::string& id) {
      return own_object<protocol::reference_point>(self, atom, id);
    },
    [=](persistence::get_rpc_atom atom, const std::string& id) {
      return own_object<protocol::collection_reference_point>(self, atom, id);
    },
    [=](find_atom, persistence::get_system_atom atom, const std::string& name) {
      return find_on_peers<protocol::system_info>(self, atom, name);
    },
    [=](find_atom, persistence::get_rp_atom atom, const std::string& id) {
      return find_on_peers<protocol::reference_point>(self, atom, id);
    },
    [=](find_atom, persistence::get_rpc_atom atom, const std::string& id) {
      return find_on_peers<protocol::collection_reference_point>(self, atom, id);
    },
    [=](peer_atom, const std::string& node) -> caf::result<caf::strong_actor_ptr> {
      if (auto* peer = alive_peer(self, node))
        return caf::actor_cast<caf::strong_actor_ptr>(peer->handle);
      for (const auto& [address, p] : self->state.peers)
        if (p.info.name == node)
          return make_error(op_errc::timeout, "node '" + node + "' is unreachable");
      return make_error(op_errc::not_found, "no node named '" + node + "' in the cluster");
    },
    [=](serve_atom, relay_handler& handler) { self->state.relay = std::move(handler); },
    [=](start_atom, std::string& http_address, std::string& cluster_address) {
      self->state.settings.self.http_address = std::move(http_address);
      self->state.settings.self.cluster_address = std::move(cluster_address);
      for (const auto& a : self->state.settings.peers)
        dial(self, a);
      self->send(self, heartbeat_atom::value);
    },
    [=](members_atom) {
      const auto& st = self->state;
      std::vector<member_view> out{{st.settings.self, true, true, st.own.systems.size()}};
      for (const auto& [key, p] : st.peers) {
        auto info = p.info;
        if (info.cluster_address.empty() && is_address(key))
          info.cluster_address = key; // dialed, never answered
        out.push_back({std::move(info), p.alive, false, p.owned.systems.size()});
      }
      std::sort(out.begin() + 1, out.end(), [](const member_view& a, const member_view& b) {
        return std::tie(a.info.name, a.info.cluster_address) <
               std::tie(b.info.name, b.info.cluster_address);
      });
      return out;
    },
    [=](dial_atom, std::string& address) { dial(self, address); },
    [=](heartbeat_atom) {
      self->request(self->state.locals.inventory, dial_timeout, owned_atom::value)
        .then(
          [=](ownership& now) {
            set_own(self, std::move(now));
            for (const auto& [key, p] : self->state.peers)
              if (p.alive && p.handle)
                self->send(p.handle, node_status_atom::value, self->state.settings.self,
                           self->state.own_version);
            // In case a peer's word of new events was lost.
            for (const auto& [key, p] : self->state.peers)
              pull_events(self, key);
          },
          [](caf::error&) {});
      self->delayed_send(self, self->state.settings.heartbeat, heartbeat_atom::value);
    },
  };
}

} // namespace

node_actor spawn_cluster_node(caf::actor_system& sys, cluster_settings settings,
                              node_locals locals) {
  auto hub = locals.hub;
  auto node = sys.spawn(node_impl, std::move(settings), std::move(locals));
  // Only this node's own changes are news for its peers (copies came from theirs).
  hub->set_tap([weak = caf::actor_cast<caf::weak_actor_ptr>(node)](const event_batch& batch) {
    if (std::none_of(batch->begin(), batch->end(),
                     [](const protocol::event_record& e) { return e.origin.empty(); }))
      return;
    if (auto strong = weak.lock())
      caf::anon_send(caf::actor_cast<node_actor>(strong), events_atom::value);
  });
  return node;
}

} // namespace refpoint::actors
