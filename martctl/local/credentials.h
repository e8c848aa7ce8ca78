#pragma once
// Saved logins ("profiles") in one JSON file, by default
// $XDG_CONFIG_HOME/mart/credentials.json:
//   {"profiles": {"default": {"endpoints": ["..."], "email": "...", "user_id": 1,
//     "role": "...", "access_token": "...", "refresh_token": "...",
//     "access_expires_at": <unix seconds>}}}
// The directory is created 0700; the file is always rewritten whole, 0600,
// through a temporary file and rename(), so a reader never sees half a file
// and the tokens are never readable by others, not even briefly.
// (A file written before endpoint lists has "endpoint": "..." instead; it is
// read as a list of one.) Not thread safe; across processes use CredentialsLock.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mart/status.h"

namespace mart::cli {

struct Profile {
  // The endpoints the login was made through: the daemon, or the instances of
  // the cluster, that issued the tokens (auth.h, ProfileServes).
  std::vector<std::string> endpoints = {};
  std::string email = {};
  int64_t user_id = 0;  // 0: unknown
  std::string role = {};
  std::string access_token = {};
  std::string refresh_token = {};
  int64_t access_expires_at = 0;  // unix seconds; 0: unknown

  bool logged_in() const { return !access_token.empty(); }
  void ForgetTokens();
};

nlohmann::json ProfileToJson(const Profile& profile);
// Members of the wrong type are ignored (left empty).
Profile ProfileFromJson(const nlohmann::json& object);

class CredentialsFile {
 public:
  explicit CredentialsFile(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // The named profile; an empty Profile when the file or the profile does not
  // exist. INVALID_ARGUMENT when the file is not a credentials document,
  // INTERNAL when it cannot be read.
  Result<Profile> Load(std::string_view name) const;
  // Every saved profile by name (none when the file does not exist).
  Result<std::map<std::string, Profile>> LoadAll() const;
  // Replaces the named profile and keeps the others. INTERNAL on I/O errors.
  Status Store(std::string_view name, const Profile& profile);
  // Drops the tokens of a profile, keeping its endpoints and email. A missing
  // profile is not an error.
  Status ForgetTokens(std::string_view name);

 private:
  Result<nlohmann::json> ReadDocument() const;
  Status WriteDocument(const nlohmann::json& document);

  std::string path_;
};

// An exclusive advisory lock on "<credentials path>.lock", held from Acquire()
// until destruction. Renewing a session takes it, so that two martctl processes
// never spend the same refresh token (the daemon would revoke the family).
class CredentialsLock {
 public:
  CredentialsLock() = default;
  ~CredentialsLock();
  CredentialsLock(const CredentialsLock&) = delete;
  CredentialsLock& operator=(const CredentialsLock&) = delete;

  // Blocks until the lock is held. INTERNAL when the lock file cannot be opened.
  Status Acquire(const std::string& credentials_path);

 private:
  int fd_ = -1;
};

// Replaces `path` whole with `text`, 0600, through a temporary file and
// rename() (its directory made 0700 when missing). INTERNAL on I/O errors.
Status WritePrivateFile(const std::string& path, const std::string& text);

// The whole content of a file. NOT_FOUND when it does not exist, INTERNAL when
// it cannot be read.
Result<std::string> ReadTextFile(const std::string& path);

// mkdir -p with mode 0700 for every directory it creates. INTERNAL on failure.
Status MakePrivateDirectories(const std::string& path);

}  // namespace mart::cli
