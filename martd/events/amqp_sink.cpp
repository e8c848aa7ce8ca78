#include "events/amqp_sink.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace mart::events {
namespace {

constexpr amqp_channel_t kChannel = 1;

std::string BytesText(amqp_bytes_t bytes) {
  return std::string(static_cast<const char*>(bytes.bytes), bytes.len);
}

// The reason an RPC failed, "" when it did not.
std::string ReplyError(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "";
    case AMQP_RESPONSE_NONE:
      return "no reply from the broker";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        auto* close = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
        return "the broker closed the connection: " + std::to_string(close->reply_code) + " " +
               BytesText(close->reply_text);
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        auto* close = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
        return "the broker closed the channel: " + std::to_string(close->reply_code) + " " +
               BytesText(close->reply_text);
      }
      return "the broker answered with an unexpected method";
  }
  return "unknown reply";
}

amqp_table_entry_t TextEntry(const char* key, const std::string& value) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = amqp_bytes_t{value.size(), const_cast<char*>(value.data())};
  return entry;
}

amqp_table_entry_t IntEntry(const char* key, int64_t value) {
  amqp_table_entry_t entry{};
  entry.key = amqp_cstring_bytes(key);
  entry.value.kind = AMQP_FIELD_KIND_I64;
  entry.value.value.i64 = value;
  return entry;
}

amqp_bytes_t Bytes(const std::string& text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

}  // namespace

