#include "martctl/local/auth.h"

#include <cstring>
#include <fstream>

#include <gtest/gtest.h>
#include <sodium.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using testing::TempDir;

class AuthResolutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cookie_path_ = dir_.path() + "/cookie";
    std::ofstream(cookie_path_) << "  c00k1e\nipc:///a\n";
    inputs_ = AuthInputs{.token_flag = "flag-token",
                         .token_env = "env-token",
                         .profile = Profile{.endpoints = {"ipc:///a"}, .access_token = "saved-token"},
                         .endpoints = {"ipc:///a"},
                         .cookie_path = cookie_path_};
  }

  TempDir dir_;
  std::string cookie_path_;
  AuthInputs inputs_;
};

TEST_F(AuthResolutionTest, TokenFlagComesFirst) {
  AuthChoice choice = ResolveAuth(inputs_);
  EXPECT_EQ(choice.source, AuthSource::kTokenFlag);
  EXPECT_EQ(choice.auth, "flag-token");
}

TEST_F(AuthResolutionTest, ThenTheEnvironment) {
  inputs_.token_flag.clear();
  AuthChoice choice = ResolveAuth(inputs_);
  EXPECT_EQ(choice.source, AuthSource::kTokenEnv);
  EXPECT_EQ(choice.auth, "env-token");
}

TEST_F(AuthResolutionTest, ThenTheProfile) {
  inputs_.token_flag.clear();
  inputs_.token_env.clear();
  AuthChoice choice = ResolveAuth(inputs_);
  EXPECT_EQ(choice.source, AuthSource::kProfile);
  EXPECT_EQ(choice.auth, "saved-token");
}

TEST_F(AuthResolutionTest, ThenTheTrimmedCookie) {
  inputs_.token_flag.clear();
  inputs_.token_env.clear();
  inputs_.profile = Profile{};
  AuthChoice choice = ResolveAuth(inputs_);
  EXPECT_EQ(choice.source, AuthSource::kCookie);
  EXPECT_EQ(choice.auth, "cookie:c00k1e");
}

// A login made through a list of endpoints (a cluster) serves every one of
// them, and any part of the list; not a list with an endpoint it was not made
// through.
TEST_F(AuthResolutionTest, ALoginMadeThroughAListServesEveryEndpointOfIt) {
  inputs_.token_flag.clear();
  inputs_.token_env.clear();
  inputs_.profile_explicit = true;  // no cookie to fall back to
  inputs_.profile.endpoints = {"ipc:///a", "tcp://shop-b:7300"};
  for (std::vector<std::string> endpoints :
       {std::vector<std::string>{"ipc:///a", "tcp://shop-b:7300"}, {"tcp://SHOP-B:7300"},
        {"tcp://shop-b:7300", "ipc:///a"}, {"ipc:///a"}}) {
    inputs_.endpoints = endpoints;
    EXPECT_EQ(ResolveAuth(inputs_).source, AuthSource::kProfile) << JoinEndpoints(endpoints);
  }
  inputs_.endpoints = {"ipc:///a", "ipc:///c"};
  EXPECT_EQ(ResolveAuth(inputs_).source, AuthSource::kNone);
}

TEST_F(AuthResolutionTest, AProfileForAnotherDaemonIsSkipped) {
  inputs_.token_flag.clear();
  inputs_.token_env.clear();
  inputs_.profile.endpoints = {"ipc:///b"};
  EXPECT_EQ(ResolveAuth(inputs_).source, AuthSource::kCookie);
}

