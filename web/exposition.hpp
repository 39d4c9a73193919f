#pragma once
/// Writing the Prometheus text exposition format, version 0.0.4: metric families with their
/// `# HELP` and `# TYPE` lines, samples with escaped label values, and fixed-bucket
/// histograms (`_bucket` lines cumulative and ending in `le="+Inf"`, then `_sum`, `_count`).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refpoint::web {

/// The `Content-Type` of an exposition.
inline constexpr std::string_view exposition_content_type =
  "text/plain; version=0.0.4; charset=utf-8";

/// Label name and value pairs of one sample, in the order they are written.
using label_list = std::vector<std::pair<std::string_view, std::string>>;

/// A label value with `\`, `"` and newlines escaped as the format requires.
std::string escape_label_value(std::string_view value);

/// A sample value: the shortest text that reads back as `value`, in plain decimal notation
/// from 1e-5 to 1e15 and in exponent notation outside; or `+Inf`, `-Inf`, `NaN`.
std::string format_value(double value);

/// Observations counted into buckets with fixed upper bounds (ascending). Not thread-safe.
class histogram {
public:
  explicit histogram(std::span<const double> bounds);

  void observe(double value);

  std::span<const double> bounds() const { return bounds_; }
  /// Observations per bucket, not cumulative; the last entry counts those above every bound.
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  double sum() const { return sum_; }
  std::uint64_t count() const { return count_; }

private:
  std::span<const double> bounds_;
  std::vector<std::uint64_t> counts_;
  double sum_ = 0.0;
  std::uint64_t count_ = 0;
};

/// One exposition being written.
class exposition {
public:
  /// Starts a family: `# HELP name help` and `# TYPE name type` ("counter", "gauge",
  /// "histogram"). Its samples must follow before the next family starts.
  void family(std::string_view name, std::string_view type, std::string_view help);

  void sample(std::string_view name, const label_list& labels, double value);
  void sample(std::string_view name, const label_list& labels, std::uint64_t value);

  /// The `_bucket`, `_sum` and `_count` samples of histogram `name` with `labels`.
  void samples(std::string_view name, const label_list& labels, const histogram& h);

  const std::string& text() const { return out_; }

private:
  void write_sample(std::string_view name, const label_list& labels, std::string_view value);

  std::string out_;
};

} // namespace refpoint::web
