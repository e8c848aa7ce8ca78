// order place: --item parsing, the items param, and waiting for the order.
#include "martctl/local/order_place.h"

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::RecordedCall;

constexpr char kProduct[] = "66f1c0ffee0000000000abcd";
constexpr char kOrder[] = "66f1c0ffee0000000000beef";

TEST(ParseItemFlagTest, QuantityDefaultsToOneAndPriceIsSentAsText) {
  EXPECT_EQ(ParseItemFlag(kProduct).value(),
            (json{{"product_id", kProduct}, {"quantity", 1}}));
  EXPECT_EQ(ParseItemFlag(std::string(kProduct) + ":3").value(),
            (json{{"product_id", kProduct}, {"quantity", 3}}));
  EXPECT_EQ(ParseItemFlag(std::string(kProduct) + ":2:899.99").value(),
            (json{{"product_id", kProduct}, {"quantity", 2}, {"price", "899.99"}}));
  EXPECT_EQ(ParseItemFlag(std::string(kProduct) + ":1:5").value()["price"], "5");
}

TEST(ParseItemFlagTest, BadItemsSayWhatIsWrongAndTheShape) {
  const std::string id = kProduct;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "the product id is missing"},
      {":2", "the product id is missing"},
      {"abc:2", "the product id must be 24 hex characters"},
      {"66F1C0FFEE0000000000ABCD", "the product id must be 24 hex characters"},
      {id + ":0", "the quantity must be a whole number of at least 1, not '0'"},
      {id + ":-1", "the quantity must be a whole number of at least 1, not '-1'"},
      {id + ":x", "the quantity must be a whole number of at least 1, not 'x'"},
      {id + ":", "the quantity must be a whole number of at least 1, not ''"},
      {id + ":99999999999999999999", "the quantity must be a whole number"},
      {id + ":1:9.999", "the price must be an amount above 0 with at most two decimals, "
                        "not '9.999'"},
      {id + ":1:0", "the price must be an amount above 0"},
      {id + ":1:-5", "the price must be an amount above 0"},
      {id + ":1:abc", "the price must be an amount above 0"},
      {id + ":1:", "the price must be an amount above 0"},
      {id + ":1:2:3", "too many ':'"},
  };
  for (const auto& [text, problem] : cases) {
    Result<json> parsed = ParseItemFlag(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
    const std::string& message = parsed.status().message();
    EXPECT_EQ(message.rfind("'" + text + "': ", 0), 0u) << message;
    EXPECT_NE(message.find(problem), std::string::npos) << message;
    EXPECT_NE(message.find("expected PRODUCT_ID[:QUANTITY[:PRICE]]"), std::string::npos)
        << message;
  }
}

json Order(const std::string& status, json reason = nullptr) {
  return {{"id", kOrder}, {"status", status}, {"reason", reason}, {"total_price", 9.99}};
}

class OrderPlaceTest : public ::testing::Test {
 protected:
  // order.place answers pending; order.get answers `statuses` in turn, then
  // the last one for ever.
  void Script(std::vector<json> gets) {
    test_.answer = [gets, index = size_t{0}](const RecordedCall& call) mutable -> Result<json> {
      if (call.method == "order.place") return Order("pending");
      EXPECT_EQ(call.method, "order.get");
      EXPECT_EQ(call.params, (json{{"id", kOrder}}));
      return gets[std::min(index++, gets.size() - 1)];
    };
  }

