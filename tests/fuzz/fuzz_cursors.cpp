// Cursors and queries a client sends back: the bytes as a job cursor, a cluster cursor and
// a job-list `name=value&...` query (`protocol/job_query.hpp`), and as the event stream's
// `since` cursor and `types` list (`protocol/event.hpp`, the WebSocket query). A cursor that
// decodes encodes to one that decodes to the same place; an accepted `types` list holds only
// non-empty items.

#include "protocol/event.hpp"
#include "protocol/job_query.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace p = refpoint::protocol;
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  if (auto seq = p::decode_cursor(text)) {
    if (p::decode_cursor(p::encode_cursor(*seq)) != seq)
      std::abort();
  }
  if (auto cursor = p::decode_cluster_cursor(text)) {
    auto again = p::decode_cluster_cursor(p::encode_cluster_cursor(*cursor));
    if (!again || !(*again == *cursor))
      std::abort();
  }
  if (auto since = p::parse_cursor(text)) {
    if (p::parse_cursor(p::format_cursor(*since)) != since)
      std::abort();
  }
  std::vector<std::string> types;
  if (!p::parse_event_types(text, types))
    for (const auto& t : types)
      if (t.empty())
        std::abort();
  std::vector<std::pair<std::string, std::string>> query;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('&', start);
    auto part = text.substr(start, end == std::string_view::npos ? end : end - start);
    auto eq = part.find('=');
    query.emplace_back(std::string{part.substr(0, eq)},
                       eq == std::string_view::npos ? "" : std::string{part.substr(eq + 1)});
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  (void)p::decode_job_filter(query);
  return 0;
}
