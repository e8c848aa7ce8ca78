// martctl's lists against a fake daemon that pages (PROTOCOL.md §3, `next`):
// the first page alone with a notice on stderr when rows follow, --all for
// every page in one output, money with two decimals, --headers in a pipe.
#include <gtest/gtest.h>

#include <string>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;
using testing::RecordedCall;

json Product(int n) {
  return {{"id", "p" + std::to_string(n)}, {"name", "Item " + std::to_string(n)},
          {"category", "Tools"}, {"price", n == 1 ? 5.5 : 16.0}, {"quantity", n}};
}

// A catalog of `total` products served `limit` at a time, in id order.
void ServePages(testing::TestIo& test, int total) {
  test.answer = [total](const RecordedCall& call) -> Result<json> {
    const int limit = call.params.value("limit", 100);
    int from = 1;
    if (call.params.contains("cursor")) {
      from = std::stoi(call.params["cursor"].get<std::string>().substr(1)) + 1;
    }
    json page = json::array();
    for (int n = from; n < from + limit && n <= total; ++n) page.push_back(Product(n));
    const int last = from + static_cast<int>(page.size()) - 1;
    if (last < total && call.options.next != nullptr) *call.options.next = "p" + std::to_string(last);
    return page;
  };
}

TEST(ListPagingTest, TheFirstPageAloneSaysOnStderrThatMoreRowsExist) {
  testing::TestIo test;
  ServePages(test, 5);
  EXPECT_EQ(test.Run({"product", "list", "--limit", "2", "-q"}), 0);
  EXPECT_EQ(test.out.str(), "p1\np2\n");
  EXPECT_EQ(test.err.str(),
            "martctl: showing 2 rows; more exist: add --cursor p2 for the next page, or --all "
            "for every row\n");
  ASSERT_EQ(test.calls.size(), 1u);

  testing::TestIo next;
  ServePages(next, 5);
  EXPECT_EQ(next.Run({"product", "list", "--limit", "2", "--cursor", "p4", "-q"}), 0);
  EXPECT_EQ(next.out.str(), "p5\n");
  EXPECT_EQ(next.err.str(), "");  // the last page: nothing follows
}

TEST(ListPagingTest, AllFollowsEveryCursorAndDropsTheOffsetAfterTheFirstPage) {
  testing::TestIo test;
  ServePages(test, 5);
  EXPECT_EQ(test.Run({"product", "list", "--all", "--limit", "2", "--offset", "0", "-q"}), 0);
  EXPECT_EQ(test.out.str(), "p1\np2\np3\np4\np5\n");
  EXPECT_EQ(test.err.str(), "");
  ASSERT_EQ(test.calls.size(), 3u);
  EXPECT_TRUE(test.calls[0].params.contains("offset"));
  EXPECT_EQ(test.calls[1].params["cursor"], "p2");
  EXPECT_FALSE(test.calls[1].params.contains("offset"));
  EXPECT_FALSE(test.calls[0].params.contains("all"));  // a local flag, never sent
}

TEST(ListPagingTest, AllAsksForLargePagesUnlessALimitIsGiven) {
  testing::TestIo test;
  ServePages(test, 3);
  EXPECT_EQ(test.Run({"product", "list", "--all", "-q"}), 0);
  ASSERT_EQ(test.calls.size(), 1u);
  EXPECT_EQ(test.calls[0].params["limit"], 1000);
}

TEST(ListPagingTest, AllInJsonIsOneArrayOverEveryPage) {
  testing::TestIo pipe;
  ServePages(pipe, 3);
  EXPECT_EQ(pipe.Run({"product", "list", "--all", "--limit", "2", "-o", "json"}), 0);
  json all = json::parse(pipe.out.str());
  EXPECT_EQ(all, json::array({Product(1), Product(2), Product(3)}));
  EXPECT_EQ(pipe.out.str().back(), '\n');

  testing::TestIo tty;
  tty.stdout_tty = true;
  ServePages(tty, 3);
  EXPECT_EQ(tty.Run({"product", "list", "--all", "--limit", "2", "-o", "json"}), 0);
  // The same text as one page of all three, indented.
  EXPECT_EQ(tty.out.str(), json::array({Product(1), Product(2), Product(3)}).dump(2) + "\n");
}

