#pragma once
/// Shared checks for the JSON bodies of `/cim/v2` method calls (DESIGN §4): parameter
/// names as in WMI, matched case-insensitively. Pure functions, safe from any thread.

#include "protocol/result.hpp"

#include <boost/json.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

namespace refpoint::protocol {

/// The parameters of one method call, looked up case-insensitively. Refers to the body
/// it was checked on: the body must outlive it.
class method_params {
public:
  /// Checks, in this order, that `body` is a JSON object (else 4 with an empty
  /// `failure::field`), that every parameter name is one of `known` in any case (else 4
  /// naming every unknown parameter, `failure::field` the first of them), and that no
  /// parameter is given twice in different spellings (else 4, `failure::field` the name
  /// as spelt in `known`).
  static result<method_params> check(const boost::json::value& body,
                                     std::initializer_list<std::string_view> known);

  /// The value of parameter `name` in any case, or nullptr when absent.
  const boost::json::value* find(std::string_view name) const;

private:
  explicit method_params(const boost::json::object& body) : body_(&body) {}

  const boost::json::object* body_;
};

/// A required reference parameter (`AffectedSystem`, `AffectedReferencePoint`, ...):
/// absent (`v` null) or JSON null → 4 "is required"; not a string → 4; otherwise
/// `resolve_reference(text, expected_class, key_name, param)` (4, or 6 for a path of
/// another class). Every failure names `param` in `failure::field`.
result<std::string> decode_reference_param(const boost::json::value* v, std::string_view param,
                                           std::string_view expected_class,
                                           std::string_view key_name);

} // namespace refpoint::protocol
