#include "services/catalog_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/test_store.h"

namespace mart {
namespace {

using nlohmann::json;
using test::Must;

ProductFields Fields(std::string name = "Premium Smartphone",
                     std::string category = "Electronics", int64_t price_cents = 89999) {
  ProductFields fields;
  fields.name = std::move(name);
  fields.description = "Latest model";
  fields.category = std::move(category);
  fields.price_cents = price_cents;
  return fields;
}

// An update that changes only what is given.
ProductFields Change(std::optional<std::string> name, std::optional<std::string> description,
                     std::optional<std::string> category, std::optional<int64_t> price_cents) {
  ProductFields fields;
  fields.name = std::move(name);
  fields.description = std::move(description);
  fields.category = std::move(category);
  fields.price_cents = price_cents;
  return fields;
}

ProductFields NewPrice(int64_t cents) { return Change({}, {}, {}, cents); }

class CatalogServiceTest : public ::testing::Test {
 protected:
  CatalogService& catalog() { return harness_.services().catalog; }

  Result<Product> Create(ProductFields fields, int64_t quantity = 50) {
    NewProduct request;
    request.fields = std::move(fields);
    request.quantity = quantity;
    Tx tx = harness_.NewTx();
    return catalog().Create(tx, request, test::ServiceHarness::Operator());
  }

  Result<Product> Get(std::string_view id) {
    Tx tx = harness_.NewTx();
    return catalog().Get(tx, id);
  }

  Result<Product> Update(std::string_view id, const ProductFields& fields) {
    Tx tx = harness_.NewTx();
    return catalog().Update(tx, id, fields);
  }

  Status Delete(std::string_view id) {
    Tx tx = harness_.NewTx();
    return catalog().Delete(tx, id);
  }

  std::vector<store::EventRow> Events() { return harness_.outbox().TakePending(); }

  int64_t ProductCount() {
    Tx tx = harness_.NewTx();
    return static_cast<int64_t>(Must(catalog().List(tx, {}), "list").size());
  }

