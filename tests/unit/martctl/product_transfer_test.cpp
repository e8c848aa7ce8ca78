// product import against a fake daemon: what the summary counts, what is
// refused before anything is sent, --dry-run and --update-existing.
#include "martctl/local/product_transfer.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::RecordedCall;

constexpr char kId[] = "66f1c0ffee0000000000abcd";

class ProductImportTest : public ::testing::Test {
 protected:
  std::string File(const std::string& name, const std::string& text) {
    std::string path = io_.dir.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  json Summary() { return json::parse(io_.out.str()); }

  testing::TestIo io_;
};

const char kTwoRows[] = "name,category,price,quantity\nLamp,Home,25,1\nCable,Electronics,9.50,3\n";

TEST_F(ProductImportTest, ABatchMartdReplaysIsAlreadyImportedNotCreated) {
  io_.answer = [](const RecordedCall&) -> Result<json> {
    return json{{"created", 2}, {"ids", {kId, kId}}, {"updated", 0}, {"unchanged", 0},
                {"failed", json::array()}, {"replayed", true}};
  };
  ASSERT_EQ(io_.Run({"product", "import", File("p.csv", kTwoRows), "-o", "json"}), 0)
      << io_.err.str();
  EXPECT_EQ(Summary()["created"], 0);
  EXPECT_EQ(Summary()["already_imported"], 2);
  const std::string first_line = io_.err.str().substr(0, io_.err.str().find('\n'));
  EXPECT_TRUE(first_line.ends_with("(2 rows): already imported 2")) << io_.err.str();
}

TEST_F(ProductImportTest, SkippedAndRefusedRowsAreCountedApart) {
  io_.answer = [](const RecordedCall& call) -> Result<json> {
    EXPECT_EQ(call.params["continue_on_error"], true);
    return json{{"created", 1}, {"ids", {kId}}, {"updated", 0}, {"unchanged", 0},
                {"failed", json::array({{{"index", 1}, {"error", "no"}, {"code", "INTERNAL"}}})},
                {"replayed", false}};
  };
  std::string path = File("p.csv", std::string(kTwoRows) + "Bad,Toys,1.999,1\n");
  ASSERT_EQ(io_.Run({"product", "import", path, "--continue-on-error", "-o", "json"}), 0)
      << io_.err.str();
  EXPECT_EQ(Summary()["rows"], 3);
  EXPECT_EQ(Summary()["created"], 1);
  EXPECT_EQ(Summary()["skipped"], 1);
  EXPECT_EQ(Summary()["failed"], 1);
}

TEST_F(ProductImportTest, ADryRunSendsNothingAndSaysSo) {
  std::string path = File("p.csv", std::string(kTwoRows) + "Bad,Toys,1.999,1\n");
  ASSERT_EQ(io_.Run({"product", "import", path, "--dry-run", "--continue-on-error", "-o", "json"}),
            0)
      << io_.err.str();
  EXPECT_TRUE(io_.calls.empty());
  EXPECT_EQ(Summary()["dry_run"], true);
  EXPECT_EQ(Summary()["created"], 2);
  EXPECT_EQ(Summary()["skipped"], 1);
  EXPECT_NE(io_.err.str().find("nothing was changed"), std::string::npos) << io_.err.str();
}

TEST_F(ProductImportTest, ADryRunOfABadFileFailsAsTheImportWould) {
  std::string path = File("p.csv", std::string(kTwoRows) + "Bad,Toys,1.999,1\n");
  EXPECT_EQ(io_.Run({"product", "import", path, "--dry-run"}), 2);
  EXPECT_TRUE(io_.calls.empty());
  EXPECT_NE(io_.err.str().find("1 of 3 rows are invalid"), std::string::npos) << io_.err.str();
}

TEST_F(ProductImportTest, AnExportedFileIsRefusedNamingTheFlag) {
  std::string path = File("e.csv", std::string("id,name,category,price,quantity\n") + kId +
                                       ",Lamp,Home,25.0,1\n,Cable,Electronics,9.5,3\n");
  EXPECT_EQ(io_.Run({"product", "import", path}), 2);
  EXPECT_TRUE(io_.calls.empty()) << "nothing may be created from such a file unless asked";
  EXPECT_NE(io_.err.str().find("1 of 2 rows carry a product id"), std::string::npos)
      << io_.err.str();
  EXPECT_NE(io_.err.str().find("--update-existing"), std::string::npos);
}

TEST_F(ProductImportTest, UpdateExistingSendsEachRowsIdAndCountsWhatMartdDid) {
  io_.answer = [](const RecordedCall&) -> Result<json> {
    return json{{"created", 1}, {"ids", {kId}}, {"updated", 1}, {"unchanged", 1},
                {"failed", json::array()}, {"replayed", false}};
  };
  // `id` as well as `_id` names the product; upper-case hex is read as lower case.
  std::string path = File("e.jsonl", std::string("{\"id\":\"66F1C0FFEE0000000000ABCD\",\"name\":\"A\","
                                                 "\"category\":\"H\",\"price\":1}\n"
                                                 "{\"_id\":\"66f1c0ffee0000000000abce\",\"name\":"
                                                 "\"B\",\"category\":\"H\",\"price\":2}\n"
                                                 "{\"name\":\"C\",\"category\":\"H\",\"price\":3}\n"));
  ASSERT_EQ(io_.Run({"product", "import", path, "--update-existing", "-o", "json"}), 0)
      << io_.err.str();
  ASSERT_EQ(io_.calls.size(), 1u);
  const json& params = io_.calls[0].params;
  EXPECT_EQ(params["update_existing"], true);
  EXPECT_EQ(params["products"][0]["id"], kId);
  EXPECT_EQ(params["products"][1]["id"], "66f1c0ffee0000000000abce");
  EXPECT_FALSE(params["products"][2].contains("id"));
  EXPECT_FALSE(params["products"][1].contains("_id"));
  EXPECT_EQ(Summary()["created"], 1);
  EXPECT_EQ(Summary()["updated"], 1);
  EXPECT_EQ(Summary()["unchanged"], 1);
}

TEST_F(ProductImportTest, TheOptionsArePartOfTheBatchKey) {
  std::string path = File("p.csv", kTwoRows);
  ASSERT_EQ(io_.Run({"product", "import", path}), 0) << io_.err.str();
  ASSERT_EQ(io_.Run({"product", "import", path, "--update-existing"}), 0) << io_.err.str();
  ASSERT_EQ(io_.calls.size(), 2u);
  EXPECT_NE(io_.calls[0].options.idempotency_key, io_.calls[1].options.idempotency_key);
  EXPECT_EQ(io_.calls[0].options.idempotency_key.substr(32), "-0");
}

TEST_F(ProductImportTest, ADryRunWithUpdateExistingOnlyReadsWhichIdsExist) {
  io_.answer = [](const RecordedCall& call) -> Result<json> {
    if (call.params["id"] == kId) return json{{"id", kId}, {"name", "A"}};
    return NotFound("product " + call.params["id"].get<std::string>() + " not found");
  };
  std::string path = File("e.csv", std::string("id,name,category,price\n") + kId +
                                       ",A,H,1\n66f1c0ffee0000000000abce,B,H,2\n,C,H,3\n");
  ASSERT_EQ(io_.Run({"product", "import", path, "--update-existing", "--dry-run", "-o", "json"}),
            0)
      << io_.err.str();
  ASSERT_EQ(io_.calls.size(), 2u);
  for (const RecordedCall& call : io_.calls) EXPECT_EQ(call.method, "product.get");
  EXPECT_EQ(Summary()["updated"], 1);
  EXPECT_EQ(Summary()["created"], 2);
}

}  // namespace
}  // namespace mart::cli
