#include "protocol/cim_json.hpp"

#include <gtest/gtest.h>

namespace rp = refpoint::protocol;
namespace json = boost::json;

namespace {

constexpr std::string_view system_name = "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80";
constexpr std::string_view rp_id = "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16";
constexpr std::string_view job_id = "8A496B9C-AF4D-4E98-BD3C-1128CD85320D";

constexpr rp::timestamp_us t0 = 1'795'307'292'123'456; // 2026-11-22T00:28:12.123456Z
constexpr std::int64_t second = 1'000'000;

rp::system_info sample_system() {
  rp::system_info s;
  s.name = system_name;
  s.element_name = "db01";
  s.state = rp::enabled_state::enabled;
  s.created_at = t0;
  return s;
}

rp::reference_point sample_rp() {
  rp::reference_point p;
  p.id = rp_id;
  p.system_name = system_name;
  p.element_name = "nightly";
  p.kind = rp::rp_kind::rct;
  p.consistency = rp::consistency_level::application;
  p.disk_ids = {"disk0", "disk1"};
  p.rct_ids = {"rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00000001",
               "rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00000002"};
  p.created_at = t0;
  p.job_id = job_id;
  return p;
}

/// A create job that completed: submitted at t0, started 1 s later, finished 3.5 s later.
rp::job_record completed_job() {
  rp::job_record j;
  j.id = job_id;
  j.type = rp::job_type::create_reference_point;
  j.request.target = system_name;
  j.state = rp::job_state::completed;
  j.status = "Completed";
  j.percent_complete = 100;
  j.submitted_at = t0;
  j.started_at = t0 + second;
  j.finished_at = t0 + 3 * second + second / 2;
  j.last_state_change = j.finished_at;
  j.affected = {{"Msvm_VirtualSystemReferencePoint.InstanceID=\"" + std::string{rp_id} +
                   "\",VirtualSystemIdentifier=\"" + std::string{system_name} + "\"",
                 rp::element_effects::create}};
  return j;
}

/// A job still queued: nothing but its submission time is set.
rp::job_record queued_job() {
  rp::job_record j;
  j.id = job_id;
  j.request.target = system_name;
  j.submitted_at = t0;
  j.last_state_change = t0;
  return j;
}

json::value parsed(std::string_view text) {
  return json::parse(text);
}

} // namespace

TEST(CimSystem, HasExactShape) {
  auto expected = parsed(R"({
    "__CLASS": "Msvm_ComputerSystem",
    "__PATH": "Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\"",
    "CreationClassName": "Msvm_ComputerSystem",
    "Name": "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80",
    "ElementName": "db01",
    "EnabledState": 2,
    "InstallDate": "20261122002812.123456+000",
    "Caption": "Virtual Machine",
    "Description": "Microsoft Virtual Machine"
  })");
  EXPECT_EQ(json::value(rp::cim_system(sample_system())), expected);
}

TEST(CimSystem, DisabledIsThree) {
  auto s = sample_system();
  s.state = rp::enabled_state::disabled;
  EXPECT_EQ(rp::cim_system(s).at("EnabledState"), 3);
}

TEST(CimSystem, UnsetInstallDateIsNull) {
  auto s = sample_system();
  s.created_at = 0;
  EXPECT_TRUE(rp::cim_system(s).at("InstallDate").is_null());
}

TEST(CimInstances, StartWithClassThenPath) {
  auto o = rp::cim_reference_point(sample_rp());
  ASSERT_GE(o.size(), 2u);
  EXPECT_EQ(o.begin()->key(), "__CLASS");
  EXPECT_EQ(std::next(o.begin())->key(), "__PATH");
}

TEST(CimReferencePoint, HasExactShape) {
  auto expected = parsed(R"({
    "__CLASS": "Msvm_VirtualSystemReferencePoint",
    "__PATH": "Msvm_VirtualSystemReferencePoint.InstanceID=\"4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16\",VirtualSystemIdentifier=\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\"",
    "InstanceID": "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16",
    "VirtualSystemIdentifier": "9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80",
    "ElementName": "nightly",
    "ReferencePointType": 2,
    "ConsistencyLevel": 1,
    "HasAssociatedData": false,
    "VirtualDiskIdentifiers": ["disk0", "disk1"],
    "ResilientChangeTrackingIdentifiers": [
      "rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00000001",
      "rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00000002"
    ],
    "CreationTime": "20261122002812.123456+000"
  })");
  EXPECT_EQ(json::value(rp::cim_reference_point(sample_rp())), expected);
}

TEST(CimReferencePoint, LogBasedCrashConsistentUsesPropertyNumbering) {
  auto p = sample_rp();
  p.kind = rp::rp_kind::log;
  p.consistency = rp::consistency_level::crash;
  p.disk_ids.clear();
  p.rct_ids.clear();
  auto o = rp::cim_reference_point(p);
  EXPECT_EQ(o.at("ReferencePointType"), 1);
  EXPECT_EQ(o.at("ConsistencyLevel"), 2);
  EXPECT_EQ(o.at("VirtualDiskIdentifiers"), json::array{});
  EXPECT_EQ(o.at("ResilientChangeTrackingIdentifiers"), json::array{});
}

