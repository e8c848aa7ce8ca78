#include "services/account_service.h"

#include "events/catalog.h"
#include "mart/text.h"

namespace mart {
namespace {

Status RequireUser(const Principal& principal) {
  if (principal.IsUser()) return Status::Ok();
  return FailedPrecondition("the local operator has no profile or addresses; log in as a user");
}

// Trims, and refuses empty text for required fields.
Status Clean(std::optional<std::string>& value, std::string_view field, bool required) {
  if (!value) return Status::Ok();
  value = std::string(Trim(*value));
  if (required && value->empty()) {
    return InvalidArgument(std::string(field) + " must not be empty", {{"field", field}});
  }
  if (!required && value->empty()) value.reset();
  return Status::Ok();
}

}  // namespace

Status CleanAddress(store::AddressFields& f) {
  MART_RETURN_IF_ERROR(Clean(f.line1, "line1", true));
  MART_RETURN_IF_ERROR(Clean(f.line2, "line2", false));
  MART_RETURN_IF_ERROR(Clean(f.city, "city", true));
  MART_RETURN_IF_ERROR(Clean(f.state, "state", false));
  MART_RETURN_IF_ERROR(Clean(f.postal_code, "postal_code", true));
  return Clean(f.country, "country", true);
}

Result<nlohmann::json> AccountService::Profile(Tx& tx, const Principal& principal) const {
  MART_RETURN_IF_ERROR(RequireUser(principal));
  return GetUser(tx, principal.user_id);
}

Result<nlohmann::json> AccountService::UpdateProfile(Tx& tx, const Principal& principal,
                                                     const ProfileChange& change) const {
  MART_RETURN_IF_ERROR(RequireUser(principal));
  ProfileChange clean = change;
  MART_RETURN_IF_ERROR(Clean(clean.first_name, "first_name", true));
  MART_RETURN_IF_ERROR(Clean(clean.last_name, "last_name", true));
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(principal.user_id));
  std::optional<std::string> phone = user.phone;
  if (change.phone) {
    MART_RETURN_IF_ERROR(Clean(clean.phone, "phone", false));
    phone = clean.phone;
  }
  MART_RETURN_IF_ERROR(tx.store.users().UpdateProfile(
      user.id, clean.first_name.value_or(user.first_name), clean.last_name.value_or(user.last_name),
      phone, tx.now));
  return GetUser(tx, user.id);
}

Result<Address> AccountService::AddAddress(Tx& tx, const Principal& principal,
                                           const AddressChange& change) const {
  MART_RETURN_IF_ERROR(RequireUser(principal));
  store::AddressFields f = change.fields;
  MART_RETURN_IF_ERROR(CleanAddress(f));
  MART_ASSIGN_OR_RETURN(std::vector<Address> existing, tx.store.users().Addresses(principal.user_id));
  Address address;
  address.user_id = principal.user_id;
  address.line1 = *f.line1;
  address.line2 = f.line2;
  address.city = *f.city;
  address.state = f.state;
  address.postal_code = *f.postal_code;
  address.country = *f.country;
  address.created_at = address.updated_at = tx.now;
  MART_ASSIGN_OR_RETURN(address.id, tx.store.users().InsertAddress(address));
  if (existing.empty() || change.is_default.value_or(false)) {
    MART_RETURN_IF_ERROR(tx.store.users().SetDefaultAddress(principal.user_id, address.id, tx.now));
  }
  return tx.store.users().GetAddress(principal.user_id, address.id);
}

Result<std::vector<Address>> AccountService::ListAddresses(Tx& tx,
                                                           const Principal& principal) const {
  MART_RETURN_IF_ERROR(RequireUser(principal));
  return tx.store.users().Addresses(principal.user_id);
}

