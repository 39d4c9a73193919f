// Cursors and job-list queries a client sends back (`protocol/job_query.hpp`): the bytes as
// a job cursor, a cluster cursor and a `name=value&...` query. A cursor that decodes encodes
// to one that decodes to the same place.

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
