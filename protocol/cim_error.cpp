#include "protocol/cim_error.hpp"

#include "protocol/object_path.hpp"

#include <pugixml.hpp>
#include <string_view>

namespace refpoint::protocol {

namespace {

/// Collects pugixml's output into a string.
class string_writer : public pugi::xml_writer {
public:
  explicit string_writer(std::string& out) : out_(out) {}
  void write(const void* data, std::size_t size) override {
    out_.append(static_cast<const char*>(data), size);
  }

private:
  std::string& out_;
};

/// Appends `<element NAME="name" TYPE="type">`: NAME first, as the contract requires.
pugi::xml_node append_property(pugi::xml_node instance, const char* element, const char* name,
                               const char* type) {
  auto property = instance.append_child(element);
  property.append_attribute("NAME").set_value(name);
  property.append_attribute("TYPE").set_value(type);
  return property;
}

/// `text` with every control character that XML 1.0 forbids even as a character
/// reference (all below U+0020 but tab, line feed and carriage return) replaced by
/// U+FFFD, so that strict parsers accept the document.
std::string xml_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r')
      out += "\xEF\xBF\xBD";
    else
      out += c;
  }
  return out;
}

/// A scalar property; an empty `value` is written as NULL (no `VALUE` child).
void add_property(pugi::xml_node instance, const char* name, const char* type,
                  std::string_view value) {
  auto property = append_property(instance, "PROPERTY", name, type);
  if (!value.empty())
    property.append_child("VALUE").text().set(xml_safe(value).c_str());
}

void add_number(pugi::xml_node instance, const char* name, const char* type, std::uint32_t value) {
  add_property(instance, name, type, std::to_string(value));
}

} // namespace

std::optional<std::string> msvm_error_xml(const job_record& job) {
  if (job.state != job_state::exception)
    return std::nullopt;
  pugi::xml_document doc;
  auto instance = doc.append_child("INSTANCE");
  instance.append_attribute("CLASSNAME").set_value("Msvm_Error");
  add_number(instance, "ErrorType", "uint16", msvm_error_type_software);
  add_property(instance, "OwningEntity", "string", "refpoint");
  add_property(instance, "MessageID", "string", std::to_string(job.error_code));
  add_property(instance, "Message", "string", job.error_description);
  append_property(instance, "PROPERTY.ARRAY", "MessageArguments", "string")
    .append_child("VALUE.ARRAY");
  add_number(instance, "PerceivedSeverity", "uint16", msvm_error_severity_major);
  add_number(instance, "ProbableCause", "uint16", 0);
  add_property(instance, "ProbableCauseDescription", "string", job.error_summary);
  add_property(instance, "ErrorSource", "string", job_path(job.id));
  add_number(instance, "ErrorSourceFormat", "uint16", msvm_error_source_object_path);
  add_number(instance, "CIMStatusCode", "uint32", cim_err_failed);
  std::string out;
  string_writer writer{out};
  doc.save(writer, "",
           pugi::format_raw | pugi::format_no_declaration | pugi::format_no_empty_element_tags,
           pugi::encoding_utf8);
  return out;
}

} // namespace refpoint::protocol
