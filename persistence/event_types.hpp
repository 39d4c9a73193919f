#pragma once
/// Queries over the stored events (`database::event_bounds`, `database::list_events`), the
/// in-doubt jobs of cluster collections (`database::in_doubt_jobs`), and their CAF `inspect`
/// overloads (they travel to and from the query actor).

#include "protocol/event.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace refpoint::persistence {

/// Sequences of the oldest and newest stored event; both 0 when none is stored.
struct event_bounds {
  std::int64_t oldest = 0;
  std::int64_t newest = 0;
  friend bool operator==(const event_bounds&, const event_bounds&) = default;
};

/// Events with `after < seq <= upto`, for `job` and `target` when not empty, by ascending
/// sequence, at most `limit` of them (0 is taken as 1); with `own_only`, only the changes
/// made on this node (what its cluster peers copy).
struct event_query {
  std::int64_t after = 0;
  std::int64_t upto = 0;
  std::string job{};
  std::string target{};
  std::uint32_t limit = 0;
  bool own_only = false;
  friend bool operator==(const event_query&, const event_query&) = default;
};

/// One page of `list_events`: `more` when the page is full and later events may match;
/// the next page starts after the last item.
struct event_page {
  std::vector<protocol::event_record> items;
  bool more = false;
  std::string source{}; ///< the identity of the database that answered (`database::identity`)
  friend bool operator==(const event_page&, const event_page&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_bounds& x) {
  return f(caf::meta::type_name("refpoint::event_bounds"), x.oldest, x.newest);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_query& x) {
  return f(caf::meta::type_name("refpoint::event_query"), x.after, x.upto, x.job, x.target, x.limit,
           x.own_only);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_page& x) {
  return f(caf::meta::type_name("refpoint::event_page"), x.items, x.more, x.source);
}

/// What this node copied of a cluster node's events: the newest of its sequences, and the
/// database they came from (`event_page::source`). Both empty (0, "") before the first.
struct event_source {
  std::int64_t upto = 0;
  std::string source;
  friend bool operator==(const event_source&, const event_source&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_source& x) {
  return f(caf::meta::type_name("refpoint::event_source"), x.upto, x.source);
}

/// A job of another cluster node (the coordinator) for which this node holds pending member
/// reference points and awaits the decision (`database::in_doubt_jobs`).
struct in_doubt_job {
  std::string job_id;
  std::string coordinator; ///< the node whose job it is
  friend bool operator==(const in_doubt_job&, const in_doubt_job&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, in_doubt_job& x) {
  return f(caf::meta::type_name("refpoint::in_doubt_job"), x.job_id, x.coordinator);
}

} // namespace refpoint::persistence

namespace refpoint::protocol {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_record& x) {
  return f(caf::meta::type_name("refpoint::event_record"), x.seq, x.time, x.type, x.job_id,
           x.target, x.payload, x.message, x.origin);
}

} // namespace refpoint::protocol
