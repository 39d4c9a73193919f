#include "protocol/object_path.hpp"

#include "protocol/guid.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>

namespace refpoint::protocol {

namespace {

bool is_identifier_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_identifier_char(char c) {
  return is_identifier_start(c) || (c >= '0' && c <= '9');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// Recursive-descent parser over one path text. Each step returns false after recording
/// the first error (with the offset where it occurred) in `error_`.
class path_parser {
public:
  explicit path_parser(std::string_view text) : text_(text) {}

  result<object_path> parse() {
    object_path path;
    if (!parse_prefix(path) || !parse_class(path) || !parse_keys(path))
      return failure{return_code::invalid_parameter, "invalid object path: " + error_, {}};
    return path;
  }

private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  bool fail(std::string what) {
    error_ = std::move(what) + " at offset " + std::to_string(pos_);
    return false;
  }

  /// `\\HOST\ns:` or a bare `ns:` (a namespace-relative path); nothing otherwise.
  bool parse_prefix(object_path& path) {
    if (!text_.starts_with("\\\\")) {
      auto end = namespace_end();
      bool has_namespace = end < text_.size() && text_[end] == ':';
      return !has_namespace || parse_namespace(path);
    }
    pos_ = 2;
    auto host_end = text_.find('\\', pos_);
    if (host_end == pos_ || host_end == std::string_view::npos)
      return fail("expected a host name followed by '\\'");
    path.host = text_.substr(pos_, host_end - pos_);
    pos_ = host_end + 1;
    return parse_namespace(path);
  }

  /// Where the run of namespace characters (identifier characters and `\`) starting
  /// at the current position ends.
  std::size_t namespace_end() const {
    auto end = text_.find_first_not_of(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_\\", pos_);
    return end == std::string_view::npos ? text_.size() : end;
  }

  bool parse_namespace(object_path& path) {
    auto end = namespace_end();
    if (end == pos_)
      return fail("expected a namespace");
    if (end == text_.size() || text_[end] != ':') {
      pos_ = end;
      return fail("expected ':' after the namespace");
    }
    path.name_space = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }

  bool parse_identifier(std::string& out, std::string_view what) {
    if (!is_identifier_start(peek()))
      return fail("expected " + std::string(what));
    auto start = pos_;
    while (is_identifier_char(peek()))
      ++pos_;
    out = text_.substr(start, pos_ - start);
    return true;
  }

  bool parse_class(object_path& path) { return parse_identifier(path.class_name, "a class name"); }

  bool parse_keys(object_path& path) {
    if (at_end())
      return true;
    if (peek() != '.')
      return fail("expected '.' after the class name");
    ++pos_;
    do {
      if (!parse_key(path))
        return false;
    } while (consume(','));
    return at_end() || fail("expected ',' or the end of the path");
  }

  bool consume(char c) {
    if (peek() != c)
      return false;
    ++pos_;
    return true;
  }

  bool parse_key(object_path& path) {
    auto key_start = pos_;
    std::string name;
    if (!parse_identifier(name, "a key name"))
      return false;
    if (path.key(name)) {
      pos_ = key_start;
      return fail("duplicate key " + name);
    }
    if (!consume('='))
      return fail("expected '=' after key " + name);
    std::string value;
    if (!parse_value(value))
      return false;
    path.keys.emplace_back(std::move(name), std::move(value));
    return true;
  }

  bool parse_value(std::string& out) {
    if (consume('"'))
      return parse_quoted(out);
    auto start = pos_;
    consume('-');
    if (!is_digit(peek())) {
      pos_ = start;
      return fail("expected a quoted string or an integer");
    }
    while (is_digit(peek()))
      ++pos_;
    out = text_.substr(start, pos_ - start);
    return true;
  }

  /// The rest of a string value after its opening quote, unescaping `\"` and `\\`.
  bool parse_quoted(std::string& out) {
    while (!at_end()) {
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
        if (next != '"' && next != '\\')
          return fail("unsupported escape (only \\\" and \\\\ are allowed)");
        c = next;
        ++pos_;
      }
      out += c;
      ++pos_;
    }
    return fail("unterminated string value");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

void append_quoted(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  out += '"';
}

/// The GUID in upper-case canonical form; any other value unchanged.
std::string canonical_if_guid(std::string value) {
  return is_guid(value) ? canonical_guid(value) : std::move(value);
}

} // namespace

std::optional<std::string> object_path::key(std::string_view name) const {
  for (const auto& [k, v] : keys)
    if (boost::algorithm::iequals(k, name))
      return v;
  return std::nullopt;
}

bool object_path::is_class(std::string_view name) const {
  return boost::algorithm::iequals(class_name, name);
}

result<object_path> parse_object_path(std::string_view text) {
  return path_parser{text}.parse();
}

std::string format_object_path(const object_path& path) {
  std::string out;
  if (!path.host.empty())
    out += "\\\\" + path.host + "\\";
  if (!path.host.empty() || !path.name_space.empty())
    out += path.name_space + ":";
  out += path.class_name;
  char separator = '.';
  for (const auto& [name, value] : path.keys) {
    out += separator;
    out += name;
    out += '=';
    append_quoted(out, value);
    separator = ',';
  }
  return out;
}

std::string job_path(std::string_view instance_id) {
  return format_object_path(
    {{}, {}, "Msvm_ConcreteJob", {{"InstanceID", std::string(instance_id)}}});
}

std::string system_path(std::string_view name) {
  return format_object_path(
    {{},
     {},
     "Msvm_ComputerSystem",
     {{"CreationClassName", "Msvm_ComputerSystem"}, {"Name", std::string(name)}}});
}

std::string reference_point_path(std::string_view instance_id, std::string_view system_name) {
  return format_object_path({{},
                             {},
                             "Msvm_VirtualSystemReferencePoint",
                             {{"InstanceID", std::string(instance_id)},
                              {"VirtualSystemIdentifier", std::string(system_name)}}});
}

std::string collection_path(std::string_view instance_id) {
  return format_object_path(
    {{}, {}, "Msvm_VirtualSystemCollection", {{"InstanceID", std::string(instance_id)}}});
}

std::string collection_reference_point_path(std::string_view collection_id) {
  return format_object_path(
    {{}, {}, "Msvm_ReferencePointCollection", {{"CollectionID", std::string(collection_id)}}});
}

result<std::string> resolve_reference(std::string_view text, std::string_view expected_class,
                                      std::string_view key_name, std::string_view field) {
  std::string trimmed = boost::algorithm::trim_copy(std::string(text));
  std::string name(field);
  if (trimmed.empty())
    return invalid_parameter(name, name + " is empty");
  if (is_guid(trimmed))
    return canonical_guid(trimmed);
  auto parsed = parse_object_path(trimmed);
  if (!parsed)
    return invalid_parameter(name, name + ": " + parsed.error().message);
  const auto& path = parsed.value();
  if (!path.is_class(expected_class))
    return failure{
      return_code::invalid_type,
      name + " names a " + path.class_name + ", expected a " + std::string(expected_class), name};
  auto value = path.key(key_name);
  if (!value)
    return invalid_parameter(name, name + " has no " + std::string(key_name) + " key");
  if (value->empty())
    return invalid_parameter(name, name + " has an empty " + std::string(key_name) + " key");
  return canonical_if_guid(std::move(*value));
}

} // namespace refpoint::protocol
