#pragma once
/// A value or a CIM-coded failure: how pure protocol code reports bad input.

#include "protocol/codes.hpp"

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace refpoint::protocol {

/// Why input was refused: the CIM return code a client sees, a message naming the
/// problem, and (when one field is at fault) that field's name.
struct failure {
  return_code code = return_code::invalid_parameter;
  std::string message;
  std::string field;
};

/// Either a `T` or a `failure`. REQUIRES: `value()` only when `ok()`, `error()` only when not.
template <class T>
class result {
public:
  result(T value) : v_(std::move(value)) {}
  result(failure f) : v_(std::move(f)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const failure& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

private:
  std::variant<T, failure> v_;
};

/// Shorthand for an Invalid Parameter (4) failure blaming `field`.
inline failure invalid_parameter(std::string field, std::string message) {
  return failure{return_code::invalid_parameter, std::move(message), std::move(field)};
}

} // namespace refpoint::protocol
