#include "actors/job_actor.hpp"

#include "actors/op_error.hpp"
#include "actors/system_actor.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"
#include "protocol/object_path.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace refpoint::actors {

using protocol::job_record;
using protocol::job_state;

/// Generic ErrorCode of a failed job (Hyper-V uses 32768 "Failed" for job errors).
constexpr std::uint16_t job_failed_error_code = 32768;

namespace {

using self_ptr = job_actor::stateful_pointer<job_actor_state>;

bool is_collection_job(const job_record& rec) {
  return rec.type == protocol::job_type::create_collection_reference_point;
}

bool is_destroy_job(const job_record& rec) {
  return rec.type == protocol::job_type::destroy_reference_point ||
         rec.type == protocol::job_type::destroy_collection_reference_point;
}

void persist(self_ptr self) {
  // Writes from one actor commit in order; a failed progress write is not fatal: the
  // terminal write decides what is recorded.
  self
    ->request(self->state.store, caf::infinite, persistence::update_job_atom::value,
              self->state.record)
    .then([](ack_atom) {}, [](caf::error&) {});
}

/// Answers `run`/`cancel`, gives every member machine back (granted or still queued
/// reservations alike) and exits.
void finish(self_ptr self) {
  self->state.files.cancel->store(true);
  for (const auto& m : self->state.members)
    if (m.owner)
      self->send(m.owner, release_atom::value, self->state.record.id);
  for (auto* promise : {&self->state.done, &self->state.cancelled})
    if (promise->pending())
      promise->deliver(ack_atom::value);
  self->quit();
}

void set_terminal(job_record& rec, job_state state, std::string status) {
  auto now = protocol::now_us();
  rec.state = state;
  rec.status = std::move(status);
  rec.finished_at = now;
  rec.last_state_change = now;
  rec.cancellable = false;
}

/// Commits the job's terminal record, then finishes.
void commit_terminal(self_ptr self) {
  self
    ->request(self->state.store, caf::infinite, persistence::update_job_atom::value,
              self->state.record)
    .then([=](ack_atom) { finish(self); }, [=](caf::error&) { finish(self); });
}

void fail(self_ptr self, std::string description) {
  self->state.ending = true;
  auto& rec = self->state.record;
  set_terminal(rec, job_state::exception, "Failed");
  rec.error_code = job_failed_error_code;
  rec.error_description = std::move(description);
  rec.error_summary = is_destroy_job(rec) ? "The reference point could not be destroyed."
                                          : "The reference point could not be created.";
  rec.affected.clear();
  commit_terminal(self);
}

protocol::reference_point make_reference_point(const job_record& rec, const job_member& member) {
  const auto& req = rec.request;
  protocol::reference_point rp;
  rp.id = protocol::new_guid();
  rp.system_name = member.name;
  rp.element_name = req.element_name;
  rp.kind = req.kind;
  rp.consistency = req.consistency;
  rp.created_at = protocol::now_us();
  rp.job_id = rec.id;
  if (req.kind == protocol::rp_kind::rct) {
    for (const auto& d : member.disks) {
      if (!d.change_tracking)
        continue;
      rp.disk_ids.push_back(d.id);
      rp.rct_ids.push_back(protocol::make_rct_id(protocol::new_guid(), 1));
    }
    rp.block_maps = member.block_maps;
  }
  return rp;
}

/// What to do when the completion could not be committed: nothing was, so record Exception.
auto on_store_failure(self_ptr self) {
  return [=](caf::error& err) {
    self->state.record.percent_complete = 99;
    fail(self, "the reference point could not be stored: " + caf::to_string(err));
  };
}

void complete(self_ptr self) {
  auto& st = self->state;
  st.ending = true;
  auto& rec = st.record;
  set_terminal(rec, job_state::completed, "Completed");
  rec.percent_complete = 100;
  if (!is_collection_job(rec)) {
    auto rp = make_reference_point(rec, st.members.front());
    rec.affected = {
      {protocol::reference_point_path(rp.id, rp.system_name), protocol::element_effects::create}};
    self->request(st.store, caf::infinite, persistence::complete_job_atom::value, rec, rp)
      .then([=](ack_atom) { finish(self); }, on_store_failure(self));
    return;
  }
  protocol::collection_reference_point rpc;
  rpc.id = protocol::new_guid();
  rpc.collection_id = rec.request.target;
  rpc.element_name = rec.request.element_name;
  rpc.kind = rec.request.kind;
  rpc.consistency = rec.request.consistency;
  rpc.created_at = protocol::now_us();
  rpc.job_id = rec.id;
  std::vector<protocol::reference_point> rps;
  for (const auto& m : st.members) {
    rps.push_back(make_reference_point(rec, m));
    rps.back().collection_rp_id = rpc.id;
    rpc.member_ids.push_back(rps.back().id);
  }
  rec.affected = {
    {protocol::collection_reference_point_path(rpc.id), protocol::element_effects::create}};
  self
    ->request(st.store, caf::infinite, persistence::complete_collection_job_atom::value, rec, rpc,
              rps)
    .then([=](ack_atom) { finish(self); }, on_store_failure(self));
}

/// A destroy job: the reference point (or the collection reference point with all its
/// members) disappears in the same transaction that completes the job. Once started it
/// cannot be cancelled: it is a single transaction.
void destroy(self_ptr self) {
  auto& st = self->state;
  st.ending = true;
  auto& rec = st.record;
  st.record.status = "Running";
  auto subject = rec.request.subject;
  set_terminal(rec, job_state::completed, "Completed");
  rec.percent_complete = 100;
  auto on_error = [=](caf::error& err) {
    self->state.record.percent_complete = 0;
    fail(self, "'" + subject + "' could not be destroyed: " + describe(err).message);
  };
  if (rec.type == protocol::job_type::destroy_reference_point)
    self->request(st.store, caf::infinite, persistence::destroy_rp_job_atom::value, rec, subject)
      .then([=](ack_atom) { finish(self); }, on_error);
  else
    self->request(st.store, caf::infinite, persistence::destroy_rpc_job_atom::value, rec, subject)
      .then([=](ack_atom) { finish(self); }, on_error);
}

/// Ends the job as Terminated or Killed. Neither backend writes anything before the
/// completion transaction (fingerprint maps are part of it), so rolling back is stopping
/// the work.
void end_cancelled(self_ptr self, job_state target) {
  set_terminal(self->state.record, target, target == job_state::killed ? "Killed" : "Terminated");
  commit_terminal(self);
}

/// Bytes of the whole job's work done so far: the sim scan's share plus the files read.
double work_fraction(const job_actor_state& st, double sim_fraction) {
  auto sim_total = static_cast<double>(st.plan.total_bytes);
  auto total = sim_total + static_cast<double>(st.files.total);
  if (total <= 0.0)
    return 1.0;
  return (sim_fraction * sim_total + static_cast<double>(st.files.done)) / total;
}

void on_progress(self_ptr self) {
  auto& st = self->state;
  if (st.ending)
    return; // cancelled or finishing: the scan stops here
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
    std::chrono::steady_clock::now() - st.run_started);
  auto sim_fraction = scan_fraction(st.plan, elapsed);
  if (st.plan.failure && sim_fraction >= st.plan.failure->fraction) {
    st.record.percent_complete = std::max(
      st.record.percent_complete, running_percent(work_fraction(st, st.plan.failure->fraction)));
    fail(self, "disk '" + st.plan.failure->disk_id + "' failed at " +
                 std::to_string(running_percent(st.plan.failure->fraction)) +
                 "% of the scan (simulated failure)");
    return;
  }
  if (sim_fraction >= 1.0 && !st.files.pending) {
    complete(self);
    return;
  }
  // A file read again after it changed may report less than before: never show less.
  auto percent = running_percent(work_fraction(st, sim_fraction));
  if (percent > st.record.percent_complete) {
    st.record.percent_complete = percent;
    persist(self);
  }
  self->delayed_send(self, st.settings.sim_progress_interval, progress_atom::value);
}

