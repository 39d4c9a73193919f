#include "web/exposition.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace refpoint::web {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  // Plain decimals where they stay short (bucket bounds read "0.0005", not "5e-04"); the
  // shortest round-trip form either way.
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0.0 || (magnitude >= 1e-5 && magnitude < 1e15);
  char buf[64];
  auto [end, ec] = plain ? std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, end);
}

histogram::histogram(std::span<const double> bounds)
    : bounds_(bounds), counts_(bounds.size() + 1, 0) {}

void histogram::observe(double value) {
  auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[static_cast<std::size_t>(bucket)];
  sum_ += value;
  ++count_;
}

void exposition::family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void exposition::sample(std::string_view name, const label_list& labels, double value) {
  write_sample(name, labels, format_value(value));
}

void exposition::sample(std::string_view name, const label_list& labels, std::uint64_t value) {
  write_sample(name, labels, std::to_string(value));
}

void exposition::samples(std::string_view name, const label_list& labels, const histogram& h) {
  auto bucket_name = std::string{name} + "_bucket";
  auto with_le = labels;
  with_le.emplace_back("le", "");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.counts().size(); ++i) {
    cumulative += h.counts()[i];
    with_le.back().second = i < h.bounds().size() ? format_value(h.bounds()[i]) : "+Inf";
    sample(bucket_name, with_le, cumulative);
  }
  sample(std::string{name} + "_sum", labels, h.sum());
  sample(std::string{name} + "_count", labels, h.count());
}

void exposition::write_sample(std::string_view name, const label_list& labels,
                              std::string_view value) {
  out_.append(name);
  if (!labels.empty()) {
    out_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0)
        out_ += ',';
      out_.append(labels[i].first).append("=\"");
      out_.append(escape_label_value(labels[i].second)).append("\"");
    }
    out_ += '}';
  }
  out_.append(" ").append(value).append("\n");
}

} // namespace refpoint::web
