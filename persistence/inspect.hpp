#pragma once
/// CAF `inspect` overloads that make the protocol model usable as message content
/// (locally and, once the types are registered, across nodes). Found by ADL, so they live
/// in the model's namespace; the model itself stays free of CAF.

#include "protocol/block_map.hpp"
#include "protocol/model.hpp"

#include <caf/detail/scope_guard.hpp>
#include <caf/meta/type_name.hpp>

#include <type_traits>

namespace refpoint::protocol {

// std::optional is not inspectable in CAF 0.17: a disk carries `sim_fail_at` as a flag and
// a value, written by the reading overload and restored by the writing one.
template <class Inspector>
std::enable_if_t<Inspector::reads_state, typename Inspector::result_type> inspect(Inspector& f,
                                                                                  disk& x) {
  bool has_fail = x.sim_fail_at.has_value();
  double fail_at = x.sim_fail_at.value_or(0.0);
  return f(caf::meta::type_name("refpoint::disk"), x.id, x.backend, x.path, x.size_bytes,
           x.change_tracking, has_fail, fail_at);
}

template <class Inspector>
std::enable_if_t<Inspector::writes_state, typename Inspector::result_type> inspect(Inspector& f,
                                                                                   disk& x) {
  bool has_fail = false;
  double fail_at = 0.0;
  auto guard = caf::detail::make_scope_guard(
    [&] { x.sim_fail_at = has_fail ? std::optional<double>{fail_at} : std::nullopt; });
  return f(caf::meta::type_name("refpoint::disk"), x.id, x.backend, x.path, x.size_bytes,
           x.change_tracking, has_fail, fail_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, system_info& x) {
  return f(caf::meta::type_name("refpoint::system_info"), x.name, x.element_name, x.state,
           x.replication_enabled, x.disks, x.created_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reference_point& x) {
  return f(caf::meta::type_name("refpoint::reference_point"), x.id, x.system_name, x.element_name,
           x.kind, x.consistency, x.disk_ids, x.rct_ids, x.created_at, x.job_id, x.collection_rp_id,
           x.block_maps);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, byte_range& x) {
  return f(caf::meta::type_name("refpoint::byte_range"), x.offset, x.length);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_block_map& x) {
  return f(caf::meta::type_name("refpoint::disk_block_map"), x.ordinal, x.path, x.map);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, affected_element& x) {
  return f(caf::meta::type_name("refpoint::affected_element"), x.element_path, x.effects);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_request& x) {
  return f(caf::meta::type_name("refpoint::create_request"), x.target, x.subject, x.kind,
           x.element_name, x.consistency);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_record& x) {
  return f(caf::meta::type_name("refpoint::job_record"), x.id, x.seq, x.type, x.request, x.state,
           x.status, x.percent_complete, x.error_code, x.error_description, x.error_summary,
           x.submitted_at, x.started_at, x.finished_at, x.last_state_change,
           x.time_before_removal_s, x.delete_on_completion, x.cancellable, x.affected,
           x.idempotency_key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, collection_info& x) {
  return f(caf::meta::type_name("refpoint::collection_info"), x.id, x.element_name, x.members,
           x.created_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, collection_reference_point& x) {
  return f(caf::meta::type_name("refpoint::collection_reference_point"), x.id, x.collection_id,
           x.element_name, x.kind, x.consistency, x.member_ids, x.created_at, x.job_id,
           x.member_nodes);
}

} // namespace refpoint::protocol
