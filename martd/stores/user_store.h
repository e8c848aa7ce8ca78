#pragma once
// Users and their addresses. Callers run inside the store thread's
// transaction; methods return NOT_FOUND for missing rows and never log.

#include <optional>
#include <string>
#include <vector>

#include "mart/domain/account.h"
#include "mart/status.h"
#include "stores/database.h"

namespace mart::store {

struct UserFilter {
  std::optional<std::string> role;
  std::optional<bool> active;
  std::optional<std::string> email_contains;
  int64_t limit = 100;
  int64_t offset = 0;
  // Keyset cursor: only rows after this id in the list's order.
  std::optional<int64_t> after_id = {};
};

struct AddressFields {
  std::optional<std::string> line1, line2, city, state, postal_code, country;
};

class UserStore {
 public:
  explicit UserStore(Database& db) : db_(db) {}

  // Inserts and returns the new id. The caller has checked email uniqueness.
  Result<int64_t> Insert(const User& user, std::string_view email_norm,
                         std::string_view password_hash);
  Result<User> Get(int64_t id);
  // Finds by normalized (lower-case) email; the hash is returned beside.
  Result<std::pair<User, std::string>> FindByEmail(std::string_view email_norm);
  Result<std::string> PasswordHash(int64_t id);
  Result<bool> EmailTaken(std::string_view email_norm);
  Result<int64_t> CountActiveAdmins();
  Result<std::vector<User>> List(const UserFilter& filter);
  Status UpdateProfile(int64_t id, const std::string& first_name, const std::string& last_name,
                       const std::optional<std::string>& phone, int64_t now);
  Status SetPasswordHash(int64_t id, std::string_view hash, int64_t now);
  Status SetRole(int64_t id, std::string_view role, int64_t now);
  Status SetActive(int64_t id, bool active, int64_t now);

  Result<int64_t> InsertAddress(const Address& address);
  // The user's addresses, default first, then by id.
  Result<std::vector<Address>> Addresses(int64_t user_id);
  // NOT_FOUND unless the address exists and belongs to user_id.
  Result<Address> GetAddress(int64_t user_id, int64_t address_id);
  // The user's default address, if any; from the rows read ahead when the
  // user is among them.
  Result<std::optional<Address>> DefaultAddress(int64_t user_id);
  // A batch's buyers' default addresses, in one statement (Store::ReadAhead).
  Status ReadAheadDefaultAddresses(const std::vector<int64_t>& user_ids);
  void ForgetReadAhead() { default_addresses_.Forget(); }
  Status UpdateAddress(const Address& address, int64_t now);
  Status DeleteAddress(int64_t user_id, int64_t address_id);
  // Makes address_id the only default of user_id.
  Status SetDefaultAddress(int64_t user_id, int64_t address_id, int64_t now);

 private:
  Database& db_;
  ReadAheadRows<int64_t, Address> default_addresses_;
};

}  // namespace mart::store
