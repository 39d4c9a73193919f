#include "web/cluster_routing.hpp"

#include "protocol/destroy_call.hpp"
#include "web/actor_call.hpp"
#include "web/placement.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>

namespace refpoint::web {

namespace {

using clock = std::chrono::steady_clock;
using actors::relayed_request;
using actors::relayed_response;

/// Headers that describe one hop or carry credentials this node already checked. `Origin`
/// stays here too: this node adds the CORS headers its own clients need.
bool stays_here(std::string_view name) {
  static constexpr std::array<std::string_view, 11> names{"connection",
                                                          "keep-alive",
                                                          "transfer-encoding",
                                                          "content-length",
                                                          "host",
                                                          "authorization",
                                                          "upgrade",
                                                          "te",
                                                          "trailer",
                                                          "origin",
                                                          "proxy-authorization"};
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return iequals(n, name); });
}

std::chrono::milliseconds remaining(clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  return std::max(left, std::chrono::milliseconds{1});
}

/// Answers that the node holding the target could not be reached: CIM methods with
/// `ReturnValue` 3 (Timeout; Hyper-V's code on the virtual-system service's destroy), every
/// other request with 503.
void answer_unreachable(const exchange_ptr& ex, const std::string& message) {
  const auto& p = ex->path;
  if (p.size() > 2 && p[0] == "cim" && ex->req.method() == http::verb::post) {
    auto code = static_cast<std::uint32_t>(protocol::return_code::timeout);
    if (p.size() == 4 && iequals(p[2], "Msvm_VirtualSystemReferencePointService") &&
        iequals(p[3], "DestroyReferencePoint"))
      code = static_cast<std::uint32_t>(protocol::to_hyperv(protocol::return_code::timeout));
    return ex->json(http::status::ok,
                    {{"ReturnValue", code}, {"Job", nullptr}, {"ErrorDescription", message}});
  }
  ex->problem(http::status::service_unavailable, message);
}

/// Why a relay to `node` failed, for the client.
std::string relay_failure(const std::string& node, const caf::error& err,
                          std::chrono::milliseconds timeout) {
  if (err == caf::sec::request_timeout)
    return "node '" + node + "' did not answer within " + std::to_string(timeout.count()) + " ms";
  return actors::describe(err).message;
}

/// Relays `req` to `node`; calls `done(response)` or `failed(error)`.
template <class Done, class Failed>
void relay(const exchange_ptr& ex, const std::string& node, relayed_request req,
           clock::time_point deadline, Done done, Failed failed) {
  call_actor(
    ex->ctx->system, ex->ctx->cluster, remaining(deadline),
    [done](relayed_response& res) mutable { done(std::move(res)); },
    [failed](caf::error& err) mutable { failed(err); }, actors::relay_atom::value, node,
    std::move(req));
}

/// Relays the client's request to `node` and answers with what it answers.
void forward(const exchange_ptr& ex, const std::string& node, clock::time_point deadline) {
  relay(
    ex, node, relay_of(ex->req), deadline,
    [ex](relayed_response res) { ex->reply(response_of(ex->meta, std::move(res))); },
    [ex, node](const caf::error& err) {
      if (actors::describe(err).code == actors::op_errc::invalid_parameter)
        return ex->fail(err);
      answer_unreachable(ex, relay_failure(node, err, ex->ctx->method_timeout));
    });
}

/// A copy of `ex` whose answer goes to `sink` instead of the client.
exchange_ptr capture(const exchange_ptr& ex, responder sink) {
  auto copy = std::make_shared<exchange>(*ex);
  copy->respond = std::move(sink);
  return copy;
}

http_request get_request(const std::string& target) {
  http_request req{http::verb::get, target, 11};
  req.prepare_payload();
  return req;
}

/// What the peers answered to one request: the first answer that was not 404, or the
/// peers that could not be asked.
struct peer_search {
  std::optional<std::pair<std::string, relayed_response>> found;
  std::vector<std::string> unreachable;
};

