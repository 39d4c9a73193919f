#pragma once
/// The live dashboard's static files (web/assets/dashboard/, compiled in), served by the
/// gateway at `GET /` (the page) and `GET /dashboard/<file>` (its script and style sheet).
///
/// The files are constant after program start; any thread may look them up.

#include <string>
#include <string_view>
#include <vector>

namespace refpoint::web {

/// One compiled-in file: its body, its `Content-Type` and a strong `ETag` (quoted).
struct dashboard_asset {
  std::string_view content_type;
  std::string_view body;
  std::string_view etag;
};

/// The asset a request path (decoded segments) names: `/` (no segment, or one empty one)
/// is the page, `/dashboard/app.js` and `/dashboard/style.css` its parts. nullptr for any
/// other path.
const dashboard_asset* find_dashboard_asset(const std::vector<std::string>& path);

} // namespace refpoint::web
