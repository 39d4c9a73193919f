#include "web/disk_changes_routes.hpp"

#include "protocol/destroy_call.hpp"
#include "protocol/disk_changes_call.hpp"
#include "web/actor_call.hpp"
#include "web/cluster_routing.hpp"

#include <caf/all.hpp>

#include <cctype>

namespace refpoint::web {

namespace {

using actors::disk_changes_answer;
using actors::disk_changes_request;

/// The CIM method's answer: the out parameters, plus `ErrorDescription` on failure.
boost::json::object cim_answer(protocol::hyperv_return_code code,
                               const disk_changes_answer* found = nullptr,
                               std::string_view message = {}) {
  boost::json::array offsets;
  boost::json::array lengths;
  if (found)
    for (const auto& r : found->ranges) {
      offsets.emplace_back(r.offset);
      lengths.emplace_back(r.length);
    }
  boost::json::object out{{"ReturnValue", static_cast<std::uint32_t>(code)},
                          {"ProcessedByteLength", found ? found->processed : 0},
                          {"ChangedByteOffsets", std::move(offsets)},
                          {"ChangedByteLengths", std::move(lengths)}};
  if (!message.empty())
    out["ErrorDescription"] = message;
  return out;
}

protocol::hyperv_return_code hyperv_code_of(actors::op_errc code) {
  if (code == actors::op_errc::file_not_found)
    return protocol::hyperv_return_code::file_not_found;
  return protocol::to_hyperv(actors::to_return_code(code));
}

boost::json::object rest_answer(const disk_changes_answer& a) {
  boost::json::array ranges;
  for (const auto& r : a.ranges)
    ranges.push_back(boost::json::object{{"offset", r.offset}, {"length", r.length}});
  boost::json::object out{{"referencePointId", a.rp_id}, {"diskId", a.disk_id},
                          {"rctId", a.rct_id},           {"diskSizeBytes", a.disk_size},
                          {"offset", a.offset},          {"processedLength", a.processed},
                          {"ranges", std::move(ranges)}};
  if (a.offset + a.processed < a.end)
    out["nextOffset"] = a.offset + a.processed;
  return out;
}

/// RCT IDs are stored as `make_rct_id` writes them: "rctX:" and lower-case hex digits.
std::string canonical_rct_id(std::string_view id) {
  std::string out{"rctX:"};
  for (char c : id.substr(5))
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

void get_virtual_disk_changes(const exchange_ptr& ex) {
  auto body = parse_json_body(*ex);
  if (!body)
    return;
  auto call = protocol::decode_disk_changes_call(*body);
  if (!call)
    return ex->json(http::status::ok, cim_answer(protocol::to_hyperv(call.error().code), nullptr,
                                                 call.error().message));
  const auto& c = call.value();
  disk_changes_request req;
  req.rct_id = canonical_rct_id(c.limit_id);
  req.path = c.path;
  req.offset = c.byte_offset;
  req.has_length = true;
  req.length = c.byte_length;
  call_actor(
    ex->ctx->system, ex->ctx->changes, ex->ctx->method_timeout,
    [ex](disk_changes_answer& found) {
      ex->json(http::status::ok, cim_answer(protocol::hyperv_return_code::completed, &found));
    },
    [ex](caf::error& err) {
      auto f = actors::describe(err);
      auto res = json_response(ex->meta, http::status::ok,
                               cim_answer(hyperv_code_of(f.code), nullptr, f.message));
      if (f.code == actors::op_errc::not_found) // another cluster node may hold it
        res.set(missing_header, f.field);
      ex->reply(std::move(res));
    },
    actors::disk_changes_atom::value, std::move(req));
}

void get_reference_point_changes(const exchange_ptr& ex, std::string rp_id) {
  auto query = protocol::decode_changes_query(ex->query);
  if (!query)
    return ex->problem(http::status::bad_request, query.error().message, query.error().field);
  const auto& q = query.value();
  disk_changes_request req;
  req.rp_id = std::move(rp_id);
  req.disk_id = q.disk;
  req.offset = q.offset;
  req.has_length = q.length.has_value();
  req.length = q.length.value_or(0);
  call_actor(
    ex->ctx->system, ex->ctx->changes, ex->ctx->method_timeout,
    [ex](disk_changes_answer& found) { ex->json(http::status::ok, rest_answer(found)); },
    [ex](caf::error& err) { ex->fail(err); }, actors::disk_changes_atom::value, std::move(req));
}

} // namespace refpoint::web
