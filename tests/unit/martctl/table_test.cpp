#include "martctl/render/table.h"

#include <sstream>

#include <gtest/gtest.h>

namespace mart::cli {
namespace {

using nlohmann::json;

std::string Write(const Table& table, Layout layout, bool color = false, bool header = true) {
  std::ostringstream out;
  table.Write(out, layout, color, header);
  return out.str();
}

TEST(TableTest, AlignedColumnsHaveAHeaderAndPadding) {
  Table table({"ID", "NAME"});
  table.AddRow({"1", "widget"});
  table.AddRow({"1234", "x"});
  EXPECT_EQ(Write(table, Layout::kAligned), "ID    NAME\n1     widget\n1234  x\n");
}

TEST(TableTest, TabSeparatedHasNoPaddingOrColorAndAHeaderOnlyWhenAsked) {
  Table table({"id", "name"});
  table.AddRow({"1", "widget"});
  table.AddRow({"1234"});
  EXPECT_EQ(Write(table, Layout::kTabSeparated, /*color=*/true, /*header=*/false),
            "1\twidget\n1234\t\n");
  EXPECT_EQ(Write(table, Layout::kTabSeparated, /*color=*/true, /*header=*/true),
            "id\tname\n1\twidget\n1234\t\n");
}

TEST(TableTest, AlignedWithoutAHeaderKeepsItsWidths) {
  Table table({"ID", "NAME"});
  table.AddRow({"1", "w"});
  EXPECT_EQ(Write(table, Layout::kAligned, false, /*header=*/false), "1   w\n");
}

TEST(TableTest, ColorMakesTheHeaderBold) {
  Table table({"ID"});
  table.AddRow({"1"});
  EXPECT_EQ(Write(table, Layout::kAligned, true), "\x1b[1mID\x1b[0m\n1\n");
}

TEST(TableTest, WidthCountsCharactersNotBytes) {
  Table table({"A", "B"});
  table.AddRow({"é", "x"});
  table.AddRow({"ab", "y"});
  EXPECT_EQ(Write(table, Layout::kAligned), "A   B\né   x\nab  y\n");
}

TEST(CellTextTest, ScalarsAndNulls) {
  EXPECT_EQ(CellText(json(true), Layout::kAligned), "true");
  EXPECT_EQ(CellText(json(false), Layout::kTabSeparated), "false");
  EXPECT_EQ(CellText(json(nullptr), Layout::kAligned), "-");
  EXPECT_EQ(CellText(json(nullptr), Layout::kTabSeparated), "");
  EXPECT_EQ(CellText(json(42), Layout::kAligned), "42");
  EXPECT_EQ(CellText(json(609.97), Layout::kAligned), "609.97");
  EXPECT_EQ(CellText(json("text"), Layout::kAligned), "text");
  EXPECT_EQ(CellText(json{{"a", 1}}, Layout::kAligned), "{\"a\":1}");
}

TEST(CellTextTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(CellText(json("a\tb\nc"), Layout::kTabSeparated), "a\\tb\\nc");
  EXPECT_EQ(CellText(json("\x1b[31mred"), Layout::kAligned), "\\u001b[31mred");
}

}  // namespace
}  // namespace mart::cli
