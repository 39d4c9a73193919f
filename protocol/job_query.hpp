#pragma once
/// The query of `GET /api/v1/jobs?state=&target=&limit=&after=` (DESIGN §4) and its
/// opaque page cursors. Pure functions, safe from any thread.

#include "protocol/codes.hpp"
#include "protocol/result.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::protocol {

/// Which jobs to list: those in `state` (any when nullopt) whose `request.target` is
/// `target` (any when empty) and whose `seq` is greater than `after_seq`, in ascending
/// `seq` order, at most `limit` of them.
struct job_filter {
  std::optional<job_state> state;
  std::string target;
  std::size_t limit = 100;
  std::int64_t after_seq = 0;
  friend bool operator==(const job_filter&, const job_filter&) = default;
};

/// Largest `limit` a client may ask for.
inline constexpr std::size_t max_job_limit = 1000;

/// Decodes the query parameters (names and values already percent-decoded, in the
/// order given). Parameters, each optional and given at most once, names case-sensitive:
/// - `state`: a REST job state ("running", "shuttingDown", "completed", "terminated",
///   "killed", "exception");
/// - `target`: a non-empty string; a GUID, in any spelling, is canonicalized to upper case;
/// - `limit`: a decimal integer (digits only) within 1–1000, default 100;
/// - `after`: a cursor from `encode_cursor` (the `next` of a previous page).
/// Every failure is Invalid Parameter (4) with `failure::field` the parameter at fault:
/// an unknown parameter (all unknown ones named in the message), a repeated one, an empty
/// value, or a value not of the form above.
result<job_filter> decode_job_filter(const std::vector<std::pair<std::string, std::string>>& query);

/// The opaque, URL-safe cursor that resumes a listing after the job with `seq`: the
/// unpadded base64url form of the versioned text `j1:<seq>`. REQUIRES: seq >= 0.
std::string encode_cursor(std::int64_t seq);

/// The `seq` that `encode_cursor` wrote into `cursor`; nullopt for anything else (wrong
/// alphabet, padding, non-canonical encoding, unknown version, a sign, leading zeros,
/// overflow, excessive length). Never throws.
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

/// Where a listing over several cluster nodes resumes: the `seq` of the last job listed
/// from each node, by node name (a node not named starts from its beginning).
using cluster_cursor = std::map<std::string, std::int64_t>;

/// The opaque, URL-safe cursor of a cluster listing: the unpadded base64url form of the
/// versioned text `c1:` + `NAME=SEQ` entries joined by `,`. REQUIRES: names of letters,
/// digits, '.', '_' or '-'; seqs >= 0.
std::string encode_cluster_cursor(const cluster_cursor& cursor);

/// The entries `encode_cluster_cursor` wrote into `cursor`; nullopt for anything else.
/// Never throws.
std::optional<cluster_cursor> decode_cluster_cursor(std::string_view cursor);

} // namespace refpoint::protocol