TEST(CimJob, CompletedCreateHasExactShape) {
  auto expected = parsed(R"({
    "__CLASS": "Msvm_ConcreteJob",
    "__PATH": "Msvm_ConcreteJob.InstanceID=\"8A496B9C-AF4D-4E98-BD3C-1128CD85320D\"",
    "InstanceID": "8A496B9C-AF4D-4E98-BD3C-1128CD85320D",
    "Name": "Create reference point",
    "ElementName": "Create reference point",
    "Caption": "Create reference point",
    "Description": "Creating a reference point of virtual system 9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80",
    "JobType": 201,
    "JobState": 7,
    "JobStatus": "Completed",
    "PercentComplete": 100,
    "ErrorCode": 0,
    "ErrorDescription": null,
    "ErrorSummaryDescription": null,
    "TimeSubmitted": "20261122002812.123456+000",
    "StartTime": "20261122002813.123456+000",
    "ElapsedTime": "00000000000002.500000:000",
    "TimeOfLastStateChange": "20261122002815.623456+000",
    "TimeBeforeRemoval": "00000000000500.000000:000",
    "DeleteOnCompletion": false,
    "Cancellable": true,
    "OperationalStatus": [2, 17]
  })");
  EXPECT_EQ(json::value(rp::cim_job(completed_job(), t0 + 100 * second)), expected);
}

TEST(CimJob, QueuedJobHasNullStartAndZeroElapsedTime) {
  auto o = rp::cim_job(queued_job(), t0 + 10 * second);
  EXPECT_EQ(o.at("JobState"), 4);
  EXPECT_EQ(o.at("JobStatus"), "Queued");
  EXPECT_EQ(o.at("PercentComplete"), 0);
  EXPECT_TRUE(o.at("StartTime").is_null());
  EXPECT_EQ(o.at("ElapsedTime"), "00000000000000.000000:000");
  EXPECT_EQ(o.at("TimeSubmitted"), "20261122002812.123456+000");
  EXPECT_EQ(o.at("OperationalStatus"), (json::array{2}));
}

TEST(CimJob, RunningJobElapsedTimeRunsToNow) {
  auto j = queued_job();
  j.status = "Running";
  j.started_at = t0 + second;
  auto o = rp::cim_job(j, t0 + 61 * second + 7);
  EXPECT_EQ(o.at("ElapsedTime"), "00000000000100.000007:000");
}

