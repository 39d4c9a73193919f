#include "actors/changes_actor.hpp"

#include "actors/image_reader.hpp"
#include "actors/op_error.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <unordered_map>

namespace refpoint::actors {

namespace {

struct changes_state {
  changes_state() = default; // not an aggregate (see job_actor_state)
  persistence::query_actor query;
  std::shared_ptr<file_backend> files;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<disk_changes_answer>> pending;
  static inline const char* name = "changes_actor";
};

using self_ptr = changes_actor::stateful_pointer<changes_state>;

/// Field names of the request's parameters on its surface.
struct field_names {
  const char* offset;
  const char* length;
};

field_names fields_of(const disk_changes_request& req) {
  if (req.rct_id.empty() || !req.rp_id.empty())
    return {"offset", "length"};
  return {"ByteOffset", "ByteLength"};
}

caf::error from_file_error(const file_error& err, std::string field = {}) {
  switch (err.what) {
  case file_error::kind::not_found:
    return make_error(op_errc::file_not_found, err.message, std::move(field));
  case file_error::kind::outside_root:
  case file_error::kind::not_regular:
    return make_error(op_errc::invalid_state, err.message, std::move(field));
  default:
    return make_error(op_errc::failed, err.message, std::move(field));
  }
}

using outcome = std::variant<disk_changes_answer, caf::error>;

/// The checks that need the file, then the comparison. Runs on the query pool.
outcome compare(const file_backend& files, const persistence::tracked_disk& disk,
                const disk_changes_request& req) {
  auto names = fields_of(req);
  auto opened = files.root().open_file(disk.path);
  if (auto* err = std::get_if<file_error>(&opened))
    return from_file_error(*err);
  auto& file = std::get<image_file>(opened);
  if (!req.path.empty()) {
    auto asked = files.root().resolve(req.path);
    if (auto* err = std::get_if<file_error>(&asked))
      return err->what == file_error::kind::not_found
               ? make_error(op_errc::file_not_found, err->message, "Path")
               : make_error(op_errc::invalid_parameter, err->message, "Path");
    if (std::get<std::string>(asked) != file.path())
      return make_error(op_errc::invalid_parameter,
                        "RCT ID '" + disk.rct_id + "' belongs to disk '" + disk.disk_id + "' ('" +
                          disk.path + "'), not to '" + req.path + "'",
                        "LimitId");
  }
  auto stamp = file.stamp();
  if (auto* err = std::get_if<file_error>(&stamp))
    return from_file_error(*err);
  const auto size = std::get<file_stamp>(stamp).size;
  if (req.offset > size || (req.has_length && req.length > size - req.offset)) {
    bool offset_at_fault = req.offset > size;
    return make_error(op_errc::invalid_parameter,
                      std::string{offset_at_fault ? names.offset : names.length} + ": the range " +
                        std::to_string(req.offset) + "+" +
                        std::to_string(req.has_length ? req.length : 0) +
                        " goes past the end of disk '" + disk.disk_id + "' (" +
                        std::to_string(size) + " bytes now)",
                      offset_at_fault ? names.offset : names.length);
  }
  auto decoded = protocol::decode_block_map(disk.map);
  if (!decoded)
    return make_error(op_errc::invalid_state, "the fingerprint map of disk '" + disk.disk_id +
                                                "' in reference point " + disk.rp_id +
                                                " is corrupted (" + decoded.error().message +
                                                "): it is not trusted; take a new reference point");
  disk_changes_answer answer{disk.rp_id,  disk.disk_id,
                             disk.rct_id, size,
                             req.offset,  req.has_length ? req.offset + req.length : size,
                             0,           {}};
  if (answer.end == answer.offset)
    return answer; // nothing asked (offset at the end of the disk, no length)
  block_hasher hasher{decoded.value().block_size};
  auto found = compare_file(file, decoded.value(), size, req.offset, answer.end - req.offset,
                            files.settings().max_query_bytes, hasher);
  if (auto* err = std::get_if<file_error>(&found))
    return from_file_error(*err);
  auto& changes = std::get<disk_changes>(found);
  answer.processed = changes.processed;
  answer.ranges = std::move(changes.ranges);
  return answer;
}

/// The disk is known: check what needs no file, then queue the comparison.
void run_query(self_ptr self, std::uint64_t id, persistence::tracked_disk disk,
               disk_changes_request req) {
  auto& st = self->state;
  auto fail_now = [&](caf::error err) {
    st.pending[id].deliver(std::move(err));
    st.pending.erase(id);
  };
  if (!disk.file_backed)
    return fail_now(make_error(op_errc::not_supported,
                               "disk '" + disk.disk_id + "' of reference point " + disk.rp_id +
                                 " is sim-backed: the sim backend keeps no data to compare"));
  if (!st.files)
    return fail_now(
      make_error(op_errc::invalid_state,
                 "disk '" + disk.disk_id + "' is file-backed, but no storage root is configured"));
  auto handle = caf::actor_cast<changes_actor>(self);
  auto files = st.files;
  auto task = [handle, files, id, disk = std::move(disk), req = std::move(req)] {
    auto result = compare(*files, disk, req);
    if (auto* answer = std::get_if<disk_changes_answer>(&result))
      caf::anon_send(handle, changes_done_atom::value, id, std::move(*answer));
    else
      caf::anon_send(handle, changes_failed_atom::value, id, std::get<caf::error>(result));
  };
  if (!st.files->queries().submit(std::move(task)))
    fail_now(make_error(op_errc::failed, "the file backend is shutting down"));
}

/// Finds the disk by RCT ID (CIM).
void find_by_rct(self_ptr self, std::uint64_t id, disk_changes_request req) {
  auto rct_id = req.rct_id;
  self
    ->request(self->state.query, caf::infinite, persistence::find_tracked_disk_atom::value, rct_id)
    .then(
      [=](persistence::tracked_disk& disk) mutable {
        run_query(self, id, std::move(disk), std::move(req));
      },
      [=](caf::error& err) {
        auto f = describe(err);
        auto& st = self->state;
        st.pending[id].deliver(f.code == op_errc::not_found
                                 ? make_error(op_errc::not_found,
                                              "no reference point has the RCT ID '" + rct_id + "'",
                                              "LimitId")
                                 : err);
        st.pending.erase(id);
      });
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "'" : ", '") + s + "'";
  return out.empty() ? "none" : out;
}

/// Finds the disk through its reference point (REST).
void find_by_rp(self_ptr self, std::uint64_t id, disk_changes_request req) {
  auto rp_id = req.rp_id;
  self->request(self->state.query, caf::infinite, persistence::get_rp_atom::value, rp_id)
    .then(
      [=](protocol::reference_point& rp) mutable {
        auto& st = self->state;
        auto deliver = [&](caf::error err) {
          st.pending[id].deliver(std::move(err));
          st.pending.erase(id);
        };
        if (rp.kind == protocol::rp_kind::log)
          return deliver(make_error(
            op_errc::not_supported,
            "reference point " + rp.id + " is log-based: it has no change tracking data", "disk"));
        auto at = std::find(rp.disk_ids.begin(), rp.disk_ids.end(), req.disk_id);
        if (req.disk_id.empty() && rp.disk_ids.size() == 1)
          at = rp.disk_ids.begin();
        else if (req.disk_id.empty())
          return deliver(make_error(op_errc::invalid_parameter,
                                    "disk is required: reference point " + rp.id +
                                      " tracks the disks " + joined(rp.disk_ids),
                                    "disk"));
        if (at == rp.disk_ids.end() ||
            static_cast<std::size_t>(at - rp.disk_ids.begin()) >= rp.rct_ids.size())
          return deliver(make_error(op_errc::not_found,
                                    "reference point " + rp.id + " tracks no disk '" + req.disk_id +
                                      "' (its disks: " + joined(rp.disk_ids) + ")",
                                    "disk"));
        req.rct_id = rp.rct_ids[static_cast<std::size_t>(at - rp.disk_ids.begin())];
        self
          ->request(st.query, caf::infinite, persistence::find_tracked_disk_atom::value, req.rct_id)
          .then(
            [=](persistence::tracked_disk& disk) mutable {
              run_query(self, id, std::move(disk), std::move(req));
            },
            [=](caf::error& err) {
              self->state.pending[id].deliver(err);
              self->state.pending.erase(id);
            });
      },
      [=](caf::error& err) {
        self->state.pending[id].deliver(err);
        self->state.pending.erase(id);
      });
}

changes_actor::behavior_type changes_impl(self_ptr self, persistence::query_actor query,
                                          std::shared_ptr<file_backend> files) {
  self->state.query = std::move(query);
  self->state.files = std::move(files);
  return {
    [=](disk_changes_atom, disk_changes_request& req) -> caf::result<disk_changes_answer> {
      auto& st = self->state;
      auto id = ++st.next_id;
      auto promise = self->make_response_promise<disk_changes_answer>();
      st.pending.emplace(id, promise);
      if (req.rp_id.empty())
        find_by_rct(self, id, std::move(req));
      else
        find_by_rp(self, id, std::move(req));
      return promise;
    },
    [=](changes_done_atom, std::uint64_t id, disk_changes_answer& answer) {
      if (auto i = self->state.pending.find(id); i != self->state.pending.end()) {
        i->second.deliver(std::move(answer));
        self->state.pending.erase(i);
      }
    },
    [=](changes_failed_atom, std::uint64_t id, caf::error& err) {
      if (auto i = self->state.pending.find(id); i != self->state.pending.end()) {
        i->second.deliver(std::move(err));
        self->state.pending.erase(i);
      }
    },
  };
}

} // namespace

changes_actor spawn_changes_actor(caf::actor_system& sys, persistence::query_actor query,
                                  std::shared_ptr<file_backend> files) {
  return sys.spawn(changes_impl, std::move(query), std::move(files));
}

} // namespace refpoint::actors