struct AmqpSink::Connection {
  amqp_connection_state_t state = amqp_new_connection();
  uint64_t next_tag = 1;  // confirm mode numbers publishes on the channel from 1
  ~Connection() {
    amqp_connection_close(state, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(state);
  }
};

AmqpSink::AmqpSink(ExportTarget target, std::vector<std::string> seed_queues)
    : target_(std::move(target)), seed_queues_(std::move(seed_queues)) {}

AmqpSink::~AmqpSink() { Close(); }

void AmqpSink::Close() { connection_.reset(); }

Status AmqpSink::Fail(const std::string& what, const std::string& reason) {
  Close();
  // The broker's and the library's words never held the password so far;
  // should one ever echo it, it stops here.
  std::string said = reason;
  if (!target_.password.empty()) {
    for (size_t at; (at = said.find(target_.password)) != std::string::npos;) {
      said.replace(at, target_.password.size(), "***");
    }
  }
  return Unavailable(what + " (" + target_.Describe() + "): " + said);
}

Status AmqpSink::Connect() {
  auto connection = std::make_unique<Connection>();
  amqp_connection_state_t state = connection->state;
  amqp_socket_t* socket = amqp_tcp_socket_new(state);
  if (socket == nullptr) return Fail("cannot connect to RabbitMQ", "no socket");
  struct timeval timeout {std::min(target_.timeout_s, 10), 0};
  amqp_set_handshake_timeout(state, &timeout);
  amqp_set_rpc_timeout(state, &timeout);
  int opened = amqp_socket_open_noblock(socket, target_.host.c_str(), target_.port, &timeout);
  if (opened != AMQP_STATUS_OK) return Fail("cannot connect to RabbitMQ", amqp_error_string2(opened));
  // A broker that stops reading must not hold a publish for ever.
  struct timeval send_timeout {target_.timeout_s, 0};
  ::setsockopt(amqp_get_sockfd(state), SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  amqp_rpc_reply_t login = amqp_login(state, target_.vhost.c_str(), 0, 131072, 0,
                                      AMQP_SASL_METHOD_PLAIN, target_.user.c_str(),
                                      target_.password.c_str());
  if (std::string error = ReplyError(login); !error.empty()) {
    return Fail("RabbitMQ refused the login of " + target_.user, error);
  }
  amqp_channel_open(state, kChannel);
  if (std::string error = ReplyError(amqp_get_rpc_reply(state)); !error.empty()) {
    return Fail("cannot open a channel on RabbitMQ", error);
  }
  amqp_exchange_declare(state, kChannel, amqp_cstring_bytes(target_.exchange.c_str()),
                        amqp_cstring_bytes("topic"), /*passive=*/0, /*durable=*/1,
                        /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
  if (std::string error = ReplyError(amqp_get_rpc_reply(state)); !error.empty()) {
    return Fail("cannot declare the exchange " + target_.exchange +
                    " (a durable topic exchange; one of that name but another kind or "
                    "durability clashes)",
                error);
  }
  if (!target_.queue.empty()) {
    amqp_queue_declare(state, kChannel, amqp_cstring_bytes(target_.queue.c_str()), /*passive=*/0,
                       /*durable=*/1, /*exclusive=*/0, /*auto_delete=*/0, amqp_empty_table);
    if (std::string error = ReplyError(amqp_get_rpc_reply(state)); !error.empty()) {
      return Fail("cannot declare the queue " + target_.queue, error);
    }
    amqp_queue_bind(state, kChannel, amqp_cstring_bytes(target_.queue.c_str()),
                    amqp_cstring_bytes(target_.exchange.c_str()), amqp_cstring_bytes("#"),
                    amqp_empty_table);
    if (std::string error = ReplyError(amqp_get_rpc_reply(state)); !error.empty()) {
      return Fail("cannot bind the queue " + target_.queue + " to " + target_.exchange, error);
    }
  }
  for (const std::string& queue : seed_queues_) {
    amqp_queue_declare(state, kChannel, amqp_cstring_bytes(queue.c_str()), /*passive=*/0,
                       /*durable=*/1, /*exclusive=*/0, /*auto_delete=*/0, amqp_empty_table);
    if (std::string error = ReplyError(amqp_get_rpc_reply(state)); !error.empty()) {
      return Fail("cannot declare the seed queue " + queue, error);
    }
  }
  amqp_confirm_select(state, kChannel);
  if (std::string error = ReplyError(amqp_get_rpc_reply(state)); !error.empty()) {
    return Fail("cannot turn on publisher confirms", error);
  }
  connection_ = std::move(connection);
  return Status::Ok();
}

Status AmqpSink::Open() { return connection_ ? Status::Ok() : Connect(); }

Status AmqpSink::Publish(const std::vector<ExportMessage>& messages) {
  if (messages.empty()) return Status::Ok();
  MART_RETURN_IF_ERROR(Open());
  amqp_connection_state_t state = connection_->state;
  std::set<uint64_t> unconfirmed;
  std::vector<uint64_t> tags;
  for (const ExportMessage& message : messages) {
    const std::string seq = std::to_string(message.seq);
    amqp_table_entry_t headers[] = {IntEntry("mart-seq", message.seq),
                                    TextEntry("mart-topic", message.topic),
                                    IntEntry("mart-version", message.version),
                                    TextEntry("mart-key", message.key)};
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
                   AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_TYPE_FLAG |
                   AMQP_BASIC_APP_ID_FLAG | AMQP_BASIC_HEADERS_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;  // persistent
    props.message_id = Bytes(seq);
    props.timestamp = static_cast<uint64_t>(message.created_at / 1000000);
    props.type = Bytes(message.topic);
    props.app_id = amqp_cstring_bytes("mart");
    props.headers.num_entries = 4;
    props.headers.entries = headers;
    const std::string exchange = message.to_queue ? "" : target_.exchange;
    int sent = amqp_basic_publish(state, kChannel, Bytes(exchange), Bytes(message.destination),
                                  /*mandatory=*/0, /*immediate=*/0, &props, Bytes(message.body));
    if (sent != AMQP_STATUS_OK) {
      return Fail("publishing event " + seq + " to RabbitMQ failed", amqp_error_string2(sent));
    }
    unconfirmed.insert(connection_->next_tag++);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(target_.timeout_s);
  while (!unconfirmed.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Fail("RabbitMQ did not confirm " + std::to_string(unconfirmed.size()) + " of " +
                      std::to_string(messages.size()) + " messages",
                  "no answer within " + std::to_string(target_.timeout_s) + " s");
    }
    struct timeval wait {static_cast<time_t>(left.count() / 1000000),
                         static_cast<suseconds_t>(left.count() % 1000000)};
    amqp_frame_t frame;
    int got = amqp_simple_wait_frame_noblock(state, &frame, &wait);
    if (got == AMQP_STATUS_TIMEOUT) continue;
    if (got != AMQP_STATUS_OK) {
      return Fail("waiting for RabbitMQ's confirmations failed", amqp_error_string2(got));
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        if (ack->multiple) {
          unconfirmed.erase(unconfirmed.begin(), unconfirmed.upper_bound(ack->delivery_tag));
        } else {
          unconfirmed.erase(ack->delivery_tag);
        }
        break;
      }
      case AMQP_BASIC_NACK_METHOD:
        return Fail("RabbitMQ refused a message (basic.nack)", "it could not store it");
      case AMQP_CHANNEL_CLOSE_METHOD: {
        auto* close = static_cast<amqp_channel_close_t*>(frame.payload.method.decoded);
        return Fail("RabbitMQ closed the channel",
                    std::to_string(close->reply_code) + " " + BytesText(close->reply_text));
      }
      case AMQP_CONNECTION_CLOSE_METHOD: {
        auto* close = static_cast<amqp_connection_close_t*>(frame.payload.method.decoded);
        return Fail("RabbitMQ closed the connection",
                    std::to_string(close->reply_code) + " " + BytesText(close->reply_text));
      }
      default:
        break;
    }
  }
  amqp_maybe_release_buffers(state);
  return Status::Ok();
}

}  // namespace mart::events
