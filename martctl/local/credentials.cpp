#include "martctl/local/credentials.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mart::cli {
namespace {

using nlohmann::json;

std::string ParentDirectory(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status IoError(const std::string& what, const std::string& path) {
  return Internal("cannot " + what + " " + path + ": " + std::strerror(errno));
}

std::string StringMember(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "endpoints": [...], or an older file's "endpoint": "..."; strings only.
std::vector<std::string> EndpointsMember(const json& object) {
  std::vector<std::string> endpoints;
  auto list = object.find("endpoints");
  if (list != object.end() && list->is_array()) {
    for (const json& item : *list) {
      if (item.is_string()) endpoints.push_back(item.get<std::string>());
    }
  } else if (std::string one = StringMember(object, "endpoint"); !one.empty()) {
    endpoints.push_back(std::move(one));
  }
  return endpoints;
}

int64_t IntMember(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("write", path);
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

void Profile::ForgetTokens() {
  access_token.clear();
  refresh_token.clear();
  access_expires_at = 0;
}

json ProfileToJson(const Profile& profile) {
  json object = json::object();
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) object[key] = value;
  };
  if (!profile.endpoints.empty()) object["endpoints"] = profile.endpoints;
  put("email", profile.email);
  if (profile.user_id != 0) object["user_id"] = profile.user_id;
  put("role", profile.role);
  put("access_token", profile.access_token);
  put("refresh_token", profile.refresh_token);
  if (profile.access_expires_at != 0) object["access_expires_at"] = profile.access_expires_at;
  return object;
}

Profile ProfileFromJson(const json& object) {
  Profile profile;
  if (!object.is_object()) return profile;
  profile.endpoints = EndpointsMember(object);
  profile.email = StringMember(object, "email");
  profile.user_id = IntMember(object, "user_id");
  profile.role = StringMember(object, "role");
  profile.access_token = StringMember(object, "access_token");
  profile.refresh_token = StringMember(object, "refresh_token");
  profile.access_expires_at = IntMember(object, "access_expires_at");
  return profile;
}

Result<json> CredentialsFile::ReadDocument() const {
  Result<std::string> text = ReadTextFile(path_);
  if (!text.ok() && text.status().code() == Code::kNotFound) {
    return json{{"profiles", json::object()}};
  }
  if (!text.ok()) return text.status();
  json document = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    return InvalidArgument("credentials file " + path_ + " is not valid JSON");
  }
  if (!document.contains("profiles")) document["profiles"] = json::object();
  if (!document["profiles"].is_object()) {
    return InvalidArgument("credentials file " + path_ + ": \"profiles\" must be an object");
  }
  return document;
}

// Temporary file, fchmod 0600 before any byte of a token, fsync, rename.
Status WritePrivateFile(const std::string& path, const std::string& text) {
  MART_RETURN_IF_ERROR(MakePrivateDirectories(ParentDirectory(path)));
  std::string temp = path + ".XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return IoError("create", temp);
  Status status = ::fchmod(fd, 0600) == 0 ? Status::Ok() : IoError("chmod", temp);
  if (status.ok()) status = WriteAll(fd, text, temp);
  if (status.ok() && ::fsync(fd) != 0) status = IoError("sync", temp);
  if (::close(fd) != 0 && status.ok()) status = IoError("close", temp);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) status = IoError("replace", path);
  if (!status.ok()) ::unlink(temp.c_str());
  return status;
}

Status CredentialsFile::WriteDocument(const json& document) {
  return WritePrivateFile(path_, document.dump(2) + "\n");
}

Result<Profile> CredentialsFile::Load(std::string_view name) const {
  MART_ASSIGN_OR_RETURN(json document, ReadDocument());
  auto it = document["profiles"].find(std::string(name));
  if (it == document["profiles"].end()) return Profile{};
  return ProfileFromJson(*it);
}

Result<std::map<std::string, Profile>> CredentialsFile::LoadAll() const {
  MART_ASSIGN_OR_RETURN(json document, ReadDocument());
  std::map<std::string, Profile> profiles;
  for (const auto& [name, value] : document["profiles"].items()) {
    profiles[name] = ProfileFromJson(value);
  }
  return profiles;
}

Status CredentialsFile::Store(std::string_view name, const Profile& profile) {
  MART_ASSIGN_OR_RETURN(json document, ReadDocument());
  document["profiles"][std::string(name)] = ProfileToJson(profile);
  return WriteDocument(document);
}

Status CredentialsFile::ForgetTokens(std::string_view name) {
  MART_ASSIGN_OR_RETURN(json document, ReadDocument());
  auto it = document["profiles"].find(std::string(name));
  if (it == document["profiles"].end()) return Status::Ok();
  Profile profile = ProfileFromJson(*it);
  profile.ForgetTokens();
  *it = ProfileToJson(profile);
  return WriteDocument(document);
}

CredentialsLock::~CredentialsLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Status CredentialsLock::Acquire(const std::string& credentials_path) {
  MART_RETURN_IF_ERROR(MakePrivateDirectories(ParentDirectory(credentials_path)));
  const std::string lock_path = credentials_path + ".lock";
  if (fd_ < 0) fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return IoError("open", lock_path);
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) return IoError("lock", lock_path);
  }
  return Status::Ok();
}

Result<std::string> ReadTextFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return NotFound("no file " + path);
  if (fd < 0) return IoError("read", path);
  std::string text;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  Status status = n < 0 ? IoError("read", path) : Status::Ok();
  ::close(fd);
  MART_RETURN_IF_ERROR(status);
  return text;
}

Status MakePrivateDirectories(const std::string& path) {
  struct stat info {};
  if (path.empty() || ::stat(path.c_str(), &info) == 0) return Status::Ok();
  std::string parent = ParentDirectory(path);
  if (parent != path) MART_RETURN_IF_ERROR(MakePrivateDirectories(parent));
  if (::mkdir(path.c_str(), 0700) != 0) {
    return errno == EEXIST ? Status::Ok() : IoError("create directory", path);
  }
  // mkdir's mode passes through the umask; the directory must be exactly 0700.
  if (::chmod(path.c_str(), 0700) != 0) return IoError("chmod", path);
  return Status::Ok();
}

}  // namespace mart::cli
