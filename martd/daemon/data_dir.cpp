#include "daemon/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mart/client/client.h"
#include "mart/paths.h"

namespace mart::daemon {
namespace {

std::string Errno() { return std::strerror(errno); }

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable(path + " cannot be read: " + Errno());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// A key file an operator named: it must exist, and only its owner may read it.
Result<std::string> ReadSecretFile(const std::string& flag, const std::string& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return FailedPrecondition(flag + " " + file + ": not a readable file");
  }
  if ((info.st_mode & 077) != 0) {
    return FailedPrecondition(flag + " " + file + ": group or others may read it; chmod 600 it "
                              "first");
  }
  return ReadSmallFile(file);
}

}  // namespace

Status MakeDirs(const std::string& path, unsigned mode) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode)) return FailedPrecondition(path + " exists and is not a directory");
    return Status::Ok();
  }
  size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    MART_RETURN_IF_ERROR(MakeDirs(path.substr(0, slash), 0755));
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return Unavailable("cannot create directory " + path + ": " + Errno());
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view content, unsigned mode) {
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Unavailable("cannot write " + temp + ": " + Errno());
  bool ok = ::fchmod(fd, mode) == 0 &&
            ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  std::string error = Errno();
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return Unavailable("cannot write " + path + ": " + error);
  }
  return Status::Ok();
}

Result<std::unique_ptr<DataDir>> DataDir::Open(const std::string& path) {
  if (path.empty()) return InvalidArgument("data dir must not be empty");
  MART_RETURN_IF_ERROR(MakeDirs(path, 0700));
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return Unavailable("cannot stat " + path + ": " + Errno());
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return FailedPrecondition("data dir " + path + " is writable by other users; chmod 700 it");
  }
  std::string lock_path = path + "/martd.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot open " + lock_path + ": " + Errno());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto holder = ReadSmallFile(lock_path);
    ::close(fd);
    std::string pid = holder.ok() ? std::string(holder->substr(0, holder->find('\n'))) : "?";
    return FailedPrecondition("another martd (pid " + pid + ") is running on data dir " + path,
                              {{"data_dir", path}});
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    ::close(fd);
    return Unavailable("cannot write " + lock_path + ": " + Errno());
  }
  return std::unique_ptr<DataDir>(new DataDir(path, fd));
}

DataDir::~DataDir() {
  if (lock_fd_ < 0) return;
  // A stale pid must not invite `kill $(head -1 martd.lock)` at another process.
  int truncated = ::ftruncate(lock_fd_, 0);  // on failure close() still releases the lock
  (void)truncated;
  ::close(lock_fd_);  // closing releases the flock
}

Result<SigningKey> DataDir::LoadOrCreateSigningKey(const std::string& file) const {
  SigningKey key{};
  if (!file.empty()) {
    MART_ASSIGN_OR_RETURN(std::string given, ReadSecretFile("--signing-key", file));
    if (given.size() != key.size()) {
      return FailedPrecondition("--signing-key " + file + " holds " +
                                std::to_string(given.size()) + " bytes; a signing key is " +
                                std::to_string(key.size()) + " (the signing.key of a data dir, or "
                                "head -c 32 /dev/urandom)");
    }
    std::memcpy(key.data(), given.data(), key.size());
    return key;
  }
  const std::string key_path = path_ + "/signing.key";
  // Only a missing key is made anew: replacing an unreadable one would
  // silently invalidate every token issued so far.
  if (::access(key_path.c_str(), F_OK) == 0 || errno != ENOENT) {
    MART_ASSIGN_OR_RETURN(std::string existing, ReadSmallFile(key_path));
    if (existing.size() != key.size()) {
      return FailedPrecondition(key_path + " is damaged (want " + std::to_string(key.size()) +
                                " bytes); restore it from a backup");
    }
    std::memcpy(key.data(), existing.data(), key.size());
    ::chmod(key_path.c_str(), 0600);
    return key;
  }
  std::string fresh = NewRandomKey() + NewRandomKey();  // 64 hex chars
  for (size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<unsigned char>(std::stoi(fresh.substr(i * 2, 2), nullptr, 16));
  }
  MART_RETURN_IF_ERROR(WriteFileAtomic(
      key_path, std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), 0600));
  return key;
}

