#include "app/cli/disk_spec.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>

namespace refpoint::cli {

namespace {

std::string lower(std::string_view text) {
  std::string out;
  for (const char c : text)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

} // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end == text.data())
    return std::nullopt;
  const auto suffix = lower(text.substr(static_cast<std::size_t>(end - text.data())));
  static constexpr std::array<std::string_view, 5> units{"", "k", "m", "g", "t"};
  for (std::size_t power = 0; power < units.size(); ++power) {
    const std::string unit{units[power]};
    if (suffix != unit && (power == 0 || suffix != unit + "ib"))
      continue;
    std::uint64_t factor = 1;
    for (std::size_t i = 0; i < power; ++i)
      factor *= 1024;
    if (number > std::numeric_limits<std::uint64_t>::max() / factor)
      return std::nullopt;
    return number * factor;
  }
  return std::nullopt;
}

std::variant<boost::json::object, std::string> parse_disk_spec(std::string_view spec) {
  const auto bad = [&](std::string_view why) {
    return "--disk '" + std::string{spec} + "': " + std::string{why} +
           " (expected ID:SIZE[:fail=F][:notrack] or ID:file=PATH)";
  };
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return bad(colon == 0 ? "the disk id is empty" : "no size or file");
  boost::json::object disk{{"id", spec.substr(0, colon)}};
  auto rest = spec.substr(colon + 1);
  bool has_size = false;
  bool has_file = false;
  for (;;) {
    if (rest.starts_with("file=")) {
      if (has_size)
        return bad("a file-backed disk takes its size from the file");
      if (rest.size() == 5)
        return bad("the file path is empty");
      disk["backend"] = "file";
      disk["path"] = rest.substr(5);
      has_file = true;
      break;
    }
    const auto end = rest.find(':');
    const auto part = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (part == "notrack") {
      disk["changeTracking"] = false;
    } else if (part.starts_with("fail=")) {
      const auto value = part.substr(5);
      double fraction = 0;
      const auto [stop, ec] = std::from_chars(value.data(), value.data() + value.size(), fraction);
      if (ec != std::errc{} || stop != value.data() + value.size())
        return bad("fail= needs a number from 0 to 1");
      disk["simFailAt"] = fraction;
    } else if (auto size = parse_size(part)) {
      if (has_size)
        return bad("two sizes");
      disk["sizeBytes"] = *size;
      has_size = true;
    } else {
      return bad("'" + std::string{part} + "' is not a size, fail=F, notrack or file=PATH");
    }
    if (rest.empty())
      break;
  }
  if (!has_size && !has_file)
    return bad("no size or file");
  if (has_file && disk.contains("simFailAt"))
    return bad("fail= applies to sim disks only");
  return disk;
}

} // namespace refpoint::cli
