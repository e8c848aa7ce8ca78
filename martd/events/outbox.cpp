#include "events/outbox.h"

namespace mart {

Status Outbox::Emit(std::string_view topic, nlohmann::json payload) {
  std::string text = payload.dump();
  int64_t now = clock_.NowMicros();
  MART_ASSIGN_OR_RETURN(int64_t seq, events_.Append(topic, text, now));
  pending_.push_back({seq, std::string(topic), std::move(text), now});
  return Status::Ok();
}

}  // namespace mart
