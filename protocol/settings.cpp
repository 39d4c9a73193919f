#include "protocol/settings.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string_view>
#include <vector>

namespace refpoint::protocol {

namespace json = boost::json;
using boost::algorithm::iequals;

namespace {

constexpr std::string_view field_name = "ReferencePointSettings";

failure bad(std::string message) {
  return invalid_parameter(std::string(field_name), std::string(field_name) + " " + message);
}

/// One property of the embedded instance, in either form. Its value is JSON: XML scalar
/// text becomes a string, a missing `VALUE` null, a `VALUE.ARRAY` an array, and a
/// reference or embedded object an empty object (no scalar property accepts one).
struct property {
  std::string name;
  json::value value;
};

/// The embedded instance before interpretation. `class_name` is empty when the input
/// did not state one (JSON without `__CLASS`).
struct instance {
  std::string class_name;
  std::vector<property> properties;
};

// ---- interpreting an instance ----------------------------------------------------------

/// The integer `v` holds: an integer number, or a string of decimal digits (which is how
/// XML `VALUE` text arrives). Surrounding whitespace in a string is ignored.
std::optional<std::int64_t> integer_of(const json::value& v) {
  if (v.is_int64())
    return v.get_int64();
  if (!v.is_string())
    return std::nullopt;
  auto text = boost::algorithm::trim_copy(std::string(v.get_string()));
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  return n;
}

/// `ConsistencyLevel` number → level, in the numbering of `cls`.
std::optional<consistency_level> consistency_of(std::int64_t n, settings_class cls) {
  bool system = cls == settings_class::system;
  if (n == 1)
    return system ? consistency_level::application : consistency_level::crash;
  if (n == 2)
    return system ? consistency_level::crash : consistency_level::application;
  return std::nullopt;
}

std::string_view expected_levels(settings_class cls) {
  return cls == settings_class::system ? "1 (Application) or 2 (Crash)"
                                       : "1 (Crash) or 2 (Application)";
}

std::optional<failure> apply_consistency(const json::value& v, settings_class cls,
                                         rp_settings& out) {
  if (v.is_null())
    return std::nullopt;
  auto n = integer_of(v);
  auto level = n ? consistency_of(*n, cls) : std::nullopt;
  if (!level)
    return bad("has ConsistencyLevel " + json::serialize(v) + "; " +
               std::string(settings_class_name(cls)) + " expects " +
               std::string(expected_levels(cls)));
  out.consistency = *level;
  return std::nullopt;
}

std::optional<failure> apply_element_name(const json::value& v, rp_settings& out) {
  if (v.is_string())
    out.element_name = v.get_string();
  else if (!v.is_null())
    return bad("has ElementName " + json::serialize(v) + "; it must be a string");
  return std::nullopt;
}

bool is_ignored_property(std::string_view name) {
  return name.starts_with("__") || iequals(name, "InstanceID") || iequals(name, "Caption") ||
         iequals(name, "Description");
}

std::optional<failure> apply_property(const property& p, settings_class cls, rp_settings& out) {
  if (iequals(p.name, "ElementName"))
    return apply_element_name(p.value, out);
  if (iequals(p.name, "ConsistencyLevel"))
    return apply_consistency(p.value, cls, out);
  if (is_ignored_property(p.name))
    return std::nullopt;
  return bad("has unknown property " + p.name);
}

bool seen_before(const std::vector<property>& props, std::size_t index) {
  for (std::size_t i = 0; i < index; ++i)
    if (iequals(props[i].name, props[index].name))
      return true;
  return false;
}

result<rp_settings> interpret(const instance& inst, settings_class cls) {
  auto expected = settings_class_name(cls);
  if (!inst.class_name.empty() && !iequals(inst.class_name, expected))
    return bad("holds a " + inst.class_name + "; expected a " + std::string(expected));
  rp_settings out;
  for (std::size_t i = 0; i < inst.properties.size(); ++i) {
    const auto& p = inst.properties[i];
    if (seen_before(inst.properties, i))
      return bad("repeats property " + p.name);
    if (auto error = apply_property(p, cls, out))
      return *error;
  }
  return out;
}

// ---- reading the JSON form -------------------------------------------------------------

result<instance> read_json_object(const json::object& object) {
  instance inst;
  for (const auto& [key, value] : object) {
    if (iequals(key, "__CLASS")) {
      if (!value.is_string())
        return bad("has __CLASS " + json::serialize(value) + "; it must be a string");
      inst.class_name = value.get_string();
    }
    inst.properties.push_back({std::string(key), value});
  }
  return inst;
}

result<instance> read_json_text(std::string_view text) {
  json::stream_parser parser;
  json::error_code ec;
  auto consumed = parser.write(text.data(), text.size(), ec);
  if (!ec)
    parser.finish(ec);
  if (ec)
    return bad("is not valid JSON: " + ec.message() + " at offset " + std::to_string(consumed));
  auto parsed = parser.release();
  if (!parsed.is_object())
    return bad("holds JSON that is not an object");
  return read_json_object(parsed.get_object());
}

// ---- reading the CIM-XML form ----------------------------------------------------------

bool named(const pugi::xml_node& node, std::string_view name) {
  return iequals(std::string_view(node.name()), name);
}

std::optional<std::string_view> attribute(const pugi::xml_node& node, std::string_view name) {
  for (auto a : node.attributes())
    if (iequals(std::string_view(a.name()), name))
      return a.value();
  return std::nullopt;
}

std::vector<pugi::xml_node> child_elements(const pugi::xml_node& node) {
  std::vector<pugi::xml_node> out;
  for (auto child : node.children())
    if (child.type() == pugi::node_element)
      out.push_back(child);
  return out;
}

std::optional<pugi::xml_node> child_element(const pugi::xml_node& node, std::string_view name) {
  for (auto child : child_elements(node))
    if (named(child, name))
      return child;
  return std::nullopt;
}

/// `<VALUE.ARRAY>` → array of strings, `<VALUE.NULL/>` entries as null.
json::value read_value_array(const pugi::xml_node& array) {
  json::array out;
  for (auto item : child_elements(array)) {
    if (named(item, "VALUE"))
      out.emplace_back(item.text().get());
    else if (named(item, "VALUE.NULL"))
      out.emplace_back(nullptr);
  }
  return out;
}

/// The value of one `PROPERTY*` element, or nothing when the element is not a property.
std::optional<json::value> read_property_value(const pugi::xml_node& element) {
  if (named(element, "PROPERTY")) {
    auto value = child_element(element, "VALUE");
    return value ? json::value(value->text().get()) : json::value(nullptr);
  }
  if (named(element, "PROPERTY.ARRAY")) {
    auto array = child_element(element, "VALUE.ARRAY");
    return array ? read_value_array(*array) : json::value(nullptr);
  }
  for (auto other :
       {"PROPERTY.REFERENCE", "PROPERTY.REFARRAY", "PROPERTY.OBJECT", "PROPERTY.OBJECTARRAY"})
    if (named(element, other))
      return json::object{};
  return std::nullopt;
}

/// The `INSTANCE` element: the root, or the child of a `VALUE.*` root (what `GetText_`
/// writes with a `PathLevel` above 0, e.g. `VALUE.NAMEDOBJECT`).
result<pugi::xml_node> instance_element(const pugi::xml_document& doc) {
  auto roots = child_elements(doc); // never empty: pugixml refuses a document without one
  if (roots.size() > 1)
    return bad("holds XML with more than one root element");
  const auto& root = roots.front();
  if (named(root, "INSTANCE"))
    return root;
  if (boost::algorithm::istarts_with(std::string_view(root.name()), "VALUE."))
    if (auto inner = child_element(root, "INSTANCE"))
      return *inner;
  return bad("holds an XML <" + std::string(root.name()) + "> element; expected <INSTANCE>");
}

result<instance> read_instance(const pugi::xml_node& element) {
  instance inst;
  inst.class_name = attribute(element, "CLASSNAME").value_or("");
  if (inst.class_name.empty())
    return bad("has an INSTANCE without CLASSNAME");
  for (auto child : child_elements(element)) {
    if (named(child, "QUALIFIER"))
      continue;
    auto value = read_property_value(child);
    if (!value)
      return bad("has an unexpected <" + std::string(child.name()) + "> element in INSTANCE");
    auto name = attribute(child, "NAME").value_or("");
    if (name.empty())
      return bad("has a <" + std::string(child.name()) + "> element without NAME");
    inst.properties.push_back({std::string(name), std::move(*value)});
  }
  return inst;
}

result<instance> read_xml_text(std::string_view text) {
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed)
    return bad("is not well-formed XML: " + std::string(parsed.description()) + " at offset " +
               std::to_string(parsed.offset));
  auto element = instance_element(doc);
  if (!element)
    return element.error();
  return read_instance(element.value());
}

// ---- dispatch ---------------------------------------------------------------------------

result<rp_settings> decode_text(std::string_view text, settings_class cls) {
  constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
  if (text.starts_with(utf8_bom))
    text.remove_prefix(utf8_bom.size());
  auto trimmed = boost::algorithm::trim_copy(std::string(text));
  if (trimmed.empty())
    return rp_settings{};
  auto inst = trimmed.front() == '<' ? read_xml_text(trimmed)
              : trimmed.front() == '{'
                ? read_json_text(trimmed)
                : result<instance>(bad("is neither CIM-XML nor a JSON object"));
  if (!inst)
    return inst.error();
  return interpret(inst.value(), cls);
}

std::string_view kind_name(const json::value& v) {
  if (v.is_number())
    return "a number";
  if (v.is_bool())
    return "a boolean";
  return "an array";
}

} // namespace

std::string_view settings_class_name(settings_class cls) {
  return cls == settings_class::system ? "Msvm_VirtualSystemReferencePointSettingData"
                                       : "Msvm_CollectionReferencePointSettingData";
}

result<rp_settings> decode_rp_settings(const json::value& v, settings_class cls) {
  if (v.is_null())
    return rp_settings{};
  if (v.is_string())
    return decode_text(v.get_string(), cls);
  if (v.is_object()) {
    auto inst = read_json_object(v.get_object());
    if (!inst)
      return inst.error();
    return interpret(inst.value(), cls);
  }
  return bad("must be a string, an object or null, not " + std::string(kind_name(v)));
}

} // namespace refpoint::protocol
