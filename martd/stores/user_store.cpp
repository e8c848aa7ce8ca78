#include "stores/user_store.h"

namespace mart::store {
namespace {

// A macro so that each statement is one string literal (the statement cache is
// keyed by the literal's address).
#define MART_USER_COLUMNS \
  "id, email, first_name, last_name, phone, role, is_active, created_at, updated_at"

User ReadUser(const Query& q) {
  User user;
  user.id = q.Int(0);
  user.email = q.Text(1);
  user.first_name = q.Text(2);
  user.last_name = q.Text(3);
  user.phone = q.OptText(4);
  user.role = q.Text(5);
  user.is_active = q.Int(6) != 0;
  user.created_at = q.Int(7);
  user.updated_at = q.Int(8);
  return user;
}

#define MART_ADDRESS_COLUMNS                                                    \
  "id, user_id, line1, line2, city, state, postal_code, country, is_default, " \
  "created_at, updated_at"

Address ReadAddress(const Query& q) {
  Address address;
  address.id = q.Int(0);
  address.user_id = q.Int(1);
  address.line1 = q.Text(2);
  address.line2 = q.OptText(3);
  address.city = q.Text(4);
  address.state = q.OptText(5);
  address.postal_code = q.Text(6);
  address.country = q.Text(7);
  address.is_default = q.Int(8) != 0;
  address.created_at = q.Int(9);
  address.updated_at = q.Int(10);
  return address;
}

Status ExpectOneRow(Database& db, const std::string& what) {
  if (db.Changes() == 0) return NotFound(what + " not found");
  return Status::Ok();
}

}  // namespace

Result<int64_t> UserStore::Insert(const User& user, std::string_view email_norm,
                                  std::string_view password_hash) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO users (email, email_norm, password_hash, first_name, last_name, phone, role, "
      "is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  q.Bind(1, user.email).Bind(2, email_norm).Bind(3, password_hash).Bind(4, user.first_name);
  q.Bind(5, user.last_name).Bind(6, user.phone).Bind(7, user.role);
  q.Bind(8, int64_t{user.is_active}).Bind(9, user.created_at).Bind(10, user.updated_at);
  return q.RunReturning();
}

Result<User> UserStore::Get(int64_t id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT " MART_USER_COLUMNS " FROM users WHERE id = ?"));
  q.Bind(1, id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("user " + std::to_string(id) + " not found");
  return ReadUser(q);
}

Result<std::pair<User, std::string>> UserStore::FindByEmail(std::string_view email_norm) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_USER_COLUMNS ", password_hash FROM users WHERE email_norm = ?"));
  q.Bind(1, email_norm);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("user " + std::string(email_norm) + " not found");
  return std::make_pair(ReadUser(q), q.Text(9));
}

Result<std::string> UserStore::PasswordHash(int64_t id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT password_hash FROM users WHERE id = ?"));
  q.Bind(1, id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("user " + std::to_string(id) + " not found");
  return q.Text(0);
}

Result<bool> UserStore::EmailTaken(std::string_view email_norm) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare("SELECT 1 FROM users WHERE email_norm = ?"));
  q.Bind(1, email_norm);
  return q.Next();
}

Result<int64_t> UserStore::CountActiveAdmins() {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT count(*) FROM users WHERE role = 'admin' AND is_active = 1"));
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  return row ? q.Int(0) : 0;
}

Result<std::vector<User>> UserStore::List(const UserFilter& filter) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_USER_COLUMNS " FROM users WHERE (CAST(?1 AS TEXT) IS NULL OR role = ?1)"
      " AND (CAST(?2 AS BIGINT) IS NULL OR is_active = ?2)"
      " AND (CAST(?3 AS TEXT) IS NULL OR instr(email_norm, lower(?3)) > 0)"
      " AND (CAST(?6 AS BIGINT) IS NULL OR id > ?6) ORDER BY id LIMIT ?4 OFFSET ?5"));
  q.Bind(1, filter.role);
  if (filter.active) q.Bind(2, int64_t{*filter.active}); else q.BindNull(2);
  q.Bind(3, filter.email_contains).Bind(4, filter.limit).Bind(5, filter.offset);
  if (filter.after_id) q.Bind(6, *filter.after_id); else q.BindNull(6);
  std::vector<User> users;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    users.push_back(ReadUser(q));
  }
  return users;
}