  test::ServiceHarness harness_;
};

void ExpectInvalid(const Status& status, std::string_view field) {
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();
  EXPECT_EQ(status.details().value("field", ""), field) << status.ToString();
}

TEST_F(CatalogServiceTest, CreateStoresTrimmedFields) {
  ProductFields fields = Fields("  Premium Smartphone ", " Electronics ");
  fields.description = "  Latest model with advanced features\n";
  Product p = Must(Create(fields), "create");
  EXPECT_EQ(p.name, "Premium Smartphone");
  EXPECT_EQ(p.category, "Electronics");
  EXPECT_EQ(p.description, "Latest model with advanced features");
  EXPECT_EQ(p.price_cents, 89999);
  EXPECT_EQ(p.quantity, 50);
  EXPECT_EQ(p.created_at, harness_.clock().NowMicros());
  EXPECT_EQ(p.updated_at, p.created_at);
  Product again = Must(Get(p.id), "get");
  EXPECT_EQ(again.name, p.name);
  EXPECT_EQ(again.quantity, 50);
}

TEST_F(CatalogServiceTest, DescriptionIsOptional) {
  ProductFields fields = Fields();
  fields.description.reset();
  EXPECT_EQ(Must(Create(fields, 0), "create").description, "");
}

TEST_F(CatalogServiceTest, CreateRefusesEmptyNameAndCategory) {
  ExpectInvalid(Create(Fields("")).status(), "name");
  ExpectInvalid(Create(Fields("   ")).status(), "name");
  ExpectInvalid(Create(Fields("Phone", "")).status(), "category");
  ExpectInvalid(Create(Fields("Phone", "\t ")).status(), "category");
  EXPECT_EQ(Create(Fields("   ")).status().message(), "name must not be empty");
  EXPECT_EQ(ProductCount(), 0);
  EXPECT_TRUE(Events().empty());
}

TEST_F(CatalogServiceTest, CreateRefusesMissingRequiredFields) {
  ProductFields no_price = Fields();
  no_price.price_cents.reset();
  EXPECT_EQ(Create(no_price).status().code(), Code::kInvalidArgument);
  ProductFields no_name = Fields();
  no_name.name.reset();
  ExpectInvalid(Create(no_name).status(), "name");
  EXPECT_EQ(ProductCount(), 0);
}

TEST_F(CatalogServiceTest, BadIdsAreInvalidArguments) {
  const std::string ids[] = {"", "abc", "66f1c0ffee0000000000abc", "66f1c0ffee0000000000abcde",
                             "66F1C0FFEE0000000000ABCD", "66f1c0ffee0000000000abcg",
                             "66f1c0ffee00000000 0abcd"};
  for (const std::string& id : ids) {
    SCOPED_TRACE(id);
    ExpectInvalid(Get(id).status(), "id");
    ExpectInvalid(Update(id, Fields()).status(), "id");
    ExpectInvalid(Delete(id), "id");
  }
  EXPECT_TRUE(CheckProductId("66f1c0ffee0000000000abcd").ok());
  ExpectInvalid(CheckProductId("nope", "product_id"), "product_id");
}

TEST_F(CatalogServiceTest, UnknownIdsAreNotFound) {
  const std::string id = "66f1c0ffee0000000000abcd";
  EXPECT_EQ(Get(id).status().code(), Code::kNotFound);
  EXPECT_EQ(Update(id, Fields()).status().code(), Code::kNotFound);
  EXPECT_EQ(Delete(id).code(), Code::kNotFound);
  EXPECT_TRUE(Events().empty());
}

TEST_F(CatalogServiceTest, UpdateChangesOnlyTheGivenFields) {
  Product p = Must(Create(Fields()), "create");
  harness_.clock().AdvanceSeconds(5);
  Product priced = Must(Update(p.id, NewPrice(84999)), "update price");
  EXPECT_EQ(priced.price_cents, 84999);
  EXPECT_EQ(priced.name, "Premium Smartphone");
  EXPECT_EQ(priced.description, "Latest model");
  EXPECT_EQ(priced.category, "Electronics");
  EXPECT_EQ(priced.created_at, p.created_at);
  EXPECT_EQ(priced.updated_at, p.created_at + 5'000'000);

  Product renamed =
      Must(Update(p.id, Change(" Phone X ", "", "Phones", {})), "rename");
  EXPECT_EQ(renamed.name, "Phone X");
  EXPECT_EQ(renamed.description, "");  // an empty description clears it
  EXPECT_EQ(renamed.category, "Phones");
  EXPECT_EQ(renamed.price_cents, 84999);
  EXPECT_EQ(renamed.quantity, 50);  // stock is the inventory's business
}

TEST_F(CatalogServiceTest, UpdateRefusesEmptyTextAndChangesNothing) {
  Product p = Must(Create(Fields()), "create");
  Events();
  ExpectInvalid(Update(p.id, Change(" ", {}, {}, {})).status(), "name");
  ExpectInvalid(Update(p.id, Change({}, {}, "", {})).status(), "category");
  Product same = Must(Get(p.id), "get");
  EXPECT_EQ(same.name, "Premium Smartphone");
  EXPECT_EQ(same.category, "Electronics");
  EXPECT_TRUE(Events().empty());
}

TEST_F(CatalogServiceTest, EachChangeEmitsItsProductEvent) {
  Product p = Must(Create(Fields()), "create");
  std::vector<store::EventRow> created = Events();
  ASSERT_FALSE(created.empty());
  EXPECT_EQ(created[0].topic, "product.created");
  EXPECT_EQ(json::parse(created[0].payload),
            (json{{"product_id", p.id}, {"name", "Premium Smartphone"},
                  {"category", "Electronics"}, {"price_cents", 89999}}));

  ASSERT_TRUE(Update(p.id, NewPrice(100)).ok());
  std::vector<store::EventRow> updated = Events();
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0].topic, "product.updated");
  EXPECT_EQ(json::parse(updated[0].payload)["price_cents"], 100);

  ASSERT_TRUE(Delete(p.id).ok());
  std::vector<store::EventRow> deleted = Events();
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0].topic, "product.deleted");
  EXPECT_EQ(json::parse(deleted[0].payload)["product_id"], p.id);
}

TEST_F(CatalogServiceTest, DeleteTakesTheInventoryWithIt) {
  Product p = Must(Create(Fields()), "create");
  Product other = Must(Create(Fields("Watch")), "create");
  ASSERT_TRUE(Delete(p.id).ok());
  EXPECT_EQ(Get(p.id).status().code(), Code::kNotFound);
  Tx tx = harness_.NewTx();
  EXPECT_EQ(harness_.services().inventory.Get(tx, p.id).status().code(), Code::kNotFound);
  EXPECT_TRUE(harness_.services().inventory.Get(tx, other.id).ok());
  EXPECT_EQ(Delete(p.id).code(), Code::kNotFound);
}