/// Sends `req` to every peer at once (one that is down fails at once); calls
/// `done(peer_search)` with the first answer that is not 404, or once every peer has answered
/// 404 or failed.
template <class Done>
void ask_peers(const exchange_ptr& ex, relayed_request req, clock::time_point deadline, Done done) {
  call_actor(
    ex->ctx->system, ex->ctx->cluster, remaining(deadline),
    [ex, req, deadline, done](std::vector<std::string>& peers) {
      if (peers.empty())
        return done(peer_search{});
      struct tally {
        std::mutex m;
        std::size_t pending;
        bool finished = false;
        peer_search result;
      };
      auto t = std::make_shared<tally>();
      t->pending = peers.size();
      auto settle = [t, done](std::optional<std::pair<std::string, relayed_response>> found,
                              std::string unreachable) {
        std::unique_lock lock{t->m};
        if (t->finished)
          return;
        if (!unreachable.empty())
          t->result.unreachable.push_back(std::move(unreachable));
        if (found)
          t->result.found = std::move(found);
        if (--t->pending > 0 && !t->result.found)
          return;
        t->finished = true;
        auto result = std::move(t->result);
        lock.unlock();
        done(std::move(result));
      };
      for (const auto& peer : peers)
        relay(
          ex, peer, req, deadline,
          [settle, peer](relayed_response res) {
            if (res.status == 404)
              return settle(std::nullopt, {});
            settle(std::make_pair(peer, std::move(res)), {});
          },
          [settle, peer](const caf::error&) { settle(std::nullopt, peer); });
    },
    [done](caf::error&) { done(peer_search{}); }, actors::peers_atom::value);
}

std::string unreachable_message(const std::vector<std::string>& nodes) {
  std::string out = "node";
  out += nodes.size() > 1 ? "s " : " ";
  for (std::size_t i = 0; i < nodes.size(); ++i)
    out += (i > 0 ? ", '" : "'") + nodes[i] + "'";
  return out + " did not answer and may hold it";
}

/// A read: this node's answer unless it is 404, then the first peer's that is not.
void search(const exchange_ptr& ex, local_route local, clock::time_point deadline) {
  local(capture(ex, [ex, deadline](http_response mine) {
    if (mine.result() != http::status::not_found)
      return ex->reply(std::move(mine));
    auto shared = std::make_shared<http_response>(std::move(mine));
    ask_peers(ex, relay_of(ex->req), deadline, [ex, shared](peer_search found) {
      if (found.found)
        return ex->reply(response_of(ex->meta, std::move(found.found->second)));
      if (!found.unreachable.empty())
        return answer_unreachable(ex, unreachable_message(found.unreachable));
      ex->reply(std::move(*shared));
    });
  }));
}

/// A write naming a job or reference point: answered where `GET probe_target` finds it.
void probe(const exchange_ptr& ex, local_route local, const std::string& probe_target,
           clock::time_point deadline) {
  auto finder = std::make_shared<exchange>();
  finder->ctx = ex->ctx;
  finder->meta = ex->meta;
  finder->req = get_request(probe_target);
  finder->relayed = true;
  decode_target(probe_target, *finder);
  finder->respond = [ex, local, deadline, finder_req = relay_of(finder->req)](http_response mine) {
    if (mine.result() != http::status::not_found)
      return local(ex);
    ask_peers(ex, finder_req, deadline, [ex, local, deadline](peer_search found) {
      if (found.found)
        return forward(ex, found.found->first, deadline);
      if (!found.unreachable.empty())
        return answer_unreachable(ex, unreachable_message(found.unreachable));
      local(ex); // nowhere: this node gives the not-found answer
    });
  };
  local(finder);
}

/// The items of a listing's answer: a CIM array, or a REST `{items}` object's array.
boost::json::array* items_of_listing(boost::json::value& body, bool rest) {
  if (!rest)
    return body.if_array();
  auto* object = body.if_object();
  if (!object)
    return nullptr;
  auto* items = object->if_contains("items");
  return items ? items->if_array() : nullptr;
}