/// Starts reading the file-backed disks with change tracking of an RCT job (one
/// fingerprint map each); answers false after failing the job when it cannot.
bool start_file_scan(self_ptr self) {
  auto& st = self->state;
  if (st.record.request.kind != protocol::rp_kind::rct)
    return true;
  std::vector<file_scan_disk> disks;
  for (std::size_t m = 0; m < st.members.size(); ++m) {
    std::uint32_t ordinal = 0;
    for (const auto& d : st.members[m].disks) {
      if (!d.change_tracking)
        continue;
      if (d.backend == "file") {
        auto label = is_collection_job(st.record) ? st.members[m].name + "/" + d.id : d.id;
        disks.push_back({std::move(label), d.path, ordinal});
        st.files.owners.push_back(m);
        st.files.total += d.size_bytes;
      }
      ++ordinal;
    }
  }
  if (disks.empty())
    return true;
  if (!st.settings.files) {
    fail(self, "disk '" + disks.front().label +
                 "' is file-backed, but no storage root is configured ([storage] root)");
    return false;
  }
  st.files.pending = true;
  actors::start_file_scan(st.settings.files, std::move(disks), self, st.files.cancel,
                          st.settings.sim_progress_interval);
  return true;
}

/// Every member is held: plan one sim scan over their sim-backed disks, in member order,
/// and read their file-backed ones. A collection names disks `<system>/<disk>` so a failure
/// says which machine failed.
void start_scan(self_ptr self) {
  auto& st = self->state;
  std::vector<protocol::disk> disks;
  for (const auto& m : st.members)
    for (auto d : m.disks) {
      if (d.backend != "sim")
        continue;
      if (is_collection_job(st.record))
        d.id = m.name + "/" + d.id;
      disks.push_back(std::move(d));
    }
  st.plan = plan_sim_scan(disks, st.settings.sim_bytes_per_second);
  st.record.status = "Running";
  st.record.last_state_change = protocol::now_us();
  st.run_started = std::chrono::steady_clock::now();
  if (!start_file_scan(self))
    return;
  persist(self);
  on_progress(self);
}

