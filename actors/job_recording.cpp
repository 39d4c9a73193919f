#include "actors/job_recording.hpp"

#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"

namespace refpoint::actors {

protocol::job_record make_job_record(protocol::job_type type, protocol::create_request request,
                                     std::string idempotency_key,
                                     const runtime_settings& settings) {
  protocol::job_record rec;
  rec.id = protocol::new_guid();
  rec.type = type;
  rec.request = std::move(request);
  rec.state = protocol::job_state::running;
  rec.status = "Queued";
  rec.submitted_at = protocol::now_us();
  rec.last_state_change = rec.submitted_at;
  rec.time_before_removal_s = settings.time_before_removal_s;
  rec.idempotency_key = std::move(idempotency_key);
  return rec;
}

} // namespace refpoint::actors