/// A listing: every node's items, this node's first; REST items then sorted by `merge_key`.
/// Nodes that did not answer are named in `Refpoint-Unreachable-Nodes` (and, in REST, in
/// `unreachable`), so a partial listing never passes for a whole one.
void gather(const exchange_ptr& ex, local_route local, std::string merge_key,
            clock::time_point deadline) {
  call_actor(
    ex->ctx->system, ex->ctx->cluster, remaining(deadline),
    [ex, local, merge_key, deadline](std::vector<std::string>& peers) {
      struct tally {
        std::mutex m;
        std::size_t pending = 0;
        std::optional<http_response> mine;
        std::vector<std::pair<std::string, relayed_response>> theirs;
        std::vector<std::string> unreachable;
      };
      auto t = std::make_shared<tally>();
      t->pending = peers.size() + 1;
      auto merge = [ex, t, merge_key] {
        auto& mine = *t->mine;
        boost::system::error_code ec;
        auto body = boost::json::parse(mine.body(), ec);
        const bool rest = !merge_key.empty();
        auto* items = ec ? nullptr : items_of_listing(body, rest);
        if (mine.result() != http::status::ok || !items)
          return ex->reply(std::move(mine));
        std::sort(t->theirs.begin(), t->theirs.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [node, res] : t->theirs) {
          auto theirs = boost::json::parse(res.body, ec);
          auto* more = res.status == 200 && !ec ? items_of_listing(theirs, rest) : nullptr;
          if (!more) {
            t->unreachable.push_back(node);
            continue;
          }
          for (auto& item : *more)
            items->push_back(std::move(item));
        }
        if (rest)
          std::stable_sort(items->begin(), items->end(), [&](const auto& a, const auto& b) {
            const auto* x = a.is_object() ? a.as_object().if_contains(merge_key) : nullptr;
            const auto* y = b.is_object() ? b.as_object().if_contains(merge_key) : nullptr;
            if (!x || !y || !x->is_string() || !y->is_string())
              return false;
            return x->as_string() < y->as_string();
          });
        std::sort(t->unreachable.begin(), t->unreachable.end());
        if (rest && !t->unreachable.empty()) {
          boost::json::array names;
          for (const auto& n : t->unreachable)
            names.emplace_back(n);
          body.as_object()["unreachable"] = std::move(names);
        }
        auto res = json_response(ex->meta, http::status::ok, body);
        if (!t->unreachable.empty()) {
          std::string names;
          for (const auto& n : t->unreachable)
            names += (names.empty() ? "" : ", ") + n;
          res.set("Refpoint-Unreachable-Nodes", names);
        }
        ex->reply(std::move(res));
      };
      auto settle = [t, merge](auto&& record) {
        std::unique_lock lock{t->m};
        record(*t);
        if (--t->pending > 0)
          return;
        lock.unlock();
        merge();
      };
      local(capture(
        ex, [settle](http_response mine) { settle([&](tally& s) { s.mine = std::move(mine); }); }));
      for (const auto& peer : peers)
        relay(
          ex, peer, relay_of(ex->req), deadline,
          [settle, peer](relayed_response res) {
            settle([&](tally& s) { s.theirs.emplace_back(peer, std::move(res)); });
          },
          [settle, peer](const caf::error&) {
            settle([&](tally& s) { s.unreachable.push_back(peer); });
          });
    },
    [ex, local](caf::error&) { local(ex); }, actors::peers_atom::value);
}

/// Answers on the home node of a system or collection.
void on_owner(const exchange_ptr& ex, local_route local, actors::owned_kind owned, std::string key,
              clock::time_point deadline) {
  call_actor(
    ex->ctx->system, ex->ctx->cluster, remaining(deadline),
    [ex, local, deadline](std::string& node) {
      if (node.empty() || node == ex->ctx->node_name)
        return local(ex);
      forward(ex, node, deadline);
    },
    [ex](caf::error& err) { answer_unreachable(ex, actors::describe(err).message); },
    actors::locate_atom::value, owned, std::move(key));
}

} // namespace

actors::relayed_request relay_of(const http_request& req) {
  relayed_request out{std::string{req.method_string()}, std::string{req.target()}, {}, req.body()};
  for (const auto& field : req)
    if (!stays_here(field.name_string()))
      out.headers.push_back({std::string{field.name_string()}, std::string{field.value()}});
  return out;
}

http_response response_of(const reply_meta& meta, actors::relayed_response&& relayed) {
  http_response res{static_cast<http::status>(relayed.status), meta.version};
  for (auto& h : relayed.headers)
    if (!stays_here(h.name))
      res.insert(h.name, h.value);
  res.keep_alive(meta.keep_alive);
  res.body() = std::move(relayed.body);
  res.prepare_payload();
  return res;
}

actors::relayed_response relayed_of(http_response&& res) {
  relayed_response out{res.result_int(), {}, std::move(res.body())};
  for (const auto& field : res)
    if (!stays_here(field.name_string()))
      out.headers.push_back({std::string{field.name_string()}, std::string{field.value()}});
  return out;
}

void route_in_cluster(const exchange_ptr& ex, local_route local) {
  const auto& ctx = *ex->ctx;
  auto where = place_request(ex->req.method(), ex->path, ex->query, ex->req.body());
  using kind = placement::kind;
  if (where.how == kind::node && where.key != ctx.node_name && !ctx.clustered)
    return ex->problem(http::status::bad_request,
                       "no node named '" + where.key + "': this refpointd is not in a cluster",
                       "node");
  if (!ctx.clustered || where.how == kind::local ||
      (where.how == kind::node && where.key == ctx.node_name))
    return local(ex);
  const auto deadline = clock::now() + ctx.method_timeout;
  switch (where.how) {
  case kind::owner:
    return on_owner(ex, local, where.owned, std::move(where.key), deadline);
  case kind::node:
    return forward(ex, where.key, deadline);
  case kind::search:
    return search(ex, local, deadline);
  case kind::probe:
    return probe(ex, local, where.key, deadline);
  case kind::gather:
    return gather(ex, local, std::move(where.merge_key), deadline);
  case kind::local:
    break;
  }
  local(ex);
}

} // namespace refpoint::web