/// Reserves member `index` and the ones after it, one at a time (ascending Name order).
void reserve_from(self_ptr self, std::size_t index) {
  auto& st = self->state;
  if (st.ending)
    return;
  if (index == st.members.size())
    return start_scan(self);
  auto owner = st.members[index].owner;
  self->request(owner, caf::infinite, reserve_atom::value, st.record.id)
    .then(
      [=](protocol::system_info& info) {
        auto& m = self->state.members[index];
        m.reserved = true;
        if (self->state.ending)
          return; // cancelled meanwhile: finish() releases it
        if (auto err = check_can_take(info, self->state.record.request.kind))
          return fail(self, "member " + m.name + ": " + describe(err).message);
        m.disks = std::move(info.disks);
        reserve_from(self, index + 1);
      },
      [=](caf::error& err) {
        if (!self->state.ending)
          fail(self, "member " + self->state.members[index].name +
                       " could not be reserved: " + describe(err).message);
      });
}

} // namespace

job_actor::behavior_type job_actor_impl(self_ptr self, job_record record,
                                        std::vector<job_member> members,
                                        persistence::store_actor store, runtime_settings settings) {
  auto& st = self->state;
  st.record = std::move(record);
  st.members = std::move(members);
  st.store = std::move(store);
  st.settings = settings;
  return {
    [=](run_atom) -> caf::result<ack_atom> {
      auto& s = self->state;
      if (s.ending)
        return ack_atom::value; // cancelled while it waited: nothing to run
      s.done = self->make_response_promise();
      s.running = true;
      auto now = protocol::now_us();
      s.record.started_at = now;
      s.record.last_state_change = now;
      if (is_destroy_job(s.record)) {
        destroy(self);
      } else if (is_collection_job(s.record)) {
        if (s.members.empty()) { // emptied between submission and a restart
          fail(self, "collection " + s.record.request.target + " has no members");
          return s.done;
        }
        s.record.status = "Reserving members";
        persist(self);
        reserve_from(self, 0);
      } else {
        start_scan(self);
      }
      return s.done;
    },
    [=](cancel_atom, job_state target) -> caf::result<ack_atom> {
      auto& s = self->state;
      if (s.ending)
        return make_error(op_errc::invalid_state, "job " + s.record.id + " is already finishing");
      s.ending = true;
      s.cancelled = self->make_response_promise();
      if (s.running && target == job_state::terminated) {
        // Terminate rolls back visibly: Shutting Down, then Terminated.
        s.record.state = job_state::shutting_down;
        s.record.status = "Shutting Down";
        s.record.cancellable = false;
        s.record.last_state_change = protocol::now_us();
        persist(self);
      }
      end_cancelled(self, target);
      return s.cancelled;
    },
    [=](progress_atom) { on_progress(self); },
    [=](file_progress_atom, std::uint64_t done, std::uint64_t total) {
      self->state.files.done = done;
      self->state.files.total = total;
    },
    [=](file_done_atom, std::vector<protocol::disk_block_map>& maps) {
      auto& s = self->state;
      if (s.ending)
        return;
      for (std::size_t i = 0; i < maps.size() && i < s.files.owners.size(); ++i)
        s.members[s.files.owners[i]].block_maps.push_back(std::move(maps[i]));
      s.files.pending = false;
      s.files.done = s.files.total;
      // The sim part may be done already: the next tick completes the job.
    },
    [=](file_failed_atom, std::string& message) {
      if (!self->state.ending)
        fail(self, std::move(message));
    },
  };
}

} // namespace refpoint::actors
