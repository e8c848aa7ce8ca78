#pragma once
// Several martd on one PostgreSQL database (README "Running several martd"):
// what an instance checks and records when it joins, and who is serving. An
// SQLite file has one martd: nothing here runs for it.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "services/jwt.h"
#include "stores/store.h"

namespace mart {

class ClusterService {
 public:
  // An instance not seen for this long is left out of the peers shown
  // (heartbeats come every kHeartbeatMicros).
  static constexpr int64_t kHeartbeatMicros = 10LL * 1000000;
  static constexpr int64_t kPeerWindowMicros = 3 * kHeartbeatMicros;

  // Before serving, in a write transaction of its own: the database keeps the
  // fingerprint of the signing key of the first instance (a one-way hash: the
  // key never leaves the host); an instance whose key differs is refused
  // (FAILED_PRECONDITION naming both fingerprints and --signing-key), since
  // its tokens would fail on every other instance and theirs on it. Then
  // records the instance as seen now.
  static Status Join(store::Store& store, const SigningKey& key,
                     const store::InstanceRow& instance);
  // The key's fingerprint: 16 bytes of a keyed hash, hex.
  static std::string Fingerprint(const SigningKey& key);

  // Inside the store thread's transaction: the instance is alive (its row is
  // made again if it was removed), or gone for good (a clean stop).
  static Status Heartbeat(store::Store& store, const store::InstanceRow& instance, int64_t now);
  static Status Leave(store::Store& store, const std::string& id);

  // daemon.status's cluster part: the instances seen lately, this one marked.
  static Result<nlohmann::json> Instances(store::Store& store, const std::string& self,
                                          int64_t now);
};

}  // namespace mart
