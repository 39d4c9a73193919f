#include "web/member_homes.hpp"

#include "protocol/rest_json.hpp"
#include "web/actor_call.hpp"

#include <boost/json/parse.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace refpoint::web {

namespace {

/// A member to check: its name and the field that named it.
struct named_member {
  std::string name;
  std::string field;
};

/// The members a request adds to a collection (none for any other request).
std::vector<named_member> members_added(const exchange& ex) {
  if (!adds_members(ex))
    return {};
  const auto& p = ex.path;
  if (ex.req.method() == http::verb::put)
    return {{canonical_id(p[5]), "systemId"}};
  boost::system::error_code ec;
  auto body = boost::json::parse(ex.req.body(), ec);
  if (ec)
    return {};
  if (!protocol::decode_collection(body)) // a bad body: the home node says what is wrong
    return {};
  const auto* members = body.as_object().if_contains("members");
  if (!members)
    return {};
  // Named as the client wrote them (the decoded list is sorted).
  std::vector<named_member> out;
  const auto& written = members->as_array();
  for (std::size_t i = 0; i < written.size(); ++i)
    out.push_back(
      {canonical_id(std::string{written[i].as_string()}), "members[" + std::to_string(i) + "]"});
  return out;
}

void check_from(const exchange_ptr& ex, std::shared_ptr<const std::vector<named_member>> members,
                std::size_t next, std::string home, std::function<void()> go) {
  if (next == members->size())
    return go();
  const auto& member = (*members)[next];
  call_actor(
    ex->ctx->system, ex->ctx->cluster, ex->ctx->method_timeout,
    [=](std::string& node) {
      if (!node.empty() && node != home)
        return ex->problem(http::status::unprocessable_entity,
                           "system " + member.name + " lives on node '" + node +
                             "', and the members of a collection must live on its home node '" +
                             home + "' (collections spanning nodes are not supported yet)",
                           member.field);
      check_from(ex, members, next + 1, home, go);
    },
    [ex](caf::error& err) { ex->fail(err); }, actors::locate_atom::value,
    actors::owned_kind::system, member.name);
}

} // namespace

bool adds_members(const exchange& ex) {
  const auto& p = ex.path;
  const auto method = ex.req.method();
  return (method == http::verb::put && p.size() == 6 && p[2] == "collections" &&
          p[4] == "members") ||
         (method == http::verb::post && p.size() == 3 && p[0] == "api" && p[2] == "collections");
}

void check_member_homes(const exchange_ptr& ex, const std::string& home, std::function<void()> go) {
  auto members = std::make_shared<const std::vector<named_member>>(members_added(*ex));
  check_from(ex, std::move(members), 0, home, std::move(go));
}

} // namespace refpoint::web
