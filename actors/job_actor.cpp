#include "actors/job_actor.hpp"

#include "actors/failpoint.hpp"
#include "actors/op_error.hpp"
#include "actors/system_actor.hpp"
#include "protocol/cim_datetime.hpp"
#include "protocol/guid.hpp"
#include "protocol/object_path.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <memory>
#include <utility>

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
/// reservations alike) and exits. Members on other nodes are told to roll back unless the
/// job committed (they were told to commit then).
void finish(self_ptr self) {
  auto& st = self->state;
  st.files.cancel->store(true);
  for (const auto& m : st.members) {
    if (m.owner)
      self->send(m.owner, release_atom::value, st.record.id);
    else if (m.peer && !st.committed)
      self->request(m.peer, st.settings.member_timeout, decide_atom::value, st.record.id, false)
        .then([](ack_atom) {}, [](caf::error&) {}); // one that misses it asks this node later
  }
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

/// How often a terminal record the store could not write (full, read-only) is tried again.
constexpr std::chrono::seconds terminal_retry{1};

/// Commits the job's terminal record, then finishes. When the storage cannot take it now,
/// it tries again every `terminal_retry` (`retry`) rather than leave the job running in the
/// database; its machine waits meanwhile.
void commit_terminal(self_ptr self) {
  self
    ->request(self->state.store, caf::infinite, persistence::update_job_atom::value,
              self->state.record)
    .then([=](ack_atom) { finish(self); },
          [=](caf::error& err) {
            if (describe(err).code == op_errc::no_storage)
              self->delayed_send(self, terminal_retry, retry_atom::value);
            else
              finish(self);
          });
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

bool on_other_node(const job_member& m) {
  return !m.node.empty();
}

/// The decision is stored: tells every member node to commit, then finishes (a member node
/// that does not answer commits when it asks this node).
void commit_members(self_ptr self) {
  auto& st = self->state;
  st.committed = true;
  crash_at(failpoint::collection_decided);
  auto pending = std::make_shared<std::size_t>(1);
  auto one_done = [=] {
    if (--*pending == 0)
      finish(self);
  };
  for (const auto& m : st.members) {
    if (!on_other_node(m) || !m.peer)
      continue;
    ++*pending;
    self->request(m.peer, st.settings.member_timeout, decide_atom::value, st.record.id, true)
      .then([=](ack_atom) { one_done(); }, [=](caf::error&) { one_done(); });
  }
  one_done();
}

/// What to do when the completion could not be committed: nothing was, so record Exception.
auto on_store_failure(self_ptr self) {
  return [=](caf::error& err) {
    self->state.record.percent_complete = 99;
    fail(self, describe(write_failure("the reference point could not be stored", err)).message);
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
  std::vector<protocol::reference_point> here;
  std::vector<std::pair<node_actor, protocol::reference_point>> elsewhere;
  const bool spans_nodes = std::any_of(st.members.begin(), st.members.end(), on_other_node);
  for (const auto& m : st.members) {
    auto rp = make_reference_point(rec, m);
    rp.collection_rp_id = rpc.id;
    rpc.member_ids.push_back(rp.id);
    if (spans_nodes)
      rpc.member_nodes.push_back(m.node);
    if (on_other_node(m))
      elsewhere.emplace_back(m.peer, std::move(rp));
    else
      here.push_back(std::move(rp));
  }
  rec.affected = {
    {protocol::collection_reference_point_path(rpc.id), protocol::element_effects::create}};
  // The decision: the collection reference point, the members here and the job's completion.
  auto decide = [=] {
    self
      ->request(self->state.store, caf::infinite, persistence::complete_collection_job_atom::value,
                self->state.record, rpc, here)
      .then([=](ack_atom) { commit_members(self); }, on_store_failure(self));
  };
  if (elsewhere.empty())
    return decide();
  // Phase one: every member on another node durably prepares its reference point.
  st.preparing = true;
  auto pending = std::make_shared<std::size_t>(elsewhere.size());
  for (auto& [peer, rp] : elsewhere) {
    auto name = rp.system_name;
    self
      ->request(peer, st.settings.member_timeout, prepare_atom::value, st.settings.node_name,
                std::move(rp))
      .then(
        [=](ack_atom) {
          if (--*pending == 0 && self->state.preparing) {
            self->state.preparing = false;
            decide();
          }
        },
        [=](caf::error& err) {
          if (!self->state.preparing)
            return;
          self->state.preparing = false;
          self->state.record.percent_complete = 99;
          fail(self, "member " + name +
                       " could not prepare its reference point: " + describe(err).message);
        });
  }
}

/// The destroy transaction: the reference point (or the collection reference point with
/// its members on this node) disappears together with the job's completion. For members on
/// other nodes it is the decision: they are told to commit afterwards.
void destroy_here(self_ptr self) {
  auto& st = self->state;
  auto& rec = st.record;
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
      .then([=](ack_atom) { commit_members(self); }, on_error);
}

/// The prepare phase failed (`what`: the node and why): the job fails, and the nodes that
/// prepared are told to roll back.
void prepare_failed(self_ptr self, const std::string& what) {
  if (!self->state.preparing)
    return;
  self->state.preparing = false;
  fail(self, "'" + self->state.record.request.subject + "' could not be destroyed: " + what);
}

/// Phase one of destroying a collection reference point whose members live on `nodes` too:
/// each of them durably records that its members are to go (they stay readable), then the
/// destroy transaction here decides. A node down or unreachable fails the job and nothing
/// is destroyed.
void prepare_destroy_elsewhere(self_ptr self, const std::vector<std::string>& nodes) {
  auto& st = self->state;
  st.preparing = true;
  auto pending = std::make_shared<std::size_t>(nodes.size());
  for (const auto& node : nodes) {
    auto on_error = [=](caf::error& err) {
      prepare_failed(self, "node '" + node + "': " + describe(err).message);
    };
    self->request(st.cluster, st.settings.member_timeout, peer_atom::value, node)
      .then(
        [=](caf::strong_actor_ptr& ptr) {
          auto& s = self->state;
          if (!s.preparing)
            return;
          job_member holder; // members of no machine: the node holding some
          holder.node = node;
          holder.peer = caf::actor_cast<node_actor>(ptr);
          self->monitor(holder.peer);
          self
            ->request(holder.peer, s.settings.member_timeout, prepare_atom::value,
                      s.settings.node_name, s.record.id, s.record.request.subject)
            .then(
              [=](ack_atom) {
                if (--*pending == 0 && self->state.preparing) {
                  self->state.preparing = false;
                  destroy_here(self);
                }
              },
              on_error);
          s.members.push_back(std::move(holder));
        },
        on_error);
  }
}

/// A destroy job. Once started it cannot be cancelled. A collection reference point with
/// members on other nodes is destroyed in two phases (DESIGN §8); anything else in one
/// transaction.
void destroy(self_ptr self) {
  auto& st = self->state;
  st.ending = true;
  st.record.status = "Running";
  if (st.record.type == protocol::job_type::destroy_reference_point)
    return destroy_here(self);
  self
    ->request(st.settings.query, st.settings.member_timeout, persistence::get_rpc_atom::value,
              st.record.request.subject)
    .then(
      [=](protocol::collection_reference_point& rpc) {
        std::vector<std::string> nodes;
        for (const auto& n : rpc.member_nodes)
          if (!n.empty() && std::find(nodes.begin(), nodes.end(), n) == nodes.end())
            nodes.push_back(n);
        if (nodes.empty())
          return destroy_here(self);
        if (!self->state.cluster)
          return fail(self, "'" + rpc.id +
                              "' has members on other nodes, and this node is in no "
                              "cluster");
        prepare_destroy_elsewhere(self, nodes);
      },
      [=](caf::error&) { destroy_here(self); }); // it answers why it cannot
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

void reserve_from(self_ptr self, std::size_t index);

/// Why member `m` on another node cannot take part: its file-backed disks are read by the
/// node running the job, which cannot reach them. Empty when it can.
std::string remote_refusal(const job_member& m, const protocol::system_info& info,
                           protocol::rp_kind kind) {
  for (const auto& d : info.disks)
    if (kind == protocol::rp_kind::rct && d.change_tracking && d.backend == "file")
      return "member " + m.name + ": disk '" + d.id +
             "' is file-backed, and file-backed disks of a " + "member on another node ('" +
             m.node + "') are not supported";
  return {};
}

/// Member `index` answered its reservation with `info`: checks it, then reserves the next.
void reserved(self_ptr self, std::size_t index, protocol::system_info& info) {
  auto& m = self->state.members[index];
  m.reserved = true;
  if (self->state.ending)
    return; // cancelled meanwhile: finish() releases it
  const auto kind = self->state.record.request.kind;
  if (auto err = check_can_take(info, kind))
    return fail(self, "member " + m.name + ": " + describe(err).message);
  if (on_other_node(m))
    if (auto refusal = remote_refusal(m, info, kind); !refusal.empty())
      return fail(self, std::move(refusal));
  m.disks = std::move(info.disks);
  reserve_from(self, index + 1);
}

auto on_reserve_error(self_ptr self, std::size_t index) {
  return [=](caf::error& err) {
    if (!self->state.ending)
      fail(self, "member " + self->state.members[index].name +
                   " could not be reserved: " + describe(err).message);
  };
}

/// Member `index` lives on another node: finds that node, watches it (its death fails the
/// job until the decision) and reserves the member through its participant.
void reserve_elsewhere(self_ptr self, std::size_t index) {
  auto& st = self->state;
  if (!st.cluster)
    return fail(self, "member " + st.members[index].name + " does not exist");
  self->request(st.cluster, st.settings.member_timeout, member_atom::value, st.members[index].name)
    .then(
      [=](std::string& node, caf::strong_actor_ptr& peer) {
        auto& m = self->state.members[index];
        m.node = std::move(node);
        m.peer = caf::actor_cast<node_actor>(peer);
        self->monitor(m.peer);
        if (self->state.ending)
          return;
        self
          ->request(m.peer, caf::infinite, reserve_member_atom::value, self->state.record.id,
                    m.name)
          .then([=](protocol::system_info& info) { reserved(self, index, info); },
                on_reserve_error(self, index));
      },
      on_reserve_error(self, index));
}

/// Reserves member `index` and the ones after it, one at a time (ascending Name order, on
/// whichever node each lives).
void reserve_from(self_ptr self, std::size_t index) {
  auto& st = self->state;
  if (st.ending)
    return;
  if (index == st.members.size())
    return start_scan(self);
  auto owner = st.members[index].owner;
  if (!owner)
    return reserve_elsewhere(self, index);
  self->request(owner, caf::infinite, reserve_atom::value, st.record.id)
    .then([=](protocol::system_info& info) { reserved(self, index, info); },
          on_reserve_error(self, index));
}

/// A member's node went down: before the decision the job cannot complete.
void on_member_node_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  for (auto& m : st.members) {
    if (!m.peer || m.peer.address() != dm.source)
      continue;
    m.peer = nullptr;
    if (st.ending && !st.preparing)
      continue; // decided already, or ending anyway
    st.preparing = false;
    auto who = m.name.empty() ? std::string{} : "member " + m.name + ": ";
    fail(self, who + "node '" + m.node + "' went down before the job committed");
  }
}

} // namespace

job_actor::behavior_type job_actor_impl(self_ptr self, job_record record,
                                        std::vector<job_member> members,
                                        persistence::store_actor store, runtime_settings settings,
                                        node_actor cluster, job_slot slot) {
  auto& st = self->state;
  st.record = std::move(record);
  st.members = std::move(members);
  st.store = std::move(store);
  st.settings = settings;
  st.cluster = std::move(cluster);
  st.slot = std::move(slot);
  self->set_down_handler([=](caf::down_msg& dm) { on_member_node_down(self, dm); });
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
    [=](retry_atom) { commit_terminal(self); },
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
