#include "services/check_service.h"

namespace mart {
namespace {

using nlohmann::json;

json Check(std::string_view name, int64_t checked, json problems) {
  return {{"name", name}, {"ok", problems.empty()}, {"checked", checked},
          {"problems", std::move(problems)}};
}

std::string Describe(const store::StockAudit& a) {
  std::string text = "product " + a.product_id + ": available " + std::to_string(a.available) +
                     " + reserved " + std::to_string(a.reserved) + " + shipped " +
                     std::to_string(a.shipped);
  if (a.available + a.reserved + a.shipped != a.ledger_total) {
    text += " != " + std::to_string(a.ledger_total) + " from the ledger";
  }
  if (a.reserved != a.held) text += "; reserved != " + std::to_string(a.held) + " held";
  if (a.shipped != a.ledger_shipped) {
    text += "; shipped != " + std::to_string(a.ledger_shipped) + " by ship movements";
  }
  if (a.last_available != a.available || a.last_reserved != a.reserved) {
    text += "; the newest ledger row does not match the record";
  }
  return text;
}

std::string EventGap(int64_t count, int64_t last_seq) {
  return "the event log has " + std::to_string(count) + " events but its last seq is " +
         std::to_string(last_seq);
}

}  // namespace

Result<json> CheckService::Run(Tx& tx) const {
  json checks = json::array();
  MART_ASSIGN_OR_RETURN(std::vector<std::string> integrity,
                        tx.store.checks().Integrity(kMaxProblems));
  checks.push_back(Check("integrity", 1, integrity));
  MART_ASSIGN_OR_RETURN(json stock, Stock(tx.store));
  checks.push_back(std::move(stock));
  MART_ASSIGN_OR_RETURN(json events, Events(tx));
  checks.push_back(std::move(events));
  MART_ASSIGN_OR_RETURN(json orders, Orders(tx));
  checks.push_back(std::move(orders));
  MART_ASSIGN_OR_RETURN(json payments, Payments(tx.store));
  MART_RETURN_IF_ERROR(StalledRefunds(tx, &payments));
  checks.push_back(std::move(payments));
  bool ok = std::all_of(checks.begin(), checks.end(), [](const json& c) { return c["ok"] == true; });
  return json{{"ok", ok}, {"checks", std::move(checks)}};
}

Result<json> CheckService::Stock(store::Store& store) const {
  MART_ASSIGN_OR_RETURN(int64_t products, store.checks().ProductCount());
  MART_ASSIGN_OR_RETURN(auto mismatches, store.checks().StockMismatches(kMaxProblems));
  json problems = json::array();
  for (const auto& audit : mismatches) problems.push_back(Describe(audit));
  return Check("stock", products, std::move(problems));
}

Result<json> CheckService::Audit(store::Store& store) const {
  json checks = json::array();
  MART_ASSIGN_OR_RETURN(std::vector<std::string> integrity, store.checks().Integrity(kMaxProblems));
  checks.push_back(Check("integrity", 1, integrity));
  if (!integrity.empty()) return json{{"ok", false}, {"checks", std::move(checks)}};
  MART_ASSIGN_OR_RETURN(json stock, Stock(store));
  checks.push_back(std::move(stock));
  MART_ASSIGN_OR_RETURN(auto counts, store.checks().EventCounts());
  json gaps = json::array();
  if (counts.first != counts.second) gaps.push_back(EventGap(counts.first, counts.second));
  checks.push_back(Check("events", counts.first, std::move(gaps)));
  MART_ASSIGN_OR_RETURN(json payments, Payments(store));
  checks.push_back(std::move(payments));
  bool ok = std::all_of(checks.begin(), checks.end(), [](const json& c) { return c["ok"] == true; });
  return json{{"ok", ok}, {"checks", std::move(checks)}};
}

Result<json> CheckService::Events(Tx& tx) const {
  MART_ASSIGN_OR_RETURN(auto counts, tx.store.checks().EventCounts());
  const auto [count, last_seq] = counts;
  json problems = json::array();
  if (count != last_seq) {
    problems.push_back(EventGap(count, last_seq));
  }
  MART_ASSIGN_OR_RETURN(json queues, queues_.Queues(tx));
  for (const json& queue : queues) {
    if (queue["cursor"].get<int64_t>() > last_seq) {
      problems.push_back("worker " + queue["worker"].get<std::string>() + " is at seq " +
                         std::to_string(queue["cursor"].get<int64_t>()) +
                         ", past the end of the log");
    }
  }
  return Check("events", count, std::move(problems));
}

Result<json> CheckService::Orders(Tx& tx) const {
  MART_ASSIGN_OR_RETURN(int64_t orders, tx.store.checks().OrderCount());
  MART_ASSIGN_OR_RETURN(json queues, queues_.Queues(tx));
  std::string busy;
  for (const json& queue : queues) {
    const std::string worker = queue["worker"];
    if ((worker == "inventory" || worker == "orders") && queue["lag"].get<int64_t>() > 0) {
      busy += (busy.empty() ? "" : ", ") + worker;
    }
  }
  if (!busy.empty()) {
    json check = Check("orders", 0, json::array());
    check["skipped"] = true;
    check["note"] = "skipped: worker(s) " + busy + " still have events to apply; run again when "
                    "`martctl queue list` shows no lag";
    return check;
  }
  MART_ASSIGN_OR_RETURN(auto mismatches, tx.store.checks().OrderStockMismatches(kMaxProblems));
  return Check("orders", orders, json(mismatches));
}

Result<json> CheckService::Payments(store::Store& store) const {
  MART_ASSIGN_OR_RETURN(int64_t payments, store.checks().PaymentCount());
  MART_ASSIGN_OR_RETURN(auto mismatches, store.checks().PaymentMismatches(kMaxProblems));
  MART_ASSIGN_OR_RETURN(auto kept, store.checks().KeptPayments(kMaxProblems));
  std::vector<std::string> refunds;
  // A backup taken before refunds existed (schema 7) has no refunds table.
  MART_ASSIGN_OR_RETURN(bool has_refunds, store.checks().HasTable("refunds"));
  if (has_refunds) {
    MART_ASSIGN_OR_RETURN(refunds, store.checks().RefundMismatches(kMaxProblems));
  }
  json problems = json(mismatches);
  for (auto* more : {&kept, &refunds}) {
    for (std::string& problem : *more) {
      if (static_cast<int64_t>(problems.size()) < kMaxProblems) problems.push_back(std::move(problem));
    }
  }
  return Check("payments", payments, std::move(problems));
}

Status CheckService::StalledRefunds(Tx& tx, json* payments) const {
  MART_ASSIGN_OR_RETURN(auto pending, tx.store.checks().PendingRefunds(kMaxProblems));
  if (pending.empty()) return Status::Ok();
  MART_ASSIGN_OR_RETURN(json queues, queues_.Queues(tx));
  bool busy = false;
  for (const json& queue : queues) {
    busy = busy || (queue["worker"] == "payments" && queue["lag"].get<int64_t>() > 0);
  }
  if (busy) {
    (*payments)["note"] = std::to_string(pending.size()) + " refund(s) pending: the payments "
                          "worker still has events to apply; run again when `martctl queue "
                          "list` shows no lag";
    return Status::Ok();
  }
  json& problems = (*payments)["problems"];
  for (const std::string& refund : pending) {
    if (static_cast<int64_t>(problems.size()) >= kMaxProblems) break;
    problems.push_back(refund + "; the payments worker has nothing left to apply, so it gave "
                       "up (martctl dlq list --worker payments)");
  }
  (*payments)["ok"] = problems.empty();
  return Status::Ok();
}

}  // namespace mart
