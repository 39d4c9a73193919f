#pragma once
/// A job's progress for people: on a terminal one line redrawn in place with '\r'
/// (`[##########----------]  50%  Running`), otherwise a plain line each time the state or
/// status changes or the percentage reaches another multiple of ten (`[ 50%] Running`).

#include <boost/json/object.hpp>

#include <cstdint>
#include <ostream>
#include <string>

namespace refpoint::cli {

class progress_view {
public:
  progress_view(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

  /// Shows `job` (its REST form) when something shown changed.
  void update(const boost::json::object& job);
  /// Ends the in-place line, so that other output starts on a line of its own. Call before
  /// printing anything else; the next `update` draws the bar again.
  void interject();

private:
  std::ostream& out_;
  bool terminal_;
  bool drawn_ = false; ///< the in-place line is on screen and unterminated
  std::int64_t percent_ = -1;
  std::string status_;
  std::string state_;
};

} // namespace refpoint::cli
