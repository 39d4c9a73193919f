// Where a request is answered in a cluster (web/placement.hpp): decided from the request
// alone, and local whenever this node would refuse the request anyway.

#include "web/placement.hpp"

#include <gtest/gtest.h>

namespace refpoint::web {
namespace {

using kind = placement::kind;
using actors::owned_kind;
using params = std::vector<std::pair<std::string, std::string>>;

constexpr const char* machine = "7A2B2C74-1A43-4A41-A7B4-3E9E0B4E5C11";

placement place(http::verb method, std::vector<std::string> path, std::string body = {},
                params query = {}) {
  return place_request(method, path, query, body);
}

placement owner(owned_kind owned, std::string key) {
  return {.how = kind::owner, .owned = owned, .key = std::move(key)};
}

placement probe(std::string target) {
  return {.how = kind::probe, .key = std::move(target)};
}

TEST(Placement, SystemsAndCollectionsAreAnsweredByTheirHomeNode) {
  const auto get = http::verb::get;
  const auto post = http::verb::post;
  EXPECT_EQ(place(get, {"api", "v1", "systems", machine}), owner(owned_kind::system, machine));
  // Names are matched in their canonical (upper-case GUID) form.
  EXPECT_EQ(place(post, {"api", "v1", "systems", "7a2b2c74-1a43-4a41-a7b4-3e9e0b4e5c11",
                         "reference-points"}),
            owner(owned_kind::system, machine));
  EXPECT_EQ(place(http::verb::put, {"api", "v1", "collections", "c1", "members", machine}),
            owner(owned_kind::collection, "c1"));
  EXPECT_EQ(place(get, {"cim", "v2", "Msvm_ComputerSystem", machine}),
            owner(owned_kind::system, machine));
  EXPECT_EQ(place(get, {"cim", "v2", "msvm_virtualsystemcollection", "c1"}),
            owner(owned_kind::collection, "c1"));
  EXPECT_EQ(place(post,
                  {"cim", "v2", "Msvm_VirtualSystemReferencePointService", "CreateReferencePoint"},
                  std::string{R"({"AffectedSystem":")"} + machine + R"(","ReferencePointType":1})"),
            owner(owned_kind::system, machine));
  EXPECT_EQ(place(get, {"cim", "v2", "associators"}, {},
                  {{"object", std::string{"Msvm_ComputerSystem.Name=\""} + machine + "\""}}),
            owner(owned_kind::system, machine));
}

TEST(Placement, ACreationGoesToTheHomeNodeItsBodyNames) {
  EXPECT_EQ(place(http::verb::post, {"api", "v1", "systems"}, R"({"elementName":"x","node":"b"})"),
            (placement{.how = kind::node, .key = "b"}));
  EXPECT_EQ(place(http::verb::post, {"api", "v1", "collections"}, R"({"elementName":"x"})"),
            placement{});
}

TEST(Placement, JobsAndReferencePointsAreLookedFor) {
  EXPECT_EQ(place(http::verb::get, {"api", "v1", "jobs", "j1"}).how, kind::search);
  EXPECT_EQ(place(http::verb::get, {"cim", "v2", "Msvm_ConcreteJob", "j1"}).how, kind::search);
  EXPECT_EQ(place(http::verb::get, {"api", "v1", "reference-points", "r1", "changes"}).how,
            kind::search);
  EXPECT_EQ(place(http::verb::post,
                  {"cim", "v2", "Msvm_ImageManagementService", "GetVirtualDiskChanges"}, "{}")
              .how,
            kind::search);
  // Writes first find the node whose GET answers, then go there.
  EXPECT_EQ(place(http::verb::post, {"api", "v1", "jobs", "j 1", "cancel"}),
            probe("/api/v1/jobs/j%201"));
  EXPECT_EQ(place(http::verb::delete_, {"api", "v1", "reference-point-collections", "r1"}),
            probe("/api/v1/reference-point-collections/r1"));
  EXPECT_EQ(place(http::verb::post, {"cim", "v2", "Msvm_ConcreteJob", "j1", "RequestStateChange"}),
            probe("/api/v1/jobs/j1"));
  EXPECT_EQ(place(http::verb::post,
                  {"cim", "v2", "Msvm_VirtualSystemReferencePointService", "DestroyReferencePoint"},
                  R"({"AffectedReferencePoint":"Msvm_VirtualSystemReferencePoint.InstanceID=\"r1\")"
                  R"(,VirtualSystemIdentifier=\"x\""})"),
            probe("/api/v1/reference-points/r1"));
}

TEST(Placement, ListingsAreGatheredFromEveryNode) {
  EXPECT_EQ(place(http::verb::get, {"api", "v1", "systems"}),
            (placement{.how = kind::gather, .merge_key = "name"}));
  EXPECT_EQ(place(http::verb::get, {"api", "v1", "collections"}),
            (placement{.how = kind::gather, .merge_key = "id"}));
  EXPECT_EQ(place(http::verb::get, {"cim", "v2", "Msvm_VirtualSystemReferencePoint"}),
            placement{.how = kind::gather});
  EXPECT_EQ(place(http::verb::get, {"api", "v1", "jobs"}), placement{.how = kind::pages});
}

TEST(Placement, WhatThisNodeWouldRefuseOrOwnsAloneStaysHere) {
  // Bodies that do not decode are refused here, with this node's precise error.
  EXPECT_EQ(place(http::verb::post,
                  {"cim", "v2", "Msvm_VirtualSystemReferencePointService", "CreateReferencePoint"},
                  "{not json"),
            placement{});
  EXPECT_EQ(place(http::verb::post,
                  {"cim", "v2", "Msvm_VirtualSystemReferencePointService", "CreateReferencePoint"},
                  R"({"ReferencePointType":1})"),
            placement{});
  EXPECT_EQ(place(http::verb::get, {"api", "v1", "cluster"}), placement{});
  EXPECT_EQ(place(http::verb::post, {"api", "v1", "jobs"}), placement{});
  EXPECT_EQ(place(http::verb::get, {"api", "v1", "events"}), placement{});
  EXPECT_EQ(place(http::verb::get, {"healthz"}), placement{});
  EXPECT_EQ(place(http::verb::get, {"cim", "v2", "Msvm_Unknown"}), placement{});
}

} // namespace
} // namespace refpoint::web
