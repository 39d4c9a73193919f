#include "actors/cluster_node.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include <algorithm>
#include <map>

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
  std::uint64_t systems = 0;
};

struct node_state {
  node_state() = default; // not an aggregate (see job_actor_state)
  cluster_settings settings;
  inventory_actor inventory;
  std::uint64_t own_systems = 0;
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
  auto mm = self->system().middleman().actor_handle();
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
              linked(self, address, handle, std::move(info));
              learn(self, known);
            },
            [=](caf::error&) { redial_later(self, address); });
      },
      [=](caf::error&) { redial_later(self, address); });
}

node_actor::behavior_type node_impl(self_ptr self, cluster_settings settings,
                                    inventory_actor inventory) {
  self->state.settings = std::move(settings);
  self->state.inventory = std::move(inventory);
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
      linked(self, key, sender, std::move(info));
      learn(self, known);
      return {self->state.settings.self, known_addresses(self)};
    },
    [=](node_status_atom, node_info& info, std::uint64_t systems) {
      auto i = self->state.peers.find(key_of(info));
      if (i == self->state.peers.end())
        return;
      i->second.info = std::move(info);
      i->second.systems = systems;
    },
    [=](start_atom, std::string& http_address, std::string& cluster_address) {
      self->state.settings.self.http_address = std::move(http_address);
      self->state.settings.self.cluster_address = std::move(cluster_address);
      for (const auto& a : self->state.settings.peers)
        dial(self, a);
      self->send(self, heartbeat_atom::value);
    },
    [=](members_atom) {
      const auto& st = self->state;
      std::vector<member_view> out{{st.settings.self, true, true, st.own_systems}};
      for (const auto& [key, p] : st.peers) {
        auto info = p.info;
        if (info.cluster_address.empty() && is_address(key))
          info.cluster_address = key; // dialed, never answered
        out.push_back({std::move(info), p.alive, false, p.systems});
      }
      std::sort(out.begin() + 1, out.end(), [](const member_view& a, const member_view& b) {
        return std::tie(a.info.name, a.info.cluster_address) <
               std::tie(b.info.name, b.info.cluster_address);
      });
      return out;
    },
    [=](dial_atom, std::string& address) { dial(self, address); },
    [=](heartbeat_atom) {
      self->request(self->state.inventory, dial_timeout, count_systems_atom::value)
        .then(
          [=](std::uint64_t systems) {
            self->state.own_systems = systems;
            for (const auto& [key, p] : self->state.peers)
              if (p.alive && p.handle)
                self->send(p.handle, node_status_atom::value, self->state.settings.self, systems);
          },
          [](caf::error&) {});
      self->delayed_send(self, self->state.settings.heartbeat, heartbeat_atom::value);
    },
  };
}

} // namespace

node_actor spawn_cluster_node(caf::actor_system& sys, cluster_settings settings,
                              inventory_actor inventory) {
  return sys.spawn(node_impl, std::move(settings), std::move(inventory));
}

} // namespace refpoint::actors