TEST_F(CatalogServiceTest, ListRefusesAnInvertedPriceRange) {
  Tx tx = harness_.NewTx();
  store::ProductFilter f;
  f.min_price_cents = 300;
  f.max_price_cents = 100;
  ExpectInvalid(catalog().List(tx, f).status(), "min_price");
  f.min_price_cents = 100;
  EXPECT_TRUE(catalog().List(tx, f).ok());
}

TEST_F(CatalogServiceTest, CategoriesCountProducts) {
  ASSERT_TRUE(Create(Fields("Phone", "Electronics")).ok());
  ASSERT_TRUE(Create(Fields("Watch", "Electronics")).ok());
  ASSERT_TRUE(Create(Fields("Shoes", "Sports")).ok());
  Tx tx = harness_.NewTx();
  EXPECT_EQ(Must(catalog().Categories(tx), "categories"),
            (json{{{"category", "Electronics"}, {"products", 2}},
                  {{"category", "Sports"}, {"products", 1}}}));
}

bool IsLowerHex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// An import row: the product's fields and stock, under `id` when given.
Result<ImportRow> Row(std::string id, ProductFields fields, int64_t quantity = 7) {
  ImportRow row;
  row.id = std::move(id);
  row.product.fields = std::move(fields);
  row.product.quantity = quantity;
  return row;
}

TEST_F(CatalogServiceTest, ImportUpdatesByIdCreatesUnderAnUnknownIdAndCountsEqualRows) {
  Product same = Must(Create(Fields("Lamp", "Home", 2500)), "create");
  Product changed = Must(Create(Fields("Cable", "Electronics", 950), 3), "create");
  Events();
  const std::string unknown = "0123456789abcdef01234567";
  std::vector<Result<ImportRow>> rows = {
      Row(same.id, Fields("Lamp", "Home", 2500)), Row(changed.id, Fields("Cable", "Electronics", 1200)),
      Row(unknown, Fields("Chair", "Home", 4000)), Row("", Fields("Desk", "Home", 9000))};
  Tx tx = harness_.NewTx();
  ImportOutcome outcome =
      Must(catalog().Import(tx, rows, false, test::ServiceHarness::Operator()), "import");
  ASSERT_EQ(outcome.ids.size(), 2u);
  EXPECT_EQ(outcome.ids[0], unknown) << "an id not found creates the product under that id";
  EXPECT_NE(outcome.ids[1], unknown);
  EXPECT_EQ(outcome.updated, 1u);
  EXPECT_EQ(outcome.unchanged, 1u);
  EXPECT_EQ(Must(Get(changed.id), "get").price_cents, 1200);
  EXPECT_EQ(Must(Get(unknown), "get").name, "Chair");
  EXPECT_EQ(ProductCount(), 4);
  // The stock of an updated product is the ledger's: the row's quantity is not applied.
  EXPECT_EQ(Must(harness_.store().inventory().Get(changed.id), "stock").available, 3);
  std::vector<std::string> topics;
  for (const auto& event : Events()) topics.push_back(event.topic);
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "product.updated"), 1)
      << "an unchanged row emits nothing";
  EXPECT_EQ(std::count(topics.begin(), topics.end(), "product.created"), 2);
}

TEST(NewProductIdTest, TwentyFourHexWithTheCreationSecondFirst) {
  const int64_t now = 1747308600123456;  // 1747308600 s = 0x6825d038
  std::string id = NewProductId(now);
  ASSERT_EQ(id.size(), 24u);
  EXPECT_TRUE(IsLowerHex(id)) << id;
  EXPECT_EQ(id.substr(0, 8), "6825d038");
  char expected[9];
  std::snprintf(expected, sizeof expected, "%08x", static_cast<unsigned>(now / 1000000));
  EXPECT_EQ(id.substr(0, 8), expected);
  EXPECT_TRUE(CheckProductId(id).ok());
}

TEST(NewProductIdTest, IdsInTheSameSecondDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewProductId(1747308600000000));
  EXPECT_EQ(ids.size(), 1000u);
}

TEST_F(CatalogServiceTest, CreatedIdsCarryTheClockSecond) {
  Product p = Must(Create(Fields()), "create");
  char seconds[9];
  std::snprintf(seconds, sizeof seconds, "%08x",
                static_cast<unsigned>(harness_.clock().NowSeconds()));
  EXPECT_EQ(p.id.substr(0, 8), seconds);
}

}  // namespace
}  // namespace mart