Result<std::string> DataDir::LoadOrCreateInstanceId() const {
  const std::string id_path = path_ + "/instance.id";
  if (::access(id_path.c_str(), F_OK) == 0 || errno != ENOENT) {
    MART_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(id_path));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.size() == 12 && text.find_first_not_of("0123456789abcdef") == std::string::npos) {
      return text;
    }
    return FailedPrecondition(id_path + " is damaged (want 12 hex characters); remove it to "
                              "name this martd anew");
  }
  std::string id = NewRandomKey().substr(0, 12);
  MART_RETURN_IF_ERROR(WriteFileAtomic(id_path, id + "\n", 0600));
  return id;
}

Result<CurveKeys> DataDir::LoadOrCreateCurveKeys(const std::string& file) const {
  const std::string key_path = file.empty() ? path_ + "/curve.key" : file;
  const std::string public_path = path_ + "/curve.pub";
  CurveKeys keys;
  if (!file.empty() || ::access(key_path.c_str(), F_OK) == 0 || errno != ENOENT) {
    MART_ASSIGN_OR_RETURN(std::string text, file.empty() ? ReadSmallFile(key_path)
                                                         : ReadSecretFile("--curve-key", file));
    std::istringstream lines(text);
    std::getline(lines, keys.secret_key);
    std::getline(lines, keys.public_key);
    if (!CheckCurveKey(keys.secret_key, "secret").ok() ||
        !CheckCurveKey(keys.public_key, "public").ok()) {
      return FailedPrecondition(key_path + " is damaged; restore it from a backup, or remove it "
                                "to make a new key (every client must then pin the new one)");
    }
    ::chmod(key_path.c_str(), 0600);
  } else {
    MART_ASSIGN_OR_RETURN(keys, NewCurveKeys());
    MART_RETURN_IF_ERROR(
        WriteFileAtomic(key_path, keys.secret_key + "\n" + keys.public_key + "\n", 0600));
  }
  // Rewritten at every start, so it always matches the key in use.
  MART_RETURN_IF_ERROR(WriteFileAtomic(public_path, keys.public_key + "\n", 0644));
  return keys;
}

Result<std::string> DataDir::WriteCookie(const std::string& endpoint) const {
  std::string cookie = NewRandomKey() + NewRandomKey();
  MART_RETURN_IF_ERROR(WriteFileAtomic(CookiePath(path_), cookie + "\n" + endpoint + "\n", 0600));
  return cookie;
}

void DataDir::RemoveCookie() const { ::unlink(CookiePath(path_).c_str()); }

Status DataDir::PrepareSocketDir(const std::string& endpoint) const {
  const std::string kScheme = "ipc://";
  if (endpoint.rfind(kScheme, 0) != 0) return Status::Ok();
  std::string socket_path = endpoint.substr(kScheme.size());
  // The events socket sits beside it with a longer name; both must fit.
  std::string events_path = EventsEndpointFor(endpoint).substr(kScheme.size());
  if (events_path.size() >= 108) {
    return InvalidArgument("ipc path " + socket_path + " is too long: with the events socket " +
                           events_path + " it must stay within the 107 bytes a Unix socket "
                           "path allows");
  }
  size_t slash = socket_path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return Status::Ok();
  const std::string dir = socket_path.substr(0, slash);
  MART_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  // Another user who may write the directory could replace the socket with
  // their own and collect requests (tokens included). A sticky directory
  // (/tmp) lets no one remove another's file, so it is allowed.
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return Unavailable("cannot stat " + dir + ": " + Errno());
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (info.st_mode & S_ISVTX) == 0) {
    return FailedPrecondition("socket directory " + dir +
                              " is writable by other users; chmod 700 it");
  }
  return Status::Ok();
}

}  // namespace mart::daemon
