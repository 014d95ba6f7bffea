// The key reference (core/config/key_reference.h): each row says what the schema field says --
// type, default, range or choices, doc -- nested maps as dotted keys, ignored keys marked, and
// the Markdown table escapes what would break it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config/key_reference.h"

namespace morphaeus {
namespace {

TEST(KeyReference, RowsSayWhatTheFieldsSay) {
  Schema inner;
  inner.number("lr").above(0).require();
  inner.boolean("amsgrad").byDefault(false);
  Schema s;
  s.integer("depth").atLeast(1).describe("levels").byDefault(4);
  s.number("level").between(0.5, 0.999).byDefault(0.95);
  s.enumeration("mode", {"fail", "skip"}).describe("a | b").byDefault("fail");
  s.list("size", ValueType::Int).ofLength(2).eachAtLeast(1);
  s.map("optimizer", inner).require();
  s.string("old").ignore("upstream only");
  s.component("loss", ComponentKind::Loss).require();
  const std::vector<KeyRow> rows = keyRows(s);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0].key, "depth");
  EXPECT_EQ(rows[0].type, "integer");
  EXPECT_EQ(rows[0].fallback, "4");
  EXPECT_EQ(rows[0].accepts, "at least 1");
  EXPECT_EQ(rows[0].doc, "levels");
  EXPECT_EQ(rows[1].accepts, "between 0.5 and 0.999");
  EXPECT_EQ(rows[1].fallback, "0.95");
  EXPECT_EQ(rows[2].accepts, "fail | skip");
  EXPECT_EQ(rows[3].type, "list of 2 integers");
  EXPECT_EQ(rows[3].accepts, "each at least 1");
  EXPECT_EQ(rows[4].fallback, "required");
  EXPECT_EQ(rows[5].key, "optimizer.lr");
  EXPECT_EQ(rows[5].accepts, "greater than 0");
  EXPECT_EQ(rows[6].key, "optimizer.amsgrad");
  EXPECT_EQ(rows[6].fallback, "false");
  EXPECT_TRUE(rows[7].ignored);
  EXPECT_EQ(rows[7].type, "accepted, ignored");
  EXPECT_EQ(rows[7].doc, "upstream only");
  EXPECT_EQ(rows[8].type, "component (loss)");

  const std::string table = keyTable(rows);
  EXPECT_NE(table.find("| `mode` | name | fail | fail \\| skip | a \\| b |"), std::string::npos)
      << table;
  EXPECT_EQ(keyTable({}), "");
}

}  // namespace
}  // namespace morphaeus
