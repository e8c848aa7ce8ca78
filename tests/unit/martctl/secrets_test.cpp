#include "martctl/local/secrets.h"

#include <gtest/gtest.h>

#include "test_io.h"

namespace mart::cli {
namespace {

using nlohmann::json;

TEST(SecretsTest, PasswordStdinReadsOneLinePerSecretInOrder) {
  testing::TestIo test;
  test.in.str("old-pass\r\nnew-pass\n");
  Io io = test.MakeIo();
  json params = json::object();
  ASSERT_TRUE(
      ReadSecrets(*FindCommand("profile.password"), {"new_password"}, true, io, &params).ok());
  EXPECT_EQ(params, (json{{"current_password", "old-pass"}, {"new_password", "new-pass"}}));
  EXPECT_TRUE(test.prompts.empty());
}

TEST(SecretsTest, AMissingStdinLineIsAnError) {
  testing::TestIo test;
  test.in.str("only-one\n");
  Io io = test.MakeIo();
  json params = json::object();
  Status status = ReadSecrets(*FindCommand("profile.password"), {}, true, io, &params);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_NE(status.message().find("new_password"), std::string::npos);
}

TEST(SecretsTest, ATerminalIsPromptedAndConfirmsWhereAsked) {
  testing::TestIo test;
  test.stdin_tty = true;
  test.typed = {"Secret123", "Secret123"};
  Io io = test.MakeIo();
  json params = {{"email", "a@b.c"}};
  ASSERT_TRUE(ReadSecrets(*FindCommand("auth.register"), {"password"}, false, io, &params).ok());
  EXPECT_EQ(params["password"], "Secret123");
  EXPECT_EQ(test.prompts, (std::vector<std::string>{"Password: ", "Repeat password: "}));
}

TEST(SecretsTest, AConfirmationThatDiffersIsRefused) {
  testing::TestIo test;
  test.stdin_tty = true;
  test.typed = {"current", "New12345", "New12346"};
  Io io = test.MakeIo();
  json params = json::object();
  Status status =
      ReadSecrets(*FindCommand("profile.password"), {"new_password"}, false, io, &params);
  EXPECT_EQ(status.ToString(), "the passwords do not match [INVALID_ARGUMENT]");
  EXPECT_EQ(test.prompts, (std::vector<std::string>{
                              "Current password: ", "New password: ", "Repeat new password: "}));
}

TEST(SecretsTest, WithoutATerminalOrStdinTheUserIsToldHow) {
  testing::TestIo test;
  Io io = test.MakeIo();
  json params = json::object();
  Status status = ReadSecrets(*FindCommand("auth.login"), {}, false, io, &params);
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_NE(status.message().find("--password-stdin"), std::string::npos);
}

TEST(SecretsTest, SecretsAlreadyGivenAreNotAskedFor) {
  testing::TestIo test;
  Io io = test.MakeIo();
  json params = {{"refresh_token", "r"}};
  EXPECT_TRUE(ReadSecrets(*FindCommand("auth.refresh"), {}, false, io, &params).ok());
}

TEST(SecretsTest, PromptNames) {
  EXPECT_EQ(PromptFor("password"), "Password: ");
  EXPECT_EQ(PromptFor("current_password"), "Current password: ");
}

}  // namespace
}  // namespace mart::cli
