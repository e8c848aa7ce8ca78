// The one rule for which REPL lines stay out of the history file.
#include "martctl/repl/history_filter.h"

#include <gtest/gtest.h>

namespace mart::cli {
namespace {

TEST(HistoryFilterTest, SecretFlagsAreNeverRecorded) {
  EXPECT_TRUE(CarriesSecret("order list --token x"));
  EXPECT_TRUE(CarriesSecret("order list --token=x"));
  EXPECT_TRUE(CarriesSecret("auth register --email a@b.c --password hunter2"));
  EXPECT_TRUE(CarriesSecret("order pay ID --card-number 4242424242424242 --cvc 123"));
  EXPECT_TRUE(CarriesSecret("order pay ID --cvc=123"));
  EXPECT_TRUE(CarriesSecret("order list \"--token\" x"));
}

TEST(HistoryFilterTest, LoginsAreNeverRecorded) {
  EXPECT_TRUE(CarriesSecret("auth login --email ann@example.com"));
  EXPECT_TRUE(CarriesSecret("--profile b auth login --password-stdin"));
}

TEST(HistoryFilterTest, TokenLookingWordsAreNeverRecorded) {
  EXPECT_TRUE(CarriesSecret("order list eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlMTIz"));
  EXPECT_TRUE(CarriesSecret("x 0123456789abcdef0123456789abcdef0123"));
  EXPECT_TRUE(CarriesSecret("x --refresh=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="));
}

TEST(HistoryFilterTest, OrdinaryLinesAreRecorded) {
  EXPECT_FALSE(CarriesSecret("product list -o json"));
  EXPECT_FALSE(CarriesSecret("product get 66f1c0ffee0000000000abcd"));
  EXPECT_FALSE(CarriesSecret("auth register --email ann@example.com --password-stdin"));
  EXPECT_FALSE(CarriesSecret("product create --name \"Green tea 1.5.2\" --price 3.50"));
  EXPECT_FALSE(CarriesSecret("product import /home/ann/catalog/products-2026-spring-all.csv"));
  EXPECT_FALSE(CarriesSecret("auth whoami"));
  EXPECT_FALSE(CarriesSecret("help auth login-history"));
}

}  // namespace
}  // namespace mart::cli
