#include "web/placement.hpp"

#include "protocol/cim_call.hpp"
#include "protocol/destroy_call.hpp"
#include "protocol/object_path.hpp"
#include "web/exchange.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>

namespace refpoint::web {

namespace {

using kind = placement::kind;
using actors::owned_kind;

placement owner(owned_kind owned, std::string key) {
  return {.how = kind::owner, .owned = owned, .key = canonical_id(key)};
}

/// Probes `GET /api/v1/{collection}/{id}`.
placement probe(std::string_view collection, const std::string& id) {
  return {.how = kind::probe,
          .key = "/api/v1/" + std::string{collection} + "/" +
                 boost::urls::encode(canonical_id(id), boost::urls::pchars)};
}

placement search() {
  return {.how = kind::search};
}

placement gather(std::string merge_key = {}) {
  return {.how = kind::gather, .merge_key = std::move(merge_key)};
}

std::optional<boost::json::value> parse(std::string_view body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec)
    return std::nullopt;
  return value;
}

/// `POST /api/v1/systems` and `/collections`: the node the body names as the new resource's
/// home, when it names one.
placement home_named_in(std::string_view body) {
  auto value = parse(body);
  if (!value || !value->is_object())
    return {};
  const auto* node = value->as_object().if_contains("node");
  if (!node || !node->is_string() || node->as_string().empty())
    return {};
  return {.how = kind::node, .key = std::string{node->as_string()}};
}

placement place_rest(http::verb method, const std::vector<std::string>& p, std::string_view body) {
  const bool get = method == http::verb::get;
  if (p.empty())
    return {};
  const auto& top = p[0];
  if (top == "systems" || top == "collections") {
    auto owned = top == "systems" ? owned_kind::system : owned_kind::collection;
    if (p.size() == 1)
      return get                          ? gather(top == "systems" ? "name" : "id")
             : method == http::verb::post ? home_named_in(body)
                                          : placement{};
    return owner(owned, p[1]);
  }
  if (top == "reference-points" || top == "reference-point-collections" || top == "jobs") {
    if (p.size() < 2)
      return top == "jobs" && get ? placement{.how = kind::pages} : placement{};
    if (get)
      return search();
    return probe(top, p[1]);
  }
  return {};
}

/// The `object=` path of an association query: its system or collection, when it names
/// one; otherwise looked for.
placement place_association(const std::vector<std::pair<std::string, std::string>>& query) {
  for (const auto& [name, value] : query) {
    if (name != "object")
      continue;
    auto path = protocol::parse_object_path(value);
    if (!path)
      return {};
    const auto& p = path.value();
    if (p.is_class("Msvm_ComputerSystem"))
      if (auto key = p.key("Name"))
        return owner(owned_kind::system, *key);
    if (p.is_class("Msvm_VirtualSystemCollection"))
      if (auto key = p.key("InstanceID"))
        return owner(owned_kind::collection, *key);
    return search();
  }
  return {};
}

placement place_cim_get(const std::vector<std::string>& p,
                        const std::vector<std::pair<std::string, std::string>>& query) {
  if (p.size() == 1 && (iequals(p[0], "associators") || iequals(p[0], "references")))
    return place_association(query);
  if (p.empty() || p.size() > 2)
    return {};
  const auto& cls = p[0];
  if (iequals(cls, "Msvm_ComputerSystem"))
    return p.size() == 2 ? owner(owned_kind::system, p[1]) : gather();
  if (iequals(cls, "Msvm_VirtualSystemCollection"))
    return p.size() == 2 ? owner(owned_kind::collection, p[1]) : gather();
  if (iequals(cls, "Msvm_ConcreteJob") || iequals(cls, "Msvm_VirtualSystemReferencePoint") ||
      iequals(cls, "Msvm_ReferencePointCollection"))
    return p.size() == 2 ? search() : gather();
  return {};
}

placement place_cim_post(const std::vector<std::string>& p, std::string_view body) {
  if (p.size() == 3 && iequals(p[0], "Msvm_ConcreteJob"))
    return probe("jobs", p[1]);
  if (p.size() == 2 && iequals(p[0], "Msvm_ImageManagementService") &&
      iequals(p[1], "GetVirtualDiskChanges"))
    return search(); // a read: the node holding the RCT ID answers
  if (p.size() != 2)
    return {};
  auto value = parse(body);
  if (!value)
    return {};
  const bool system_service = iequals(p[0], "Msvm_VirtualSystemReferencePointService");
  const bool collection_service = iequals(p[0], "Msvm_CollectionReferencePointService");
  if (iequals(p[1], "CreateReferencePoint")) {
    if (system_service)
      if (auto call = protocol::decode_system_create_call(*value))
        return owner(owned_kind::system, call.value().system_name);
    if (collection_service)
      if (auto call = protocol::decode_collection_create_call(*value))
        return owner(owned_kind::collection, call.value().collection_id);
  }
  if (iequals(p[1], "DestroyReferencePoint")) {
    if (system_service)
      if (auto id = protocol::decode_destroy_system_rp_call(*value))
        return probe("reference-points", id.value());
    if (collection_service)
      if (auto id = protocol::decode_destroy_collection_rp_call(*value))
        return probe("reference-point-collections", id.value());
  }
  return {};
}

} // namespace

placement place_request(http::verb method, const std::vector<std::string>& path,
                        const std::vector<std::pair<std::string, std::string>>& query,
                        std::string_view body) {
  if (path.size() < 2)
    return {};
  std::vector<std::string> p(path.begin() + 2, path.end());
  if (path[0] == "api" && path[1] == "v1")
    return place_rest(method, p, body);
  if (path[0] == "cim" && path[1] == "v2") {
    if (method == http::verb::get)
      return place_cim_get(p, query);
    if (method == http::verb::post)
      return place_cim_post(p, body);
  }
  return {};
}

} // namespace refpoint::web
