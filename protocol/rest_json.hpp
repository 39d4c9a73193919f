#pragma once
/// JSON encoders and request decoders for the `/api/v1` surface (DESIGN §4): camelCase
/// names, ISO-8601 UTC times. Optional members (`path`, `simFailAt`, `startedAt`,
/// `finishedAt`, `error`, and any time that is unset) are omitted rather than null.
/// Pure functions, safe from any thread.

#include "protocol/model.hpp"
#include "protocol/result.hpp"

#include <boost/json.hpp>

#include <string_view>

namespace refpoint::protocol {

/// `{id, backend, path?, sizeBytes, changeTracking, simFailAt?}`; `path` only when
/// non-empty, `simFailAt` only when set.
boost::json::object rest_disk(const disk& d);

/// `{name, elementName, enabledState ("enabled"|"disabled"), replicationEnabled, disks[],
/// createdAt?}`.
boost::json::object rest_system(const system_info& system);

/// `{id, systemId, elementName, type ("rct"|"log"), consistencyLevel
/// ("application"|"crash"), diskIds[], rctIds[], createdAt?, jobId,
/// collectionReferencePointId?}`; `collectionReferencePointId` only for a member of a
/// collection reference point.
boost::json::object rest_reference_point(const reference_point& point);

/// `{id, elementName, members[], createdAt?}`.
boost::json::object rest_collection(const collection_info& collection);

/// `{id, collectionId, elementName, type ("rct"|"log"), consistencyLevel
/// ("application"|"crash"), memberIds[], createdAt?, jobId}`.
boost::json::object rest_collection_reference_point(const collection_reference_point& point);

/// `{id, type, target, state, jobState, percentComplete, status, error?, submittedAt?,
/// startedAt?, finishedAt?, cancellable, affectedElements[]}`; `error` is
/// `{code, description, summary}`, present only when `error_code != 0`;
/// `affectedElements` items are `{element, effects: [n]}`.
boost::json::object rest_job(const job_record& job);

/// Decodes a `POST /api/v1/systems` body into a system (`created_at` left 0).
/// Members: `name` (optional GUID, canonicalized to upper case; empty when absent),
/// `elementName` (required string, 1–256 characters), `enabledState`
/// ("enabled"|"disabled", default enabled), `replicationEnabled` (bool, default false),
/// `disks` (optional array, default empty) of objects:
///   `id` (required non-empty string, unique within the system),
///   `backend` ("sim"|"file", default "sim"),
///   `path` (file: required non-empty string; sim: refused),
///   `sizeBytes` (sim: required; file: optional, default 0; a non-negative integer),
///   `changeTracking` (bool, default true),
///   `simFailAt` (number in [0, 1]; kept for sim, validated but dropped for file as
///   DESIGN §7 says it is ignored there).
/// `node` (optional string) names the system's home node; the gateway answers the request
/// there, so it is only checked to be a string here.
/// `null` is never a stand-in for an absent member. Unknown members are refused.
/// Every failure is Invalid Parameter with `field` the JSON path at fault (`name`,
/// `disks[1].sizeBytes`; empty for the body itself); type errors name the expected and
/// the found JSON type.
result<system_info> decode_system(const boost::json::value& body);

/// Decodes a `POST /api/v1/collections` body into a collection (`created_at` left 0).
/// Members: `id` (optional GUID, canonicalized to upper case; empty when absent),
/// `elementName` (required string, 1–256 characters), `members` (optional array,
/// default empty, of system-name GUIDs: canonicalized to upper case and sorted ascending;
/// a GUID given twice, in any spelling, is refused naming the later `members[i]`), `node`
/// as in `decode_system`.
/// Unknown members are refused; errors follow the rules of `decode_system` (`field` e.g.
/// `members[2]`).
result<collection_info> decode_collection(const boost::json::value& body);

/// A decoded `POST .../reference-points` body.
struct rest_create_rp {
  rp_kind kind = rp_kind::rct;
  std::string element_name;
  consistency_level consistency = consistency_level::application;
  friend bool operator==(const rest_create_rp&, const rest_create_rp&) = default;
};

/// Decodes `{type: "rct"|"log" (required), elementName? (string, at most 256
/// characters; empty when absent), consistencyLevel?: "application"|"crash" (default
/// application)}` with the same error rules as `decode_system`.
result<rest_create_rp> decode_create_rp(const boost::json::value& body);

/// An RFC 9457 problem+json body `{type, title, status, detail, field?}`. `type` is
/// "urn:refpoint:problem:invalid-field" when `field` is given, otherwise "about:blank";
/// `field` is present only when non-empty.
boost::json::object problem(unsigned status, std::string_view title, std::string_view detail,
                            std::string_view field = {});

} // namespace refpoint::protocol
