#pragma once
// OrderHarness: the services layer of STYLE.md rule 10 set up for orders —
// an admin, two users, the seeds' three products, and shortcuts that run one
// service call in its own Tx. Pump() is what the store thread does after a
// batch: it lets the queue workers apply every event waiting for them.
// Not thread safe.

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/test_store.h"

namespace mart::test {

class OrderHarness : public ServiceHarness {
 public:
  explicit OrderHarness(PaymentOptions payments = {})
      : ServiceHarness(TestAuthOptions(), payments),
        admin(SignUp("admin@example.com", "Ada")),  // the first account becomes admin
        ann(SignUp("ann@example.com", "Ann")),
        bob(SignUp("bob@example.com", "Bob")),
        headphones(CreateProduct("Wireless Headphones", 24999, 100)),
        watch(CreateProduct("Smart Watch", 17999, 75)),
        phone(CreateProduct("Premium Smartphone", 89999, 50)) {
    if (admin.principal.role != kRoleAdmin) throw std::runtime_error("first user is not admin");
    outbox_.TakePending();
  }

  Product CreateProduct(std::string name, int64_t price_cents, int64_t quantity) {
    NewProduct request;
    request.fields.name = std::move(name);
    request.fields.category = "Electronics";
    request.fields.price_cents = price_cents;
    request.quantity = quantity;
    Tx tx = NewTx();
    Product product = Must(services().catalog.Create(tx, request, Operator()), "create product");
    outbox_.TakePending();
    return product;
  }

  static nlohmann::json Line(const std::string& product_id, int64_t quantity) {
    return {{"product_id", product_id}, {"quantity", quantity}};
  }

  static nlohmann::json InlineAddress() {
    return {{"line1", "123 Example Street"}, {"line2", "Apt 4B"}, {"city", "Example City"},
            {"state", "EX"}, {"postal_code", "12345"}, {"country", "Example Country"}};
  }

  // Places with the inline address unless the request says otherwise.
  Result<Order> Place(const Principal& who, nlohmann::json items,
                      std::optional<int64_t> user_id = std::nullopt) {
    PlaceOrder request{.items = std::move(items), .shipping_address = InlineAddress(),
                       .address_id = std::nullopt, .user_id = user_id};
    return PlaceRequest(who, request);
  }

  Result<Order> PlaceRequest(const Principal& who, const PlaceOrder& request) {
    Tx tx = NewTx();
    return services().orders.Place(tx, who, request);
  }

  // Places one line for ann and throws when that fails.
  Order MustPlace(const std::string& product_id, int64_t quantity) {
    return Must(Place(ann.principal, nlohmann::json::array({Line(product_id, quantity)})),
                "place");
  }

  Result<Order> SetStatus(const Principal& who, const std::string& id, std::string_view status,
                          std::optional<std::string> reason = std::nullopt) {
    Tx tx = NewTx();
    return services().orders.SetStatus(tx, who, id, status, std::move(reason));
  }

  // As the operator.
  Order Get(const std::string& id) {
    Tx tx = NewTx();
    return Must(services().orders.Get(tx, Operator(), id), "get order");
  }

  std::vector<OrderChange> History(const std::string& id) {
    Tx tx = NewTx();
    return Must(services().orders.History(tx, Operator(), id), "order history");
  }

  InventoryRecord Stock(const std::string& product_id) {
    Tx tx = NewTx();
    return Must(services().inventory.Get(tx, product_id), "inventory");
  }

  // Runs the queue workers until they have nothing left to do.
  PumpOutcome Pump(int64_t budget = 100000) {
    return Must(services().queues.Pump(*store_, outbox_, budget), "pump");
  }

  Result<nlohmann::json> SetPaused(std::string_view worker, bool paused) {
    Tx tx = NewTx();
    return services().queues.SetPaused(tx, worker, paused);
  }

  // What the order holds, by product id.
  std::vector<std::pair<std::string, int64_t>> HoldsOf(const std::string& order_id) {
    return Must(store_->inventory().HoldsFor(OrderHoldReference(order_id)), "holds");
  }

  // A worker's row of `queue list`.
  nlohmann::json QueueRow(std::string_view worker) {
    Tx tx = NewTx();
    nlohmann::json rows = Must(services().queues.Queues(tx), "queues");
    for (const nlohmann::json& row : rows) {
      if (row["worker"] == worker) return row;
    }
    throw std::runtime_error("no worker " + std::string(worker));
  }

  // What `admin check` reports.
  nlohmann::json CheckReport() {
    Tx tx = NewTx();
    return Must(services().checks.Run(tx), "check");
  }

  // Changes the database behind the services' back: a fault or a bad edit.
  void Sql(const std::string& sql) { Must(store_->db().Execute(sql), sql); }

  // test::InjectTriggerFault on this harness's store.
  void InjectFault(const std::string& name, const std::string& when, const std::string& table,
                   const std::string& message = "disk trouble",
                   const std::string& condition = "") {
    InjectTriggerFault(store_->db(), name, when, table, message, condition);
  }
  void FixFault(const std::string& name, const std::string& table) {
    FixTriggerFault(store_->db(), name, table);
  }

  // The events emitted since the last call, in order.
  std::vector<store::EventRow> TakeEvents() { return outbox_.TakePending(); }

  static std::vector<std::string> Topics(const std::vector<store::EventRow>& events) {
    std::vector<std::string> topics;
    for (const auto& event : events) topics.push_back(event.topic);
    return topics;
  }

  TestLogin admin, ann, bob;
  Product headphones, watch, phone;
};

}  // namespace mart::test
