#include "services/cluster_service.h"

#include "mart/text.h"

namespace mart {
namespace {

constexpr const char* kFingerprintSetting = "signing_key_fingerprint";

}  // namespace

std::string ClusterService::Fingerprint(const SigningKey& key) {
  const SigningKey derived = DeriveKey(key, "mart signing key fingerprint");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(derived.data()), 16));
}

Status ClusterService::Join(store::Store& store, const SigningKey& key,
                            const store::InstanceRow& instance) {
  store::Transaction transaction(store.db());
  MART_RETURN_IF_ERROR(transaction.status());
  const std::string mine = Fingerprint(key);
  MART_ASSIGN_OR_RETURN(std::string theirs,
                        store.cluster().SettingOrInsert(kFingerprintSetting, mine));
  if (theirs != mine) {
    return FailedPrecondition(
        "this martd's token signing key (fingerprint " + mine + ") differs from the one the "
        "other martd on this database use (fingerprint " + theirs + "): tokens of one would "
        "fail on the other. Start it with --signing-key FILE holding the cluster's key (the "
        "signing.key of the first instance's data dir)",
        {{"fingerprint", mine}, {"store_fingerprint", theirs}});
  }
  MART_RETURN_IF_ERROR(store.cluster().Register(instance));
  return transaction.Commit();
}

Status ClusterService::Heartbeat(store::Store& store, const store::InstanceRow& instance,
                                 int64_t now) {
  store::InstanceRow seen = instance;
  seen.seen_at = now;
  return store.cluster().Register(seen);
}

Status ClusterService::Leave(store::Store& store, const std::string& id) {
  return store.cluster().Remove(id);
}

Result<nlohmann::json> ClusterService::Instances(store::Store& store, const std::string& self,
                                                 int64_t now) {
  MART_ASSIGN_OR_RETURN(auto rows, store.cluster().InstancesSeenSince(now - kPeerWindowMicros));
  nlohmann::json instances = nlohmann::json::array();
  for (const store::InstanceRow& row : rows) {
    instances.push_back({{"id", row.id},
                         {"host", row.host},
                         {"pid", row.pid},
                         {"endpoint", row.endpoint},
                         {"version", row.version},
                         {"started_at", FormatTimestamp(row.started_at)},
                         {"seen_s_ago", (now - row.seen_at) / 1000000},
                         {"is_self", row.id == self}});
  }
  return instances;
}

}  // namespace mart