Status UserStore::UpdateProfile(int64_t id, const std::string& first_name,
                                const std::string& last_name,
                                const std::optional<std::string>& phone, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE users SET first_name = ?, last_name = ?, phone = ?, updated_at = ? WHERE id = ?"));
  q.Bind(1, first_name).Bind(2, last_name).Bind(3, phone).Bind(4, now).Bind(5, id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectOneRow(db_, "user " + std::to_string(id));
}

Status UserStore::SetPasswordHash(int64_t id, std::string_view hash, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?"));
  q.Bind(1, hash).Bind(2, now).Bind(3, id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectOneRow(db_, "user " + std::to_string(id));
}

Status UserStore::SetRole(int64_t id, std::string_view role, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE users SET role = ?, updated_at = ? WHERE id = ?"));
  q.Bind(1, role).Bind(2, now).Bind(3, id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectOneRow(db_, "user " + std::to_string(id));
}

Status UserStore::SetActive(int64_t id, bool active, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE users SET is_active = ?, updated_at = ? WHERE id = ?"));
  q.Bind(1, int64_t{active}).Bind(2, now).Bind(3, id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectOneRow(db_, "user " + std::to_string(id));
}

Result<int64_t> UserStore::InsertAddress(const Address& a) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "INSERT INTO addresses (user_id, line1, line2, city, state, postal_code, country, "
      "is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  q.Bind(1, a.user_id).Bind(2, a.line1).Bind(3, a.line2).Bind(4, a.city).Bind(5, a.state);
  q.Bind(6, a.postal_code).Bind(7, a.country).Bind(8, int64_t{a.is_default});
  q.Bind(9, a.created_at).Bind(10, a.updated_at);
  return q.RunReturning();
}

Result<std::vector<Address>> UserStore::Addresses(int64_t user_id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_ADDRESS_COLUMNS " FROM addresses WHERE user_id = ? "
      "ORDER BY is_default DESC, id"));
  q.Bind(1, user_id);
  std::vector<Address> addresses;
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    addresses.push_back(ReadAddress(q));
  }
  return addresses;
}

Result<Address> UserStore::GetAddress(int64_t user_id, int64_t address_id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_ADDRESS_COLUMNS " FROM addresses WHERE id = ? AND user_id = ?"));
  q.Bind(1, address_id).Bind(2, user_id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return NotFound("address " + std::to_string(address_id) + " not found");
  return ReadAddress(q);
}

Result<std::optional<Address>> UserStore::DefaultAddress(int64_t user_id) {
  if (const std::optional<Address>* ahead = default_addresses_.Find(user_id)) return *ahead;
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "SELECT " MART_ADDRESS_COLUMNS " FROM addresses WHERE user_id = ? AND is_default = 1"));
  q.Bind(1, user_id);
  MART_ASSIGN_OR_RETURN(bool row, q.Next());
  if (!row) return std::optional<Address>();
  return std::optional<Address>(ReadAddress(q));
}

Status UserStore::ReadAheadDefaultAddresses(const std::vector<int64_t>& user_ids) {
  default_addresses_.Forget();
  if (user_ids.empty()) return Status::Ok();
  MART_ASSIGN_OR_RETURN(Query q, db_.PrepareForList(
      "SELECT " MART_ADDRESS_COLUMNS " FROM addresses WHERE is_default = 1 AND user_id " +
      InListSql(db_, user_ids.size())));
  BindInList(db_, q, 1, user_ids);
  ReadAheadRows<int64_t, Address> rows(user_ids);
  while (true) {
    MART_ASSIGN_OR_RETURN(bool row, q.Next());
    if (!row) break;
    Address address = ReadAddress(q);
    const int64_t user_id = address.user_id;
    rows.Found(user_id, std::move(address));
  }
  default_addresses_ = std::move(rows);
  return Status::Ok();
}

Status UserStore::UpdateAddress(const Address& a, int64_t now) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "UPDATE addresses SET line1 = ?, line2 = ?, city = ?, state = ?, postal_code = ?, "
      "country = ?, updated_at = ? WHERE id = ? AND user_id = ?"));
  q.Bind(1, a.line1).Bind(2, a.line2).Bind(3, a.city).Bind(4, a.state).Bind(5, a.postal_code);
  q.Bind(6, a.country).Bind(7, now).Bind(8, a.id).Bind(9, a.user_id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectOneRow(db_, "address " + std::to_string(a.id));
}

Status UserStore::DeleteAddress(int64_t user_id, int64_t address_id) {
  MART_ASSIGN_OR_RETURN(Query q, db_.Prepare(
      "DELETE FROM addresses WHERE id = ? AND user_id = ?"));
  q.Bind(1, address_id).Bind(2, user_id);
  MART_RETURN_IF_ERROR(q.Run());
  return ExpectOneRow(db_, "address " + std::to_string(address_id));
}

Status UserStore::SetDefaultAddress(int64_t user_id, int64_t address_id, int64_t now) {
  MART_RETURN_IF_ERROR(GetAddress(user_id, address_id).status());  // before changing anything
  {
    MART_ASSIGN_OR_RETURN(Query clear, db_.Prepare(
        "UPDATE addresses SET is_default = 0, updated_at = ? "
        "WHERE user_id = ? AND is_default = 1 AND id <> ?"));
    clear.Bind(1, now).Bind(2, user_id).Bind(3, address_id);
    MART_RETURN_IF_ERROR(clear.Run());
  }
  MART_ASSIGN_OR_RETURN(Query set, db_.Prepare(
      "UPDATE addresses SET is_default = 1, updated_at = ? WHERE id = ? AND user_id = ?"));
  set.Bind(1, now).Bind(2, address_id).Bind(3, user_id);
  MART_RETURN_IF_ERROR(set.Run());
  return ExpectOneRow(db_, "address " + std::to_string(address_id));
}

}  // namespace mart::store
