#include "martctl/render/render.h"

#include <sstream>

#include <gtest/gtest.h>

#include "mart/domain/payment.h"

namespace mart::cli {
namespace {

using nlohmann::json;

std::string RenderToString(const json& value, const RenderOptions& options) {
  std::ostringstream out;
  Render(value, options, out);
  return out.str();
}

const json kUser = {{"id", 2},
                    {"email", "ann@example.com"},
                    {"is_active", true},
                    {"phone", nullptr},
                    {"addresses", json::array({{{"id", 7}, {"city", "Springfield"}}})}};

TEST(RenderTest, JsonIsPrettyOnATerminalAndOneLineInAPipe) {
  json value = {{"a", 1}};
  EXPECT_EQ(RenderToString(value, {.format = OutputFormat::kJson, .tty = true, .headers = true}),
            "{\n  \"a\": 1\n}\n");
  EXPECT_EQ(RenderToString(value, {.format = OutputFormat::kJson, .tty = false}), "{\"a\":1}\n");
  EXPECT_EQ(RenderToString(nullptr, {.format = OutputFormat::kJson}), "null\n");
}

TEST(RenderTest, QuietPrintsTheIdFieldOfEachElement) {
  json list = json::array({{{"id", 1}}, {{"id", 22}}, {{"name", "no id"}}});
  EXPECT_EQ(RenderToString(list, {.quiet = true}), "1\n22\n");
  EXPECT_EQ(RenderToString({{"pid", 99}, {"id", 5}}, {.quiet = true, .id_field = "pid"}), "99\n");
  EXPECT_EQ(RenderToString({{"id", "66f1ab"}}, {.format = OutputFormat::kJson, .quiet = true}),
            "66f1ab\n");
}

TEST(RenderTest, ObjectOnATerminalIsFieldValueRowsWithNestedListsBelow) {
  EXPECT_EQ(RenderToString(kUser, {.tty = true, .headers = true}),
            "FIELD      VALUE\n"
            "id         2\n"
            "email      ann@example.com\n"
            "is_active  true\n"
            "phone      -\n"
            "\n"
            "addresses:\n"
            "ID  CITY\n"
            "7   Springfield\n");
}

TEST(RenderTest, ObjectInAPipeIsTabSeparatedWithNestedListsAsJson) {
  EXPECT_EQ(RenderToString(kUser, {.tty = false}),
            "id\t2\n"
            "addresses\t[{\"city\":\"Springfield\",\"id\":7}]\n"
            "email\tann@example.com\n"
            "is_active\ttrue\n"
            "phone\t\n");
}

TEST(RenderTest, ListUsesSpecColumnsWhenGiven) {
  json list = json::array({{{"id", 1}, {"email", "a@x"}, {"role", "admin"}, {"extra", 5}},
                           {{"id", 2}, {"email", "b@x"}}});
  RenderOptions options{.tty = true, .headers = true, .columns = {"id", "email", "role"}};
  EXPECT_EQ(RenderToString(list, options),
            "ID  EMAIL  ROLE\n"
            "1   a@x    admin\n"
            "2   b@x    -\n");
  options.tty = false;
  options.headers = false;
  EXPECT_EQ(RenderToString(list, options), "1\ta@x\tadmin\n2\tb@x\t\n");
  options.headers = true;  // --headers in a pipe: the field names
  EXPECT_EQ(RenderToString(list, options), "id\temail\trole\n1\ta@x\tadmin\n2\tb@x\t\n");
}

TEST(RenderTest, ListWithoutColumnsUsesScalarKeysOfTheFirstElement) {
  json list = json::array({{{"name", "w"}, {"id", 1}, {"tags", json::array({"x"})}}});
  EXPECT_EQ(RenderToString(list, {.tty = true, .headers = true}), "ID  NAME\n1   w\n");
}

TEST(RenderTest, EmptyListSaysNoneOnlyOnATerminal) {
  EXPECT_EQ(RenderToString(json::array(), {.tty = true, .headers = true}), "(none)\n");
  EXPECT_EQ(RenderToString(json::array(), {.tty = false}), "");
}

TEST(RenderTest, ScalarsAndNull) {
  EXPECT_EQ(RenderToString(json("done"), {.tty = true, .headers = true}), "done\n");
  EXPECT_EQ(RenderToString(json::array({1, 2}), {.tty = false}), "1\n2\n");
  EXPECT_EQ(RenderToString(nullptr, {.tty = true, .headers = true}), "");
}

TEST(RenderTest, ColorOnlyInAlignedTables) {
  json list = json::array({{{"id", 1}}});
  EXPECT_EQ(RenderToString(list, {.tty = true, .color = true, .headers = true}), "\x1b[1mID\x1b[0m\n1\n");
  EXPECT_EQ(RenderToString(list, {.tty = false, .color = true}), "1\n");
}

// `martctl payment get` on a terminal: the payment's rows, then its refund
// as a table of its own.
TEST(RenderTest, APaymentShowsItsRefundAsATableBelowIt) {
  Payment payment{.id = 3, .order_id = "66f1c0ffee0000000000beef", .user_id = 2,
                  .amount_cents = 89999, .status = PaymentStatus::kRefunded};
  payment.refunds.push_back({.id = 1, .payment_id = 3, .order_id = payment.order_id,
                             .user_id = 2, .amount_cents = 89999,
                             .status = RefundStatus::kSucceeded,
                             .reason = "order 66f1c0ffee0000000000beef cancelled",
                             .actor = "user 2", .refunded_at = 0});
  const std::string shown = RenderToString(ToJson(payment), {.tty = true, .headers = true});
  EXPECT_NE(shown.find("\nstatus      refunded\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("\n\nrefunds:\nID  ACTOR   AMOUNT  "), std::string::npos) << shown;
  EXPECT_NE(shown.find("\n1   user 2  899.99  "), std::string::npos) << shown;
}

// A notification's body on a terminal: its lines, not "\n" escapes.
TEST(RenderTest, TextOfSeveralLinesReadsAsTextOnATerminal) {
  json note = {{"id", 4}, {"subject", "Order placed"}, {"body", "Hello Ann,\n\n2 x Kettle\n"}};
  EXPECT_EQ(RenderToString(note, {.tty = true, .headers = true}),
            "FIELD    VALUE\n"
            "id       4\n"
            "subject  Order placed\n"
            "\nbody:\n  Hello Ann,\n  \n  2 x Kettle\n");
  EXPECT_EQ(RenderToString(note, {.tty = false}),
            "id\t4\nbody\tHello Ann,\\n\\n2 x Kettle\\n\nsubject\tOrder placed\n");
}

TEST(RenderTest, MoneyFieldsShowTwoDecimals) {
  json order = {{"id", "o1"}, {"total_price", 16}, {"items", json::array({{{"price", 5.5}}})}};
  EXPECT_EQ(RenderToString(order, {.tty = false}),
            "id\to1\nitems\t[{\"price\":5.5}]\ntotal_price\t16.00\n");
  EXPECT_NE(RenderToString(order, {.tty = true, .headers = true}).find("5.50"), std::string::npos);
}

// On a terminal: created_at as an AGE column, status coloured by outcome
// (only with color, which NO_COLOR and pipes turn off).
TEST(RenderTest, ATerminalShowsAgesAndColouredStatuses) {
  const int64_t now = 1'764'000'000;  // 2025-11-24T16:00:00Z
  json list = json::array({{{"id", 1}, {"status", "cancelled"}, {"created_at", "2025-11-24T15:57:00.000000+00:00"}},
                           {{"id", 2}, {"status", "paid"}, {"created_at", "2025-11-22T16:00:00.5+00:00"}}});
  RenderOptions options{.tty = true, .headers = true, .now = now,
                        .columns = {"id", "status", "created_at"}};
  EXPECT_EQ(RenderToString(list, options),
            "ID  STATUS     AGE\n"
            "1   cancelled  3m\n"
            "2   paid       2d\n");
  options.color = true;
  const std::string coloured = RenderToString(list, options);
  EXPECT_NE(coloured.find("\x1b[31mcancelled\x1b[0m  3m"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\x1b[32mpaid\x1b[0m       2d"), std::string::npos) << coloured;
  options.tty = false;  // a pipe: timestamps and plain words
  options.headers = false;
  EXPECT_EQ(RenderToString(list, options),
            "1\tcancelled\t2025-11-24T15:57:00.000000+00:00\n"
            "2\tpaid\t2025-11-22T16:00:00.5+00:00\n");
}

}  // namespace
}  // namespace mart::cli
