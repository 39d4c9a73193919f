#include "app/cli/table.hpp"

#include <algorithm>

namespace refpoint::cli {

namespace {

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  std::replace(text.begin(), text.end(), '\t', ' ');
  return text;
}

void pad(std::ostream& out, const std::string& cell, std::size_t width) {
  out << cell;
  for (auto w = display_width(cell); w < width; ++w)
    out << ' ';
}

} // namespace

std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

table::table(std::vector<std::string> headers, std::string indent)
    : indent_(std::move(indent)), headers_(std::move(headers)) {}

void table::add(std::vector<std::string> row) {
  row.resize(headers_.size());
  for (auto& cell : row)
    cell = one_line(std::move(cell));
  rows_.push_back(std::move(row));
}

void table::print(std::ostream& out) const {
  std::vector<std::size_t> widths;
  for (const auto& header : headers_)
    widths.push_back(display_width(header));
  for (const auto& row : rows_)
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  const auto print_row = [&](const std::vector<std::string>& row) {
    // The last non-empty cell ends the line: no trailing spaces.
    std::size_t last = row.size();
    while (last > 0 && row[last - 1].empty())
      --last;
    out << indent_;
    for (std::size_t i = 0; i < last; ++i) {
      if (i > 0)
        out << "  ";
      if (i + 1 == last)
        out << row[i];
      else
        pad(out, row[i], widths[i]);
    }
    out << '\n';
  };
  print_row(headers_);
  for (const auto& row : rows_)
    print_row(row);
}

void print_fields(std::ostream& out,
                  const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t width = 0;
  for (const auto& [key, value] : fields)
    if (!value.empty())
      width = std::max(width, display_width(key) + 1);
  for (const auto& [key, value] : fields) {
    if (value.empty())
      continue;
    pad(out, key + ":", width);
    out << ' ' << one_line(value) << '\n';
  }
}

} // namespace refpoint::cli