Result<Address> AccountService::UpdateAddress(Tx& tx, const Principal& principal, int64_t id,
                                              const AddressChange& change) const {
  MART_RETURN_IF_ERROR(RequireUser(principal));
  MART_ASSIGN_OR_RETURN(Address address, tx.store.users().GetAddress(principal.user_id, id));
  if (change.is_default && !*change.is_default && address.is_default) {
    return FailedPrecondition("address " + std::to_string(id) +
                              " is the default; make another address the default instead");
  }
  store::AddressFields f = change.fields;
  MART_RETURN_IF_ERROR(CleanAddress(f));
  if (f.line1) address.line1 = *f.line1;
  if (change.fields.line2) address.line2 = f.line2;
  if (f.city) address.city = *f.city;
  if (change.fields.state) address.state = f.state;
  if (f.postal_code) address.postal_code = *f.postal_code;
  if (f.country) address.country = *f.country;
  MART_RETURN_IF_ERROR(tx.store.users().UpdateAddress(address, tx.now));
  if (change.is_default.value_or(false)) {
    MART_RETURN_IF_ERROR(tx.store.users().SetDefaultAddress(principal.user_id, id, tx.now));
  }
  return tx.store.users().GetAddress(principal.user_id, id);
}

Status AccountService::RemoveAddress(Tx& tx, const Principal& principal, int64_t id) const {
  MART_RETURN_IF_ERROR(RequireUser(principal));
  MART_ASSIGN_OR_RETURN(Address address, tx.store.users().GetAddress(principal.user_id, id));
  MART_RETURN_IF_ERROR(tx.store.users().DeleteAddress(principal.user_id, id));
  if (!address.is_default) return Status::Ok();
  MART_ASSIGN_OR_RETURN(std::vector<Address> rest, tx.store.users().Addresses(principal.user_id));
  if (rest.empty()) return Status::Ok();
  // Addresses() orders by id after the (now absent) default: the oldest first.
  return tx.store.users().SetDefaultAddress(principal.user_id, rest.front().id, tx.now);
}

Result<Address> AccountService::SetDefaultAddress(Tx& tx, const Principal& principal,
                                                  int64_t id) const {
  MART_RETURN_IF_ERROR(RequireUser(principal));
  MART_RETURN_IF_ERROR(tx.store.users().GetAddress(principal.user_id, id).status());
  MART_RETURN_IF_ERROR(tx.store.users().SetDefaultAddress(principal.user_id, id, tx.now));
  return tx.store.users().GetAddress(principal.user_id, id);
}

Result<std::vector<User>> AccountService::ListUsers(Tx& tx, const store::UserFilter& filter) const {
  return tx.store.users().List(filter);
}

Result<nlohmann::json> AccountService::GetUser(Tx& tx, int64_t id) const {
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(id));
  MART_ASSIGN_OR_RETURN(std::vector<Address> addresses, tx.store.users().Addresses(id));
  return ToJson(user, &addresses);
}

Result<User> AccountService::SetRole(Tx& tx, int64_t id, std::string_view role) const {
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(id));
  if (user.role == role) return user;
  if (user.role == kRoleAdmin && user.is_active) {
    MART_ASSIGN_OR_RETURN(int64_t admins, tx.store.users().CountActiveAdmins());
    if (admins <= 1) {
      return FailedPrecondition("user " + std::to_string(id) +
                                " is the last active admin; make another admin first");
    }
  }
  MART_RETURN_IF_ERROR(tx.store.users().SetRole(id, role, tx.now));
  MART_RETURN_IF_ERROR(events::Emit(
      tx.events,
      events::UserRoleChanged{.user_id = id, .from = user.role, .to = std::string(role)}));
  return tx.store.users().Get(id);
}

Result<User> AccountService::SetActive(Tx& tx, int64_t id, bool active) const {
  MART_ASSIGN_OR_RETURN(User user, tx.store.users().Get(id));
  if (user.is_active == active) return user;
  if (!active && user.role == kRoleAdmin) {
    MART_ASSIGN_OR_RETURN(int64_t admins, tx.store.users().CountActiveAdmins());
    if (admins <= 1) {
      return FailedPrecondition("user " + std::to_string(id) +
                                " is the last active admin; make another admin first");
    }
  }
  MART_RETURN_IF_ERROR(tx.store.users().SetActive(id, active, tx.now));
  if (!active) {
    MART_RETURN_IF_ERROR(tx.store.sessions().RevokeUserSessions(id, 0, "deactivated", tx.now));
  }
  MART_RETURN_IF_ERROR(active ? events::Emit(tx.events, events::UserActivated{{.user_id = id}})
                              : events::Emit(tx.events, events::UserDeactivated{{.user_id = id}}));
  return tx.store.users().Get(id);
}

}  // namespace mart