  int Place(std::vector<std::string> extra) {
    std::vector<std::string> args = {"order", "place", "--item", std::string(kProduct) + ":2",
                                     "-o", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return test_.Run(args);
  }

  testing::TestIo test_;
};

TEST_F(OrderPlaceTest, RepeatedItemsBecomeTheItemsInOrder) {
  Script({Order("processing")});
  ASSERT_EQ(test_.Run({"order", "place", "--item", std::string(kProduct) + ":2:9.99", "--item",
                       "66f1c0ffee0000000000abce", "--user-id", "3"}),
            0)
      << test_.err.str();
  EXPECT_EQ(test_.calls[0].method, "order.place");
  EXPECT_EQ(test_.calls[0].params,
            (json{{"items",
                   {{{"product_id", kProduct}, {"quantity", 2}, {"price", "9.99"}},
                    {{"product_id", "66f1c0ffee0000000000abce"}, {"quantity", 1}}}},
                  {"user_id", 3}}));
  EXPECT_EQ(test_.calls[0].options.idempotency_key.size(), 32u);
}

TEST_F(OrderPlaceTest, NoItemOrABadOneIsAUsageErrorBeforeAnyCall) {
  EXPECT_EQ(test_.Run({"order", "place", "--user-id", "3"}), 2);
  EXPECT_EQ(test_.err.str(),
            "martctl: at least one --item PRODUCT_ID[:QUANTITY[:PRICE]] is required\n"
            "run 'martctl order place --help'\n");
  test_.err.str("");
  EXPECT_EQ(test_.Run({"order", "place", "--item", std::string(kProduct) + ":2", "--item",
                       std::string(kProduct) + ":0"}),
            2);
  EXPECT_EQ(test_.err.str().rfind("martctl: --item: '" + std::string(kProduct) +
                                      ":0': the quantity must be",
                                  0),
            0u)
      << test_.err.str();
  EXPECT_TRUE(test_.calls.empty());
}

TEST_F(OrderPlaceTest, WaitsUntilTheOrderLeavesPending) {
  Script({Order("pending"), Order("pending"), Order("processing")});
  ASSERT_EQ(Place({}), 0) << test_.err.str();
  EXPECT_EQ(json::parse(test_.out.str())["status"], "processing");
  EXPECT_EQ(test_.err.str(), "");
  ASSERT_EQ(test_.calls.size(), 4u);  // place, then three polls
  EXPECT_EQ(test_.sleeps, (std::vector<milliseconds>{milliseconds(5), milliseconds(10),
                                                     milliseconds(20)}));
}

TEST_F(OrderPlaceTest, PollsNoFasterThanEvery100Ms) {
  std::vector<json> gets(9, Order("pending"));
  gets.push_back(Order("processing"));
  Script(gets);
  ASSERT_EQ(Place({}), 0) << test_.err.str();
  EXPECT_EQ(test_.sleeps.back(), milliseconds(100));
  EXPECT_EQ(test_.sleeps[4], milliseconds(80));
  EXPECT_EQ(test_.sleeps[5], milliseconds(100));
}

TEST_F(OrderPlaceTest, ACancelledOrderIsPrintedAndExitsFive) {
  Script({Order("cancelled", "insufficient stock: product x requested 2, available 1")});
  EXPECT_EQ(Place({}), 5);
  EXPECT_EQ(json::parse(test_.out.str())["status"], "cancelled");
  EXPECT_EQ(test_.err.str(), "martctl: order " + std::string(kOrder) +
                                 " was cancelled: insufficient stock: product x requested 2, "
                                 "available 1 [FAILED_PRECONDITION]\n");
}

TEST_F(OrderPlaceTest, StillPendingAtTheTimeoutIsPrintedWithAWarningAndExitsZero) {
  Script({Order("pending")});
  EXPECT_EQ(Place({"--wait-timeout", "1"}), 0);
  EXPECT_EQ(json::parse(test_.out.str())["status"], "pending");
  const std::string err = test_.err.str();
  EXPECT_EQ(err.rfind("martctl: warning: order " + std::string(kOrder) +
                          " is still pending after 1 s",
                      0),
            0u)
      << err;
  EXPECT_NE(err.find("martctl queue list"), std::string::npos) << err;
  EXPECT_NE(err.find("martctl order wait " + std::string(kOrder)), std::string::npos) << err;
  EXPECT_EQ(test_.elapsed, milliseconds(1000));
}

TEST_F(OrderPlaceTest, NoWaitPrintsThePlacementWithOneCall) {
  Script({Order("processing")});
  ASSERT_EQ(Place({"--no-wait"}), 0);
  EXPECT_EQ(test_.calls.size(), 1u);
  EXPECT_EQ(json::parse(test_.out.str())["status"], "pending");
}

TEST_F(OrderPlaceTest, QuietPrintsTheOrderId) {
  Script({Order("processing")});
  ASSERT_EQ(test_.Run({"order", "place", "--item", kProduct, "-q"}), 0);
  EXPECT_EQ(test_.out.str(), std::string(kOrder) + "\n");
}

TEST_F(OrderPlaceTest, AnUnreadableStatusStillExitsZeroSinceTheOrderIsPlaced) {
  test_.answer = [](const RecordedCall& call) -> Result<json> {
    if (call.method == "order.place") return Order("pending");
    return Unavailable("daemon unavailable: no reply");
  };
  EXPECT_EQ(Place({}), 0);
  EXPECT_EQ(json::parse(test_.out.str())["status"], "pending");
  EXPECT_NE(test_.err.str().find("is placed, but its status could not be read"),
            std::string::npos)
      << test_.err.str();
}

TEST_F(OrderPlaceTest, AFailedPlacementIsAnError) {
  test_.answer = [](const RecordedCall&) -> Result<json> {
    return NotFound("product 66f1c0ffee0000000000abcd not found");
  };
  EXPECT_EQ(Place({}), 3);
  EXPECT_EQ(test_.out.str(), "");
  EXPECT_EQ(test_.calls.size(), 1u);
}

}  // namespace
}  // namespace mart::cli