TEST(ListPagingTest, AllOnATerminalIsOneTableUnderOneHeader) {
  testing::TestIo test;
  test.stdout_tty = true;
  test.env["NO_COLOR"] = "1";
  ServePages(test, 3);
  EXPECT_EQ(test.Run({"product", "list", "--all", "--limit", "2"}), 0);
  EXPECT_EQ(test.out.str(),
            "ID  NAME    CATEGORY  PRICE  QUANTITY\n"
            "p1  Item 1  Tools     5.50   1\n"
            "p2  Item 2  Tools     16.00  2\n"
            "p3  Item 3  Tools     16.00  3\n");
}

TEST(ListPagingTest, MoneyHasTwoDecimalsInTablesAndPipes) {
  testing::TestIo test;
  ServePages(test, 2);
  EXPECT_EQ(test.Run({"product", "list"}), 0);
  EXPECT_EQ(test.out.str(), "p1\tItem 1\tTools\t5.50\t1\np2\tItem 2\tTools\t16.00\t2\n");
  testing::TestIo json_out;
  ServePages(json_out, 1);
  EXPECT_EQ(json_out.Run({"product", "list", "-o", "json"}), 0);
  EXPECT_EQ(json_out.out.str(), json::array({Product(1)}).dump() + "\n");  // JSON keeps numbers
}

TEST(ListPagingTest, HeadersInAPipeOnlyWhenAskedAndNeverWithNoHeaders) {
  testing::TestIo pipe;
  ServePages(pipe, 1);
  EXPECT_EQ(pipe.Run({"product", "list", "--headers"}), 0);
  EXPECT_EQ(pipe.out.str(), "id\tname\tcategory\tprice\tquantity\np1\tItem 1\tTools\t5.50\t1\n");
  testing::TestIo tty;
  tty.stdout_tty = true;
  tty.env["NO_COLOR"] = "1";
  ServePages(tty, 1);
  EXPECT_EQ(tty.Run({"product", "list", "--no-headers"}), 0);
  EXPECT_EQ(tty.out.str(), "p1  Item 1  Tools     5.50   1\n");
  testing::TestIo both;
  EXPECT_EQ(both.Run({"product", "list", "--headers", "--no-headers"}), 2);
}

TEST(ListPagingTest, AnErrorOnALaterPageFailsTheCommand) {
  testing::TestIo test;
  ServePages(test, 5);
  auto pages = test.answer;
  test.answer = [pages](const RecordedCall& call) -> Result<json> {
    if (call.params.contains("cursor")) return Unavailable("daemon unavailable: gone");
    return pages(call);
  };
  EXPECT_EQ(test.Run({"product", "list", "--all", "--limit", "2", "-o", "json"}), 6);
  EXPECT_EQ(json::parse(test.out.str()).size(), 2u);  // what came is still valid JSON
  EXPECT_NE(test.err.str().find("gone"), std::string::npos);
}

// The daemon names its params; the user typed flags.
TEST(ListPagingTest, ErrorsNameTheFlagsTheUserTyped) {
  testing::TestIo test;
  test.answer = [](const RecordedCall&) -> Result<json> {
    return InvalidArgument("min_price must not be above max_price", {{"field", "min_price"}});
  };
  EXPECT_EQ(test.Run({"product", "list", "--min-price", "5", "--max-price", "1"}), 2);
  EXPECT_EQ(test.err.str(),
            "martctl: --min-price must not be above --max-price [INVALID_ARGUMENT]\n");
}

// A list whose first call fails prints nothing on stdout: no "(none)", no "[]".
TEST(ListPagingTest, AFailedFirstPagePrintsNoEmptyList) {
  for (const char* format : {"table", "json"}) {
    testing::TestIo test;
    test.stdout_tty = true;
    test.answer = [](const RecordedCall&) -> Result<json> {
      return Unavailable("daemon unavailable: gone");
    };
    EXPECT_EQ(test.Run({"product", "list", "-o", format}), 6) << format;
    EXPECT_EQ(test.out.str(), "") << format;
  }
}

}  // namespace
}  // namespace mart::cli
