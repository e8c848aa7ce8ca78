#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/params.h"

namespace mart::handlers {
namespace {

using nlohmann::json;
using rpc::RequestContext;

// A declined card is a success here: the reply carries the failed record,
// which an error reply would roll back with the request's savepoint.
Result<json> Pay(RequestContext& ctx, const json& params) {
  PayRequest request{.order_id = String(params, "id"),
                     .method = OptString(params, "method").value_or("card"),
                     .card_number = OptString(params, "card_number"),
                     .expiry = OptString(params, "expiry"),
                     .cvc = OptString(params, "cvc")};
  MART_ASSIGN_OR_RETURN(Payment payment,
                        ctx.services.payments.Pay(ctx.tx, ctx.principal, request));
  return ToJson(payment);
}

Result<json> Get(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Payment payment,
                        ctx.services.payments.Get(ctx.tx, ctx.principal, Int(params, "id")));
  return ToJson(payment);
}

Result<json> List(RequestContext& ctx, const json& params) {
  const PageParams page = ReadPage(params);
  PaymentQuery query{.user_id = OptInt(params, "user_id"),
                     .order_id = OptString(params, "order_id"),
                     .status = OptString(params, "status"),
                     .limit = page.fetch(),
                     .offset = page.offset};
  MART_ASSIGN_OR_RETURN(query.after_id, IntCursor(page));
  MART_ASSIGN_OR_RETURN(std::vector<Payment> payments,
                        ctx.services.payments.List(ctx.tx, ctx.principal, query));
  return FinishPage(ctx, page, payments, [](const Payment& p) { return ToJson(p); },
                    [](const Payment& p) { return std::to_string(p.id); });
}

Result<json> Refund(RequestContext& ctx, const json& params) {
  MART_ASSIGN_OR_RETURN(Payment payment,
                        ctx.services.refunds.RefundNow(ctx.tx, ctx.principal, Int(params, "id")));
  return ToJson(payment);
}

}  // namespace

void AddPaymentHandlers(rpc::HandlerTable& table) {
  table["order.pay"] = {Pay};
  table["payment.get"] = {Get};
  table["payment.list"] = {List};
  table["payment.refund"] = {Refund};
}

}  // namespace mart::handlers
