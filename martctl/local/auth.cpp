#include "martctl/local/auth.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <vector>

#include <sodium.h>

#include "mart/text.h"
#include "mart/wire/envelope.h"

namespace mart::cli {

AuthChoice ResolveAuth(const AuthInputs& inputs) {
  if (!inputs.token_flag.empty()) return {AuthSource::kTokenFlag, inputs.token_flag};
  if (!inputs.token_env.empty()) return {AuthSource::kTokenEnv, inputs.token_env};
  if (inputs.profile.logged_in() && ProfileServes(inputs.profile, inputs.endpoints)) {
    return {AuthSource::kProfile, inputs.profile.access_token};
  }
  if (inputs.profile_explicit || !inputs.needs_login) return {};
  if (auto cookie = ReadCookieAuth(inputs.cookie_path, inputs.endpoints)) {
    return {AuthSource::kCookie, *cookie};
  }
  return {};
}

std::string_view AuthSourceName(AuthSource source) {
  switch (source) {
    case AuthSource::kNone:
      return "none";
    case AuthSource::kTokenFlag:
      return "--token";
    case AuthSource::kTokenEnv:
      return "MART_TOKEN";
    case AuthSource::kProfile:
      return "profile";
    case AuthSource::kCookie:
      return "cookie";
  }
  return "?";
}

bool SameEndpoint(std::string_view a, std::string_view b) {
  if (a == b) return true;
  constexpr std::string_view kIpc = "ipc://";
  if (a.substr(0, kIpc.size()) == kIpc && b.substr(0, kIpc.size()) == kIpc) {
    std::error_code ea, eb;
    auto pa = std::filesystem::weakly_canonical(std::string(a.substr(kIpc.size())), ea);
    auto pb = std::filesystem::weakly_canonical(std::string(b.substr(kIpc.size())), eb);
    return !ea && !eb && pa == pb;
  }
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

namespace {

// Whether every one of `endpoints` is one of `known`, however spelled.
bool AllAmong(const std::vector<std::string>& endpoints, const std::vector<std::string>& known) {
  return !endpoints.empty() &&
         std::all_of(endpoints.begin(), endpoints.end(), [&known](const std::string& endpoint) {
           return std::any_of(known.begin(), known.end(), [&endpoint](const std::string& one) {
             return SameEndpoint(one, endpoint);
           });
         });
}

}  // namespace

bool ProfileServes(const Profile& profile, const std::vector<std::string>& endpoints) {
  return profile.endpoints.empty() || AllAmong(endpoints, profile.endpoints);
}

std::string LoginHint(const std::string& profile) {
  return profile == kDefaultProfile ? "martctl auth login"
                                    : "martctl --profile " + profile + " auth login";
}

std::optional<std::string> ReadCookieAuth(const std::string& cookie_path,
                                          const std::vector<std::string>& endpoints) {
  if (cookie_path.empty()) return std::nullopt;
  Result<std::string> text = ReadTextFile(cookie_path);
  if (!text.ok()) return std::nullopt;
  std::string_view rest = *text;
  const size_t end = rest.find('\n');
  std::string_view cookie = Trim(rest.substr(0, end));
  std::string_view owner = end == std::string_view::npos ? "" : Trim(rest.substr(end + 1));
  if (cookie.empty() || !AllAmong(endpoints, {std::string(owner)})) return std::nullopt;
  return std::string(kCookieAuthPrefix) + std::string(cookie);
}

std::optional<int64_t> JwtExpiry(std::string_view token) {
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::string_view payload = token.substr(first + 1, second - first - 1);
  std::vector<unsigned char> bytes(payload.size());
  size_t length = 0;
  if (sodium_base642bin(bytes.data(), bytes.size(), payload.data(), payload.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  auto claims =
      nlohmann::json::parse(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length),
                            nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object() || !claims.contains("exp") || !claims["exp"].is_number_integer()) {
    return std::nullopt;
  }
  return claims["exp"].get<int64_t>();
}

Status ApplyTokenReply(const nlohmann::json& reply, int64_t now, Profile* profile) {
  auto text = [&](const char* key) -> std::string {
    auto it = reply.is_object() ? reply.find(key) : reply.end();
    return it != reply.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string access = text("access_token");
  if (access.empty()) return Internal("the daemon's token reply has no access_token");
  profile->access_token = access;
  if (std::string refresh = text("refresh_token"); !refresh.empty())
    profile->refresh_token = refresh;
  auto expires_in = reply.find("expires_in");
  if (expires_in != reply.end() && expires_in->is_number_integer()) {
    profile->access_expires_at = now + expires_in->get<int64_t>();
  } else {
    profile->access_expires_at = JwtExpiry(access).value_or(0);
  }
  return Status::Ok();
}

}  // namespace mart::cli
