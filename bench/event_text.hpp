#pragma once
/// The message bench_ws_broadcaster sends: about 265 bytes of JSON shaped like one of
/// refpoint's `/api/v1/events` messages, stamped with the time it is made.

#include "bench/iso_time.hpp"

#include <cstdint>
#include <string>

namespace bench {

/// `{"cursor":"N","time":"<now>","type":"job.progress","job":{...}}`.
inline std::string event_text(std::uint64_t cursor) {
  std::string out;
  out.reserve(256);
  out += R"({"cursor":")";
  out += std::to_string(cursor);
  out += R"(","time":")";
  out += format_iso_utc(wall_clock_us());
  out += R"(","type":"job.progress","job":{"id":"7D3A51C0-2B4E-4F6A-8C1D-0E9F2A3B4C5D",)"
         R"("type":"createReferencePoint","target":"6C9E2B1A-4F3D-4B8E-9A71-2D5C8E0F1A01",)"
         R"("state":"running","percentComplete":42,"status":"Running"}})";
  return out;
}

} // namespace bench
