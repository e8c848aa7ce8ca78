#pragma once
// Binds every registry method to its handler, one table per domain.

#include "rpc/handler.h"

namespace mart::handlers {

void AddDaemonHandlers(rpc::HandlerTable& table);
void AddAuthHandlers(rpc::HandlerTable& table);
void AddAccountHandlers(rpc::HandlerTable& table);
void AddAdminUserHandlers(rpc::HandlerTable& table);
void AddProductHandlers(rpc::HandlerTable& table);
void AddInventoryHandlers(rpc::HandlerTable& table);
void AddOrderHandlers(rpc::HandlerTable& table);
void AddNotificationHandlers(rpc::HandlerTable& table);
// order.pay and payment.*.
void AddPaymentHandlers(rpc::HandlerTable& table);
// queue, worker, dlq, events and admin.check.
void AddQueueHandlers(rpc::HandlerTable& table);

// All of the above.
rpc::HandlerTable AllHandlers();

}  // namespace mart::handlers
