#include "persistence/store_messages.hpp"

#include <caf/sec.hpp>
#include <gtest/gtest.h>

#include <string>

namespace {

using refpoint::persistence::make_error;
using refpoint::persistence::store_errc;

TEST(StoreErrc, ErrorComparesEqualToItsCodeWhateverTheMessage) {
  const caf::error error = make_error(store_errc::not_found, "job 'X' not found");
  EXPECT_EQ(error, store_errc::not_found);
  EXPECT_EQ(store_errc::not_found, error);
  EXPECT_NE(error, store_errc::write_failed);
  EXPECT_EQ(error.category(), caf::atom("store"));
}

TEST(StoreErrc, SameCodeOfAnotherCategoryIsDifferent) {
  const caf::error other = caf::make_error(caf::sec::unexpected_message);
  ASSERT_EQ(other.code(), static_cast<std::uint8_t>(store_errc::not_found));
  EXPECT_NE(other, store_errc::not_found);
}

TEST(StoreErrc, MessageTravelsAsContext) {
  const caf::error error = make_error(store_errc::read_failed, "disk I/O error");
  EXPECT_NE(caf::to_string(error).find("disk I/O error"), std::string::npos)
    << caf::to_string(error);
}

} // namespace