TEST(CimJob, FinishedJobElapsedTimeIgnoresNow) {
  auto o = rp::cim_job(completed_job(), t0 + 86'400 * second);
  EXPECT_EQ(o.at("ElapsedTime"), "00000000000002.500000:000");
}

TEST(CimJob, UnsetTimesAreNull) {
  rp::job_record j;
  j.id = job_id;
  auto o = rp::cim_job(j, t0);
  EXPECT_TRUE(o.at("TimeSubmitted").is_null());
  EXPECT_TRUE(o.at("StartTime").is_null());
  EXPECT_TRUE(o.at("TimeOfLastStateChange").is_null());
}

TEST(CimJob, ExceptionCarriesErrorProperties) {
  auto j = completed_job();
  j.state = rp::job_state::exception;
  j.status = "Failed";
  j.percent_complete = 50;
  j.error_code = 32768;
  j.error_description = "disk0 scan failed at 50%";
  j.error_summary = "Failed";
  auto o = rp::cim_job(j, t0);
  EXPECT_EQ(o.at("JobState"), 10);
  EXPECT_EQ(o.at("ErrorCode"), 32768);
  EXPECT_EQ(o.at("ErrorDescription"), "disk0 scan failed at 50%");
  EXPECT_EQ(o.at("ErrorSummaryDescription"), "Failed");
  EXPECT_EQ(o.at("OperationalStatus"), (json::array{6, 17}));
}

TEST(CimJob, TimeBeforeRemovalComesFromSeconds) {
  auto j = completed_job();
  j.time_before_removal_s = 90'061; // 1 day, 1 h, 1 min, 1 s
  EXPECT_EQ(rp::cim_job(j, t0).at("TimeBeforeRemoval"), "00000001010101.000000:000");
  j.time_before_removal_s = 0;
  EXPECT_EQ(rp::cim_job(j, t0).at("TimeBeforeRemoval"), "00000000000000.000000:000");
}

TEST(CimJob, FlagsFollowTheRecord) {
  auto j = completed_job();
  j.delete_on_completion = true;
  j.cancellable = false;
  auto o = rp::cim_job(j, t0);
  EXPECT_EQ(o.at("DeleteOnCompletion"), true);
  EXPECT_EQ(o.at("Cancellable"), false);
}

TEST(CimJob, NamesAndDescriptionsFollowJobType) {
  struct expectation {
    rp::job_type type;
    int number;
    std::string_view name;
    std::string_view description;
  };
  for (const auto& e : {
         expectation{rp::job_type::create_reference_point, 201, "Create reference point",
                     "Creating a reference point of virtual system T"},
         expectation{rp::job_type::destroy_reference_point, 202, "Destroy reference point",
                     "Destroying reference point T"},
         expectation{rp::job_type::create_collection_reference_point, 205,
                     "Create collection reference point",
                     "Creating a reference point of collection T"},
         expectation{rp::job_type::destroy_collection_reference_point, 208,
                     "Destroy collection reference point",
                     "Destroying reference point collection T"},
       }) {
    rp::job_record j;
    j.id = job_id;
    j.type = e.type;
    j.request.target = "T";
    auto o = rp::cim_job(j, t0);
    EXPECT_EQ(rp::cim_job_name(e.type), e.name);
    EXPECT_EQ(o.at("JobType"), e.number);
    EXPECT_EQ(o.at("Name"), json::value(e.name));
    EXPECT_EQ(o.at("ElementName"), json::value(e.name));
    EXPECT_EQ(o.at("Caption"), json::value(e.name));
    EXPECT_EQ(o.at("Description"), json::value(e.description));
  }
}

TEST(CimOperationalStatus, MapsEveryJobState) {
  EXPECT_EQ(rp::cim_operational_status(rp::job_state::running), (json::array{2}));
  EXPECT_EQ(rp::cim_operational_status(rp::job_state::shutting_down), (json::array{9}));
  EXPECT_EQ(rp::cim_operational_status(rp::job_state::completed), (json::array{2, 17}));
  EXPECT_EQ(rp::cim_operational_status(rp::job_state::terminated), (json::array{10}));
  EXPECT_EQ(rp::cim_operational_status(rp::job_state::killed), (json::array{10}));
  EXPECT_EQ(rp::cim_operational_status(rp::job_state::exception), (json::array{6, 17}));
}

TEST(CimAffectedJobElement, HasExactShapeWithEscapedAssociationPath) {
  auto job = completed_job();
  auto expected = parsed(R"({
    "__CLASS": "Msvm_AffectedJobElement",
    "__PATH": "Msvm_AffectedJobElement.AffectedElement=\"Msvm_VirtualSystemReferencePoint.InstanceID=\\\"4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16\\\",VirtualSystemIdentifier=\\\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\\\"\",AffectingElement=\"Msvm_ConcreteJob.InstanceID=\\\"8A496B9C-AF4D-4E98-BD3C-1128CD85320D\\\"\"",
    "AffectingElement": "Msvm_ConcreteJob.InstanceID=\"8A496B9C-AF4D-4E98-BD3C-1128CD85320D\"",
    "AffectedElement": "Msvm_VirtualSystemReferencePoint.InstanceID=\"4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16\",VirtualSystemIdentifier=\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\"",
    "ElementEffects": [5]
  })");
  EXPECT_EQ(json::value(rp::cim_affected_job_element(job, job.affected.front())), expected);
}

TEST(CimAffectedJobElement, PathEscapesBackslashes) {
  auto job = completed_job();
  rp::affected_element e{R"(\\HOST\root\virtualization\v2:X.K="v")", rp::element_effects::create};
  auto o = rp::cim_affected_job_element(job, e);
  EXPECT_EQ(
    o.at("__PATH"),
    R"(Msvm_AffectedJobElement.AffectedElement="\\\\HOST\\root\\virtualization\\v2:X.K=\"v\"",)"
    R"(AffectingElement="Msvm_ConcreteJob.InstanceID=\"8A496B9C-AF4D-4E98-BD3C-1128CD85320D\"")");
  EXPECT_EQ(o.at("AffectedElement"), json::value(e.element_path));
}

TEST(CimAffectedJobElement, ElementEffectsFollowTheRecord) {
  auto job = completed_job();
  rp::affected_element e{"X.K=\"v\"", rp::element_effects::exclusive_use};
  EXPECT_EQ(rp::cim_affected_job_element(job, e).at("ElementEffects"), (json::array{2}));
}

TEST(CimReferencePointOfSystem, HasExactShape) {
  auto expected = parsed(R"({
    "__CLASS": "Msvm_ReferencePointOfVirtualSystem",
    "__PATH": "Msvm_ReferencePointOfVirtualSystem.Antecedent=\"Msvm_ComputerSystem.CreationClassName=\\\"Msvm_ComputerSystem\\\",Name=\\\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\\\"\",Dependent=\"Msvm_VirtualSystemReferencePoint.InstanceID=\\\"4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16\\\",VirtualSystemIdentifier=\\\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\\\"\"",
    "Antecedent": "Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\"",
    "Dependent": "Msvm_VirtualSystemReferencePoint.InstanceID=\"4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16\",VirtualSystemIdentifier=\"9B6D3F1E-2C4A-4E8B-A1D2-3C4B5A6F7E80\""
  })");
  EXPECT_EQ(json::value(rp::cim_reference_point_of_system(sample_rp())), expected);
}