// The cookie makes its holder the operator: it goes only to the daemon that
// wrote it, whatever endpoint the command was pointed at.
TEST_F(AuthResolutionTest, TheCookieGoesOnlyToTheDaemonThatWroteIt) {
  inputs_.token_flag.clear();
  inputs_.token_env.clear();
  inputs_.profile = Profile{};
  for (const char* elsewhere : {"ipc:///b", "tcp://198.51.100.7:7000", "ipc:///a/"}) {
    inputs_.endpoints = {elsewhere};
    AuthChoice choice = ResolveAuth(inputs_);
    EXPECT_EQ(choice.source, AuthSource::kNone) << elsewhere;
    EXPECT_EQ(choice.auth, "") << elsewhere;
  }
  // Nor to a list that holds it: the call may fail over to another martd.
  inputs_.endpoints = {"ipc:///a", "ipc:///b"};
  EXPECT_EQ(ResolveAuth(inputs_).source, AuthSource::kNone);
  std::ofstream(cookie_path_) << "c00k1e\n";  // a cookie that names no daemon
  inputs_.endpoints = {"ipc:///a"};
  EXPECT_EQ(ResolveAuth(inputs_).source, AuthSource::kNone);
}

TEST_F(AuthResolutionTest, TheCookieIsNotSentForAMethodOpenToAnyone) {
  inputs_ = AuthInputs{.endpoints = {"ipc:///a"}, .cookie_path = cookie_path_, .needs_login = false};
  EXPECT_EQ(ResolveAuth(inputs_).source, AuthSource::kNone);
  inputs_.needs_login = true;
  EXPECT_EQ(ResolveAuth(inputs_).source, AuthSource::kCookie);
}

TEST_F(AuthResolutionTest, ANamedProfileNeverFallsBackToTheCookie) {
  inputs_.token_flag.clear();
  inputs_.token_env.clear();
  inputs_.profile = Profile{};  // named, but logged out (or expired)
  inputs_.profile_explicit = true;
  AuthChoice choice = ResolveAuth(inputs_);
  EXPECT_EQ(choice.source, AuthSource::kNone);
  EXPECT_EQ(choice.auth, "");
}

TEST_F(AuthResolutionTest, NothingReadableMeansNoAuth) {
  inputs_ = AuthInputs{.cookie_path = dir_.path() + "/missing"};
  AuthChoice choice = ResolveAuth(inputs_);
  EXPECT_EQ(choice.source, AuthSource::kNone);
  EXPECT_EQ(choice.auth, "");
  std::ofstream(cookie_path_) << " \n";
  EXPECT_FALSE(ReadCookieAuth(cookie_path_, {""}).has_value());
  std::ofstream(cookie_path_) << " \nipc:///a\n";
  EXPECT_FALSE(ReadCookieAuth(cookie_path_, {"ipc:///a"}).has_value());
}

std::string Base64Url(const std::string& text) {
  std::string encoded(
      sodium_base64_encoded_len(text.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

TEST(JwtExpiryTest, ReadsTheExpClaim) {
  std::string token = Base64Url("{\"alg\":\"HS256\"}") + "." +
                      Base64Url("{\"sub\":\"1\",\"exp\":1700001800}") + ".sig";
  EXPECT_EQ(JwtExpiry(token), 1700001800);
  EXPECT_EQ(JwtExpiry("opaque-token"), std::nullopt);
  EXPECT_EQ(JwtExpiry("a.!!!.c"), std::nullopt);
  EXPECT_EQ(JwtExpiry("a." + Base64Url("{\"sub\":\"1\"}") + ".c"), std::nullopt);
}

TEST(ApplyTokenReplyTest, TakesTokensAndExpiry) {
  Profile profile{.refresh_token = "old-refresh"};
  ASSERT_TRUE(ApplyTokenReply({{"access_token", "a2"}, {"expires_in", 1800}}, 1000, &profile).ok());
  EXPECT_EQ(profile.access_token, "a2");
  EXPECT_EQ(profile.refresh_token, "old-refresh");
  EXPECT_EQ(profile.access_expires_at, 2800);
  ASSERT_TRUE(
      ApplyTokenReply({{"access_token", "a3"}, {"refresh_token", "r3"}}, 1000, &profile).ok());
  EXPECT_EQ(profile.refresh_token, "r3");
  EXPECT_EQ(profile.access_expires_at, 0);
  EXPECT_EQ(ApplyTokenReply({{"token_type", "bearer"}}, 1000, &profile).code(), Code::kInternal);
}

}  // namespace
}  // namespace mart::cli
