#pragma once
/// Aligned text output for people: tables with a header row, and "key: value" blocks.
///
/// Widths count Unicode code points, so element names in any script line up in a terminal
/// (wide CJK characters excepted). Cells never contain a newline: one is shown as a space.

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace refpoint::cli {

/// Columns separated by two spaces, each as wide as its widest cell; the last column is not
/// padded, so no line ends in spaces.
class table {
public:
  explicit table(std::vector<std::string> headers, std::string indent = {});
  /// Adds a row; missing cells are empty, extra cells are dropped.
  void add(std::vector<std::string> row);
  std::size_t rows() const { return rows_.size(); }
  void print(std::ostream& out) const;

private:
  std::string indent_;
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// `key: value` lines with the values aligned; pairs whose value is empty are left out.
void print_fields(std::ostream& out,
                  const std::vector<std::pair<std::string, std::string>>& fields);

/// Number of code points in UTF-8 `text`.
std::size_t display_width(const std::string& text);

} // namespace refpoint::cli
