#include "services/password.h"

#include <gtest/gtest.h>

#include <string>

namespace mart {
namespace {

void ExpectPolicyError(std::string_view password, const std::string& message,
                       std::string_view field = "password") {
  Status status = CheckPasswordPolicy(password, field);
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << password;
  EXPECT_EQ(status.message(), message) << password;
  EXPECT_EQ(status.details(), (nlohmann::json{{"field", field}})) << password;
}

TEST(PasswordPolicyTest, AcceptsEightCharactersWithUpperLowerAndDigit) {
  EXPECT_TRUE(CheckPasswordPolicy("Password123").ok());
  EXPECT_TRUE(CheckPasswordPolicy("Abcdefg1").ok());  // exactly 8
  EXPECT_TRUE(CheckPasswordPolicy("Sp ace 1 \xc3\xa9 ok").ok());
}

TEST(PasswordPolicyTest, NamesTheFirstRuleBroken) {
  ExpectPolicyError("", "password must be at least 8 characters long");
  ExpectPolicyError("Abcdef1", "password must be at least 8 characters long");
  ExpectPolicyError("password123", "password must contain at least one uppercase letter");
  ExpectPolicyError("PASSWORD123", "password must contain at least one lowercase letter");
  ExpectPolicyError("Passwordxyz", "password must contain at least one digit");
  // Shortness is reported before the other rules.
  ExpectPolicyError("abc", "password must be at least 8 characters long");
}

TEST(PasswordPolicyTest, UsesTheGivenFieldName) {
  ExpectPolicyError("short", "new_password must be at least 8 characters long", "new_password");
}

TEST(PasswordPolicyTest, NonAsciiLettersDoNotCountAsUpperOrLower) {
  // "É" is upper case, but not an ASCII one; the rule is about ASCII letters.
  ExpectPolicyError(
      "\xc3\x89"
      "abcdefg1",
      "password must contain at least one uppercase letter");
}

TEST(PasswordHashTest, HashVerifiesAndRejectsWrongPasswords) {
  Result<std::string> hash = HashPassword("Password123", PasswordCost::kMinimum);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("Password123"), std::string::npos);
  EXPECT_TRUE(VerifyPassword("Password123", *hash));
  EXPECT_FALSE(VerifyPassword("password123", *hash));
  EXPECT_FALSE(VerifyPassword("Password1234", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
}

TEST(PasswordHashTest, EachHashHasItsOwnSalt) {
  std::string first = HashPassword("Password123", PasswordCost::kMinimum).value();
  std::string second = HashPassword("Password123", PasswordCost::kMinimum).value();
  EXPECT_NE(first, second);
  EXPECT_TRUE(VerifyPassword("Password123", first));
  EXPECT_TRUE(VerifyPassword("Password123", second));
}

TEST(PasswordHashTest, PasswordsWithNulBytesAreHashedWhole) {
  const std::string with_nul("Pass\0word1", 10);
  std::string hash = HashPassword(with_nul, PasswordCost::kMinimum).value();
  EXPECT_TRUE(VerifyPassword(with_nul, hash));
  EXPECT_FALSE(VerifyPassword("Pass", hash));
}

TEST(PasswordHashTest, GarbageHashNeverVerifies) {
  EXPECT_FALSE(VerifyPassword("Password123", ""));
  EXPECT_FALSE(VerifyPassword("Password123", "not a hash"));
  EXPECT_FALSE(VerifyPassword("Password123", "$argon2id$v=19$m=8,t=1,p=1$AAAA$BBBB"));
}

}  // namespace
}  // namespace mart
