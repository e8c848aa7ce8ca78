#pragma once
// Profiles, addresses and the admin's view of accounts. Runs on the store
// thread inside the request's transaction. A user only ever reaches their own
// rows: another user's address is NOT_FOUND, never PERMISSION_DENIED, so ids
// do not leak. Admin checks happen in the guards; the invariants (exactly one
// default address, at least one active admin) are kept here.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/status.h"
#include "services/context.h"
#include "stores/user_store.h"

namespace mart {

struct ProfileChange {
  std::optional<std::string> first_name, last_name, phone;
};

struct AddressChange {
  store::AddressFields fields;
  std::optional<bool> is_default;
};

// Trims the given fields; INVALID_ARGUMENT naming the field when line1, city,
// postal_code or country is given empty. Optional ones given empty become absent.
Status CleanAddress(store::AddressFields& fields);

class AccountService {
 public:
  // The user with addresses. FAILED_PRECONDITION for the operator (no profile).
  Result<nlohmann::json> Profile(Tx& tx, const Principal& principal) const;
  Result<nlohmann::json> UpdateProfile(Tx& tx, const Principal& principal,
                                       const ProfileChange& change) const;

  // The first address becomes the default whatever is_default says.
  Result<Address> AddAddress(Tx& tx, const Principal& principal, const AddressChange& change) const;
  Result<std::vector<Address>> ListAddresses(Tx& tx, const Principal& principal) const;
  Result<Address> UpdateAddress(Tx& tx, const Principal& principal, int64_t id,
                                const AddressChange& change) const;
  // Removing the default promotes the oldest remaining address.
  Status RemoveAddress(Tx& tx, const Principal& principal, int64_t id) const;
  Result<Address> SetDefaultAddress(Tx& tx, const Principal& principal, int64_t id) const;

  Result<std::vector<User>> ListUsers(Tx& tx, const store::UserFilter& filter) const;
  Result<nlohmann::json> GetUser(Tx& tx, int64_t id) const;
  // Refuses to leave no active admin (FAILED_PRECONDITION).
  Result<User> SetRole(Tx& tx, int64_t id, std::string_view role) const;
  // Deactivating ends every session of the account.
  Result<User> SetActive(Tx& tx, int64_t id, bool active) const;
};

}  // namespace mart
