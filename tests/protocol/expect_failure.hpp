#pragma once
// Shared by the protocol tests: asserting that a decoder refused its input precisely.

#include "protocol/result.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string_view>

namespace refpoint::protocol::testing {

/// Expects `r` to fail with Invalid Parameter blaming `field`, with a message containing
/// every one of `fragments`.
template <class T>
void expect_failure(const result<T>& r, std::string_view field,
                    std::initializer_list<std::string_view> fragments) {
  ASSERT_FALSE(r.ok()) << "expected a failure on " << field;
  EXPECT_EQ(r.error().code, return_code::invalid_parameter);
  EXPECT_EQ(r.error().field, field) << r.error().message;
  for (auto fragment : fragments)
    EXPECT_NE(r.error().message.find(fragment), std::string::npos)
      << "message: " << r.error().message << "\nmissing: " << fragment;
}

} // namespace refpoint::protocol::testing
