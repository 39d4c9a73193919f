#include "protocol/guid.hpp"

#include <gtest/gtest.h>

#include <set>

namespace rp = refpoint::protocol;

namespace {

bool is_upper_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

} // namespace

TEST(NewGuid, IsUpperCaseEightFourFourFourTwelve) {
  auto g = rp::new_guid();
  ASSERT_EQ(g.size(), 36u) << g;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23)
      EXPECT_EQ(g[i], '-') << g;
    else
      EXPECT_TRUE(is_upper_hex(g[i])) << g;
  }
  EXPECT_TRUE(rp::is_guid(g));
}

TEST(NewGuid, CarriesVersionFourAndRfc4122Variant) {
  for (int i = 0; i < 200; ++i) {
    auto g = rp::new_guid();
    EXPECT_EQ(g[14], '4') << g;
    EXPECT_NE(std::string_view{"89AB"}.find(g[19]), std::string_view::npos) << g;
  }
}

TEST(NewGuid, IsAlreadyCanonical) {
  auto g = rp::new_guid();
  EXPECT_EQ(rp::canonical_guid(g), g);
}

TEST(NewGuid, DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i)
    EXPECT_TRUE(seen.insert(rp::new_guid()).second);
}

TEST(IsGuid, AcceptsEitherCaseAndBraces) {
  EXPECT_TRUE(rp::is_guid("4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16"));
  EXPECT_TRUE(rp::is_guid("4abbd7a5-7d02-4d27-b8e1-68d1b7b4ad16"));
  EXPECT_TRUE(rp::is_guid("4abbD7A5-7d02-4D27-b8E1-68d1B7B4ad16"));
  EXPECT_TRUE(rp::is_guid("{4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16}"));
  EXPECT_TRUE(rp::is_guid("00000000-0000-0000-0000-000000000000"));
}

TEST(IsGuid, RejectsWrongShapes) {
  for (std::string_view bad : {
         "",
         "{}",
         "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD1",   // one digit short
         "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD166", // one digit long
         "4ABBD7A57D024D27B8E168D1B7B4AD16",      // no dashes
         "4ABBD7A5-7D024-D27-B8E1-68D1B7B4AD16",  // dash misplaced
         "4ABBD7A5_7D02_4D27_B8E1_68D1B7B4AD16",  // wrong separator
         "4ABBD7G5-7D02-4D27-B8E1-68D1B7B4AD16",  // not hex
         "{4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16", // unbalanced brace
         "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16}",
         "{{4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16}}",
         " 4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16",
       })
    EXPECT_FALSE(rp::is_guid(bad)) << bad;
}

TEST(CanonicalGuid, UpperCasesAndStripsBraces) {
  EXPECT_EQ(rp::canonical_guid("{4abbd7a5-7d02-4d27-b8e1-68d1b7b4ad16}"),
            "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16");
  EXPECT_EQ(rp::canonical_guid("4abbd7a5-7d02-4d27-b8e1-68d1b7b4ad16"),
            "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16");
}

TEST(MakeRctId, MatchesHyperVSpelling) {
  EXPECT_EQ(rp::make_rct_id("4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16", 1),
            "rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00000001");
}

TEST(MakeRctId, WritesCounterAsEightLowerCaseHexDigits) {
  const std::string_view g = "4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16";
  EXPECT_EQ(rp::make_rct_id(g, 0), "rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00000000");
  EXPECT_EQ(rp::make_rct_id(g, 0xABCDEF), "rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:00abcdef");
  EXPECT_EQ(rp::make_rct_id(g, 0xFFFFFFFF), "rctX:4abbd7a5:7d02:4d27:b8e1:68d1b7b4ad16:ffffffff");
}

TEST(MakeRctId, AcceptsBracedOrLowerCaseGuid) {
  auto expected = rp::make_rct_id("4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16", 7);
  EXPECT_EQ(rp::make_rct_id("{4ABBD7A5-7D02-4D27-B8E1-68D1B7B4AD16}", 7), expected);
  EXPECT_EQ(rp::make_rct_id("4abbd7a5-7d02-4d27-b8e1-68d1b7b4ad16", 7), expected);
}
