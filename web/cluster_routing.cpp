#include "web/cluster_routing.hpp"

#include "protocol/destroy_call.hpp"
#include "protocol/job_query.hpp"
#include "web/actor_call.hpp"
#include "web/placement.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <array>
#include <mutex>
#include <optional>
#include <tuple>

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

/// Relays `req` to `node`; calls `done(response)` or `failed(error)`. Counted in the
/// metrics either way.
template <class Done, class Failed>
void relay(const exchange_ptr& ex, const std::string& node, relayed_request req,
           clock::time_point deadline, Done done, Failed failed) {
  auto count = [metrics = ex->ctx->metrics, node, started = clock::now()](bool answered) {
    const std::chrono::duration<double> spent = clock::now() - started;
    metrics->record_relay(node, answered, spent.count());
  };
  call_actor(
    ex->ctx->system, ex->ctx->cluster, remaining(deadline),
    [done, count](relayed_response& res) mutable {
      count(true);
      done(std::move(res));
    },
    [failed, count](caf::error& err) mutable {
      count(false);
      failed(err);
    },
    actors::relay_atom::value, node, std::move(req));
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

/// True when an answer says its target does not exist on the node that gave it.
bool is_missing(const http_response& res) {
  return res.result() == http::status::not_found || res.find(missing_header) != res.end();
}

bool is_missing(const relayed_response& res) {
  return res.status == 404 ||
         std::any_of(res.headers.begin(), res.headers.end(),
                     [](const auto& h) { return iequals(h.name, missing_header); });
}

/// What the peers answered to one request: the first answer that was not 404, or the
/// peers that could not be asked.
struct peer_search {
  std::optional<std::pair<std::string, relayed_response>> found;
  std::vector<std::string> unreachable;
};

/// Sends `req` to every peer at once (one that is down fails at once); calls
/// `done(peer_search)` with the first answer that has the target, or once every peer has
/// answered without it or failed.
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
            if (is_missing(res))
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

/// A read: this node's answer unless its target is missing here, then the first peer's that
/// has it.
void search(const exchange_ptr& ex, local_route local, clock::time_point deadline) {
  local(capture(ex, [ex, deadline](http_response mine) {
    if (!is_missing(mine))
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

/// A `GET target` of this node's own on behalf of `ex`, answered to `sink`; marked as
/// relayed, so it is answered here alone.
exchange_ptr get_here(const exchange_ptr& ex, const std::string& target, responder sink) {
  auto own = std::make_shared<exchange>();
  own->ctx = ex->ctx;
  own->meta = ex->meta;
  own->req = get_request(target);
  own->relayed = true;
  decode_target(target, *own);
  own->respond = std::move(sink);
  return own;
}

/// A write naming a job or reference point: answered where `GET probe_target` finds it.
void probe(const exchange_ptr& ex, local_route local, const std::string& probe_target,
           clock::time_point deadline) {
  auto finder_req = relay_of(get_request(probe_target));
  local(get_here(ex, probe_target, [ex, local, deadline, finder_req](http_response mine) {
    if (mine.result() != http::status::not_found)
      return local(ex);
    ask_peers(ex, finder_req, deadline, [ex, local, deadline](peer_search found) {
      if (found.found)
        return forward(ex, found.found->first, deadline);
      if (!found.unreachable.empty())
        return answer_unreachable(ex, unreachable_message(found.unreachable));
      local(ex); // nowhere: this node gives the not-found answer
    });
  }));
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

/// Every node's answer to a request of the same listing: this node's, then its peers' by
/// name; and the peers that did not answer.
struct node_answers {
  http_response mine;
  std::vector<std::pair<std::string, relayed_response>> theirs;
  std::vector<std::string> unreachable;
};

/// Asks this node (`here(sink)` is its request, answered by `local`) and every peer
/// (`to_peer(name)`) at once; calls `done(node_answers)` once all have answered or failed.
template <class Here, class ToPeer, class Done>
void collect(const exchange_ptr& ex, local_route local, Here here, ToPeer to_peer,
             clock::time_point deadline, Done done) {
  call_actor(
    ex->ctx->system, ex->ctx->cluster, remaining(deadline),
    [ex, local, here, to_peer, deadline, done](std::vector<std::string>& peers) {
      struct tally {
        std::mutex m;
        std::size_t pending = 0;
        node_answers answers;
      };
      auto t = std::make_shared<tally>();
      t->pending = peers.size() + 1;
      auto settle = [t, done](auto&& record) {
        std::unique_lock lock{t->m};
        record(t->answers);
        if (--t->pending > 0)
          return;
        lock.unlock();
        auto& a = t->answers;
        std::sort(a.theirs.begin(), a.theirs.end(),
                  [](const auto& x, const auto& y) { return x.first < y.first; });
        std::sort(a.unreachable.begin(), a.unreachable.end());
        done(std::move(a));
      };
      local(here([settle](http_response mine) {
        settle([&](node_answers& a) { a.mine = std::move(mine); });
      }));
      for (const auto& peer : peers)
        relay(
          ex, peer, to_peer(peer), deadline,
          [settle, peer](relayed_response res) {
            settle([&](node_answers& a) { a.theirs.emplace_back(peer, std::move(res)); });
          },
          [settle, peer](const caf::error&) {
            settle([&](node_answers& a) { a.unreachable.push_back(peer); });
          });
    },
    [ex, local](caf::error&) { local(ex); }, actors::peers_atom::value);
}

/// Answers a merged listing `body`, naming the nodes that did not answer in
/// `Refpoint-Unreachable-Nodes` (and, in REST, in `unreachable`), so that a partial listing
/// never passes for a whole one.
void reply_listing(const exchange_ptr& ex, boost::json::value body,
                   const std::vector<std::string>& unreachable) {
  if (unreachable.empty())
    return ex->json(http::status::ok, body);
  std::string names;
  boost::json::array list;
  for (const auto& n : unreachable) {
    names += (names.empty() ? "" : ", ") + n;
    list.emplace_back(n);
  }
  if (body.is_object())
    body.as_object()["unreachable"] = std::move(list);
  auto res = json_response(ex->meta, http::status::ok, body);
  res.set("Refpoint-Unreachable-Nodes", names);
  ex->reply(std::move(res));
}

/// A listing: every node's items, this node's first; REST items then sorted by `merge_key`.
void gather(const exchange_ptr& ex, local_route local, std::string merge_key,
            clock::time_point deadline) {
  auto here = [ex](responder sink) { return capture(ex, std::move(sink)); };
  auto to_peer = [req = relay_of(ex->req)](const std::string&) { return req; };
  collect(ex, local, here, to_peer, deadline, [ex, merge_key](node_answers a) {
    boost::system::error_code ec;
    auto body = boost::json::parse(a.mine.body(), ec);
    const bool rest = !merge_key.empty();
    auto* items = ec ? nullptr : items_of_listing(body, rest);
    if (a.mine.result() != http::status::ok || !items)
      return ex->reply(std::move(a.mine));
    for (auto& [node, res] : a.theirs) {
      auto theirs = boost::json::parse(res.body, ec);
      auto* more = res.status == 200 && !ec ? items_of_listing(theirs, rest) : nullptr;
      if (!more) {
        a.unreachable.push_back(node);
        continue;
      }
      for (auto& item : *more)
        items->push_back(std::move(item));
    }
    if (rest)
      std::stable_sort(items->begin(), items->end(), [&](const auto& x, const auto& y) {
        const auto* l = x.is_object() ? x.as_object().if_contains(merge_key) : nullptr;
        const auto* r = y.is_object() ? y.as_object().if_contains(merge_key) : nullptr;
        if (!l || !r || !l->is_string() || !r->is_string())
          return false;
        return l->as_string() < r->as_string();
      });
    std::sort(a.unreachable.begin(), a.unreachable.end());
    reply_listing(ex, std::move(body), a.unreachable);
  });
}

/// One job of a node's page of the cluster job listing.
struct listed_job {
  std::string submitted; ///< `submittedAt`: ISO-8601 UTC, so text order is time order
  std::string node;
  std::size_t index = 0; ///< its place in that node's page
  std::int64_t seq = 0;  ///< its place in that node's whole list
  boost::json::value job;
};

/// A node's page (`{items, seqs, next?}`) as listed jobs; false when it is not one.
bool add_page(const std::string& node, const std::string& text, std::vector<listed_job>& out,
              bool& more) {
  boost::system::error_code ec;
  auto body = boost::json::parse(text, ec);
  const auto* object = ec ? nullptr : body.if_object();
  const auto* items = object ? object->if_contains("items") : nullptr;
  const auto* seqs = object ? object->if_contains("seqs") : nullptr;
  if (!items || !seqs || !items->is_array() || !seqs->is_array() ||
      items->as_array().size() != seqs->as_array().size())
    return false;
  for (std::size_t i = 0; i < items->as_array().size(); ++i) {
    const auto& job = items->as_array()[i];
    const auto* submitted = job.is_object() ? job.as_object().if_contains("submittedAt") : nullptr;
    if (!submitted || !submitted->is_string() || !seqs->as_array()[i].is_int64())
      return false;
    out.push_back(
      {std::string{submitted->as_string()}, node, i, seqs->as_array()[i].as_int64(), job});
  }
  more = more || object->contains("next");
  return true;
}

/// `GET /api/v1/jobs` over the cluster: every node's next page after its own place in the
/// cluster cursor, merged oldest first (one node's jobs keep their order), at most `limit`,
/// and a cluster cursor that resumes each node after its last job listed.
void gather_pages(const exchange_ptr& ex, local_route local, clock::time_point deadline) {
  std::optional<protocol::cluster_cursor> resume = protocol::cluster_cursor{};
  std::string query; // the client's, without `after`
  std::size_t afters = 0;
  for (const auto& [name, value] : ex->query) {
    if (name == "after") {
      ++afters;
      resume = protocol::decode_cluster_cursor(value);
      continue;
    }
    query += (query.empty() ? "" : "&") + boost::urls::encode(name, boost::urls::unreserved_chars) +
             "=" + boost::urls::encode(value, boost::urls::unreserved_chars);
  }
  if (afters > 1)
    return ex->problem(http::status::bad_request, "after is given more than once", "after");
  if (!resume)
    return ex->problem(http::status::bad_request, "after is not a cursor from a previous page",
                       "after");
  std::size_t limit = protocol::job_filter{}.limit; // a bad one: this node's answer says so
  for (const auto& [name, value] : ex->query)
    if (name == "limit")
      if (auto parsed = protocol::decode_job_filter({{name, value}}))
        limit = parsed.value().limit;
  auto target_for = [resume = *resume, query](const std::string& node) {
    std::string target = "/api/v1/jobs?" + query;
    if (auto i = resume.find(node); i != resume.end())
      target += (query.empty() ? "after=" : "&after=") + protocol::encode_cursor(i->second);
    return target;
  };
  auto self = ex->ctx->node_name;
  auto here = [ex, target = target_for(self)](responder sink) {
    return get_here(ex, target, std::move(sink));
  };
  auto to_peer = [target_for](const std::string& peer) {
    return relay_of(get_request(target_for(peer)));
  };
  collect(ex, local, here, to_peer, deadline, [ex, self, limit, resume = *resume](node_answers a) {
    if (a.mine.result() != http::status::ok) // a bad parameter: this node's answer
      return ex->reply(std::move(a.mine));
    std::vector<listed_job> jobs;
    bool more = false;
    add_page(self, a.mine.body(), jobs, more);
    for (auto& [node, res] : a.theirs)
      if (res.status != 200 || !add_page(node, res.body, jobs, more))
        a.unreachable.push_back(node);
    std::stable_sort(jobs.begin(), jobs.end(), [](const auto& x, const auto& y) {
      return std::tie(x.submitted, x.node, x.index) < std::tie(y.submitted, y.node, y.index);
    });
    boost::json::array items;
    auto cursor = resume;
    for (std::size_t i = 0; i < jobs.size() && i < limit; ++i) {
      cursor[jobs[i].node] = jobs[i].seq;
      items.push_back(std::move(jobs[i].job));
    }
    boost::json::object body{{"items", std::move(items)}};
    if (more || jobs.size() > limit)
      body["next"] = protocol::encode_cluster_cursor(cursor);
    std::sort(a.unreachable.begin(), a.unreachable.end());
    reply_listing(ex, std::move(body), a.unreachable);
  });
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

namespace {

/// Answers `ex` as its placement `where` says.
void route_placed(const exchange_ptr& ex, local_route local, placement where) {
  const auto& ctx = *ex->ctx;
  using kind = placement::kind;
  if (where.how == kind::local || (where.how == kind::node && where.key == ctx.node_name))
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
  case kind::pages:
    return gather_pages(ex, local, deadline);
  case kind::local:
    break;
  }
  local(ex);
}

} // namespace

void route_in_cluster(const exchange_ptr& ex, local_route local) {
  const auto& ctx = *ex->ctx;
  auto where = place_request(ex->req.method(), ex->path, ex->query, ex->req.body());
  using kind = placement::kind;
  if (where.how == kind::node && where.key != ctx.node_name && !ctx.clustered)
    return ex->problem(http::status::bad_request,
                       "no node named '" + where.key + "': this refpointd is not in a cluster",
                       "node");
  if (!ctx.clustered)
    return local(ex);
  route_placed(ex, local, std::move(where));
}

} // namespace refpoint::web
