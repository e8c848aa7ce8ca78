#include "martctl/local/product_file.h"

#include <gtest/gtest.h>

namespace mart::cli {
namespace {

using nlohmann::json;

TEST(CsvRecordTest, QuotesCommasDoubledQuotesAndLineEnds) {
  std::string text = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x\n";
  size_t pos = 0;
  std::vector<std::string> fields;
  std::string error;
  ASSERT_TRUE(NextCsvRecord(text, &pos, &fields, &error));
  EXPECT_EQ(fields, (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  ASSERT_TRUE(NextCsvRecord(text, &pos, &fields, &error));
  EXPECT_EQ(fields, (std::vector<std::string>{"multi\nline", "x"}));
  EXPECT_FALSE(NextCsvRecord(text, &pos, &fields, &error));
  EXPECT_EQ(error, "");
}

TEST(CsvRecordTest, AnUnterminatedQuoteIsAnError) {
  size_t pos = 0;
  std::vector<std::string> fields;
  std::string error;
  EXPECT_FALSE(NextCsvRecord("\"open,field\n", &pos, &fields, &error));
  EXPECT_EQ(error, "unterminated quoted field");
}

TEST(ProductFileTest, CsvRowsBecomeCreateParams) {
  auto parsed = ParseProductFile(
      "Name,description,category,price,quantity,_id\nPhone,,Electronics,899.99,50,"
      "66F1C0FFEE0000000000ABCD\nCable,,Electronics,9.5,3,\n",
      FileFormat::kCsv);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->rows.size(), 2u);
  EXPECT_EQ(parsed->rows[0], (json{{"name", "Phone"}, {"category", "Electronics"},
                                   {"price", "899.99"}, {"quantity", 50}}));
  // The id is kept apart from the create params, in lower case; "" when the cell is empty.
  EXPECT_EQ(parsed->ids, (std::vector<std::string>{"66f1c0ffee0000000000abcd", ""}));
  EXPECT_EQ(parsed->RowsWithId(), 1u);
  EXPECT_TRUE(parsed->errors.empty());
}

TEST(ProductFileTest, IdsAreCheckedAndIdWorksAsWellAsUnderscoreId) {
  auto parsed = ParseProductFile(
      "{\"id\":\"66f1c0ffee0000000000abcd\",\"name\":\"A\",\"category\":\"B\",\"price\":1}\n"
      "{\"_id\":\"x\",\"name\":\"A\",\"category\":\"B\",\"price\":1}\n"
      "{\"_id\":\"66f1c0ffee0000000000abcd\",\"id\":\"66f1c0ffee0000000000abce\",\"name\":\"A\","
      "\"category\":\"B\",\"price\":1}\n"
      "{\"_id\":7,\"name\":\"A\",\"category\":\"B\",\"price\":1}\n",
      FileFormat::kJsonLines);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->rows.size(), 1u);
  EXPECT_EQ(parsed->ids[0], "66f1c0ffee0000000000abcd");
  EXPECT_FALSE(parsed->rows[0].contains("id"));
  ASSERT_EQ(parsed->errors.size(), 3u);
  EXPECT_EQ(parsed->errors[0].second, "product id 'x' is not 24 hex characters");
  EXPECT_EQ(parsed->errors[1].second, "_id and id differ");
  EXPECT_EQ(parsed->errors[2].second, "_id must be a string");
}

TEST(ProductFileTest, BadRowsAreReportedWithTheirLine) {
  auto parsed = ParseProductFile(
      "name,category,price,quantity\nA,B,1.999,1\nC,D,2,x\n,E,3,1\nF,G,4,1\n", FileFormat::kCsv);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->total, 4u);
  EXPECT_EQ(parsed->rows.size(), 1u);
  ASSERT_EQ(parsed->errors.size(), 3u);
  EXPECT_EQ(parsed->errors[0].first, 2u);
  EXPECT_NE(parsed->errors[0].second.find("at most two decimals"), std::string::npos);
  EXPECT_EQ(parsed->errors[1].first, 3u);
  EXPECT_NE(parsed->errors[1].second.find("quantity must be an integer"), std::string::npos);
  EXPECT_EQ(parsed->errors[2].first, 4u);
}

TEST(ProductFileTest, AnUnknownColumnRefusesTheFile) {
  auto parsed = ParseProductFile("name,colour\nA,red\n", FileFormat::kCsv);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("unknown column 'colour'"), std::string::npos);
}

TEST(ProductFileTest, JsonLinesKeepIdsApartAndReportNonObjects) {
  auto parsed = ParseProductFile(
      "{\"_id\":\"66f1c0ffee0000000000abcd\",\"name\":\"A\",\"category\":\"B\",\"price\":1.5}"
      "\n\n[1]\n"
      "{\"name\":\"  \",\"category\":\"B\",\"price\":1}\n",
      FileFormat::kJsonLines);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->rows.size(), 1u);
  EXPECT_FALSE(parsed->rows[0].contains("_id"));
  ASSERT_EQ(parsed->errors.size(), 2u);
  EXPECT_EQ(parsed->errors[0].first, 3u);
  // A blank name would be refused by the daemon: it must be caught before sending.
  EXPECT_EQ(parsed->errors[1], (std::pair<size_t, std::string>{4, "name must not be empty"}));
}

TEST(ProductFileTest, ExportReadsBackAsTheSameProducts) {
  // Products as martd sends them: their own id is `id` (PROTOCOL.md, Naming).
  json products = json::array({{{"id", "6b01f06edb8835c2babfbbc5"}, {"name", "Phone, \"big\""},
                                {"description", ""}, {"category", "Electronics"},
                                {"price", 899.99}, {"quantity", 50}}});
  EXPECT_EQ(WriteProductFile(products, FileFormat::kCsv, true).substr(0, 46),
            "id,name,description,category,price,quantity\n6b");
  for (FileFormat format : {FileFormat::kCsv, FileFormat::kJsonLines}) {
    auto parsed = ParseProductFile(WriteProductFile(products, format, true), format);
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed->rows.size(), 1u);
    EXPECT_EQ(parsed->ids, std::vector<std::string>{"6b01f06edb8835c2babfbbc5"});
    EXPECT_EQ(parsed->rows[0]["name"], "Phone, \"big\"");
    EXPECT_EQ(parsed->rows[0]["quantity"], 50);
  }
  EXPECT_EQ(FormatForPath("x.jsonl"), FileFormat::kJsonLines);
  EXPECT_EQ(FormatForPath("x.csv"), FileFormat::kCsv);
}

}  // namespace
}  // namespace mart::cli
