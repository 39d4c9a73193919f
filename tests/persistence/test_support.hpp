#pragma once
/// Helpers shared by the persistence tests: a fresh temporary directory per test (removed
/// afterwards) and sample rows with every field away from its default.

#include "protocol/model.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace refpoint::persistence::testing {

/// A directory of its own under the system temp directory, removed with its contents.
class temp_dir {
public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "refpoint-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

/// Base fixture: a temp directory and the database path inside it.
class with_temp_dir : public ::testing::Test {
protected:
  temp_dir dir_;
  const std::string path_ = dir_.file("refpoint.db");
};

inline protocol::system_info sample_system(std::string name) {
  protocol::system_info system;
  system.name = std::move(name);
  system.element_name = "vm " + system.name;
  system.state = protocol::enabled_state::disabled;
  system.replication_enabled = true;
  system.created_at = 1'700'000'000'123'456;
  protocol::disk boot;
  boot.id = "disk-b";
  boot.size_bytes = 64ULL << 30;
  boot.sim_fail_at = 0.5;
  protocol::disk data;
  data.id = "disk-a";
  data.backend = "file";
  data.path = "/srv/images/data.vhdx";
  data.size_bytes = (1ULL << 63) + 7; // beyond int64: stored bit for bit
  data.change_tracking = false;
  system.disks = {boot, data};
  return system;
}

/// A running create job for `target`, every field set.
inline protocol::job_record sample_job(std::string id, std::string target = "SYS-1") {
  protocol::job_record job;
  job.id = std::move(id);
  job.type = protocol::job_type::create_reference_point;
  job.request = {.target = std::move(target),
                 .subject = "SUBJECT-1",
                 .kind = protocol::rp_kind::log,
                 .element_name = "nightly",
                 .consistency = protocol::consistency_level::crash};
  job.state = protocol::job_state::running;
  job.status = "Queued";
  job.percent_complete = 0;
  job.submitted_at = 1'700'000'000'000'001;
  job.time_before_removal_s = 600;
  job.delete_on_completion = true;
  job.cancellable = false;
  return job;
}

/// An RCT reference point of `system` made by `job_id`; ids deliberately not sorted.
inline protocol::reference_point sample_rp(std::string id, std::string system, std::string job_id) {
  protocol::reference_point rp;
  rp.id = std::move(id);
  rp.system_name = std::move(system);
  rp.element_name = "before upgrade";
  rp.kind = protocol::rp_kind::rct;
  rp.consistency = protocol::consistency_level::crash;
  rp.disk_ids = {"disk-c", "disk-a", "disk-b"};
  // RCT IDs are unique across reference points, as real ones are.
  rp.rct_ids = {"rctX:" + rp.id + ":00000003", "rctX:" + rp.id + ":00000001",
                "rctX:" + rp.id + ":00000002"};
  rp.created_at = 1'700'000'000'500'000;
  rp.job_id = std::move(job_id);
  return rp;
}

/// `job` as the job actor would end it successfully, with no affected element.
inline protocol::job_record finished(protocol::job_record job) {
  job.state = protocol::job_state::completed;
  job.status = "Completed";
  job.percent_complete = 100;
  job.started_at = job.submitted_at + 10;
  job.finished_at = job.submitted_at + 20;
  job.last_state_change = job.finished_at;
  return job;
}

/// `job` as the job actor would complete it with `rp`.
inline protocol::job_record completed(protocol::job_record job,
                                      const protocol::reference_point& rp) {
  job = finished(std::move(job));
  job.affected = {{"Msvm_VirtualSystemReferencePoint.InstanceID=\"" + rp.id +
                     "\",VirtualSystemIdentifier=\"" + rp.system_name + "\"",
                   protocol::element_effects::create}};
  return job;
}

/// A collection named after `id` with `members` (in the order given).
inline protocol::collection_info sample_collection(std::string id,
                                                   std::vector<std::string> members) {
  protocol::collection_info collection;
  collection.id = std::move(id);
  collection.element_name = "group " + collection.id;
  collection.members = std::move(members);
  collection.created_at = 1'700'000'000'222'333;
  return collection;
}

/// A collection reference point of `collection_id` made by `job_id`, with one member
/// reference point per system of `systems` (ids "<id>-<system>"). `members` receives the
/// member reference points as they are stored (belonging to the new one).
inline protocol::collection_reference_point
sample_rpc(std::string id, std::string collection_id, const std::string& job_id,
           const std::vector<std::string>& systems,
           std::vector<protocol::reference_point>& members) {
  protocol::collection_reference_point rpc;
  rpc.id = std::move(id);
  rpc.collection_id = std::move(collection_id);
  rpc.element_name = "group nightly";
  rpc.kind = protocol::rp_kind::log;
  rpc.consistency = protocol::consistency_level::crash;
  rpc.created_at = 1'700'000'000'600'000;
  rpc.job_id = job_id;
  members.clear();
  for (const std::string& system : systems) {
    auto member = sample_rp(rpc.id + "-" + system, system, job_id);
    member.collection_rp_id = rpc.id;
    rpc.member_ids.push_back(member.id);
    members.push_back(std::move(member));
  }
  return rpc;
}

/// `job` as the job actor would complete it with `rpc`.
inline protocol::job_record completed(protocol::job_record job,
                                      const protocol::collection_reference_point& rpc) {
  job = finished(std::move(job));
  job.affected = {{"Msvm_ReferencePointCollection.CollectionID=\"" + rpc.id + "\"",
                   protocol::element_effects::create}};
  return job;
}

} // namespace refpoint::persistence::testing
