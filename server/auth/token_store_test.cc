#include "server/auth/token_store.h"

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::auth {
namespace {

using ::testing::HasSubstr;

// printf %s test | sha256sum; printf '' | sha256sum.
constexpr char kTestHash[] =
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
constexpr char kEmptyHash[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex("test"), kTestHash);
  EXPECT_EQ(Sha256Hex(""), kEmptyHash);
  // FIPS 180-2 "abc".
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Digest d = Sha256("abc");
  EXPECT_EQ(d[0], 0xba);
  EXPECT_EQ(d[31], 0xad);
  EXPECT_EQ(DigestHex(d), Sha256Hex("abc"));
}

TEST(TokenStoreTest, ParsesRolesNamesCommentsAndBlankLines) {
  std::string text = absl::StrCat(
      "# cov tokens\n"
      "\n"
      "read ",
      kTestHash, " grafana\n", "  write\t", Sha256Hex("w-token"),
      "  ci-bot  \r\n", "admin ", absl::AsciiStrToUpper(Sha256Hex("a-token")),
      " ops\n");
  absl::StatusOr<TokenStore> store = TokenStore::Parse(text, "tokens");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_EQ(store->entries().size(), 3u);
  EXPECT_EQ(store->entries()[0].name, "grafana");
  EXPECT_EQ(store->entries()[0].role, Role::kRead);
  EXPECT_EQ(DigestHex(store->entries()[0].hash), kTestHash);
  EXPECT_EQ(store->entries()[1].name, "ci-bot");
  EXPECT_EQ(store->entries()[1].role, Role::kWrite);
  EXPECT_EQ(store->entries()[2].role, Role::kAdmin);
  EXPECT_EQ(DigestHex(store->entries()[2].hash), Sha256Hex("a-token"));
  EXPECT_EQ(store->Count(Role::kRead), 1);
  EXPECT_EQ(store->Count(Role::kWrite), 1);
  EXPECT_EQ(store->Count(Role::kAdmin), 1);
}

TEST(TokenStoreTest, FindMatchesOnlyTheExactToken) {
  std::string text = absl::StrCat("read ", kTestHash, " grafana\n", "admin ",
                                  Sha256Hex("a-token"), " ops\n");
  absl::StatusOr<TokenStore> store = TokenStore::Parse(text, "tokens");
  ASSERT_TRUE(store.ok()) << store.status();
  const TokenEntry* e = store->Find("test");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "grafana");
  e = store->Find("a-token");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "ops");
  EXPECT_EQ(store->Find("test "), nullptr);
  EXPECT_EQ(store->Find("Test"), nullptr);
  EXPECT_EQ(store->Find(""), nullptr);
  // The hash itself is not a token.
  EXPECT_EQ(store->Find(kTestHash), nullptr);
}

TEST(TokenStoreTest, RejectsMalformedLinesWithPosition) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::string h = kTestHash;
  for (const Case& c : std::vector<Case>{
           {"read " + h + "\n",
            "tokens:1: expected `<role> <sha256 hex> <name>`, got 2"},
           {"# c\nread " + h + " a b\n", "tokens:2: expected"},
           {"owner " + h + " a\n", "tokens:1: unknown role 'owner'"},
           {"read s3cr3t a\n",
            "tokens:1: the second field must be the token's SHA-256"},
           {"read " + h.substr(1) + " a\n", "64 hex digits"},
           {"read " + h.substr(1) + "g a\n", "64 hex digits"},
           {"read " + h + " a\nwrite " + h + " b\n",
            "tokens:2: the same token hash is listed twice"},
           {"read " + h + " a\nwrite " + Sha256Hex("x") + " a\n",
            "tokens:2: the name 'a' is used twice"},
           {"", "tokens: no token configured"},
           {"# only a comment\n\n", "tokens: no token configured"},
       }) {
    absl::StatusOr<TokenStore> store = TokenStore::Parse(c.text, "tokens");
    ASSERT_FALSE(store.ok()) << c.text;
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Msg(store.status()), HasSubstr(c.expected)) << c.text;
  }
}

TEST(TokenStoreTest, LoadReadsAFileAndReportsMissingOnes) {
  std::string path = std::string(getenv("TEST_TMPDIR")) + "/tokens";
  std::ofstream(path) << "write " << Sha256Hex("w") << " writer\n";
  absl::StatusOr<TokenStore> store = TokenStore::Load(path);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_NE(store->Find("w"), nullptr);
  EXPECT_EQ(store->Find("w")->role, Role::kWrite);

  absl::StatusOr<TokenStore> missing = TokenStore::Load(path + ".absent");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Msg(missing.status()), HasSubstr("tokens.absent"));

  std::ofstream(path) << "read nothex writer\n";
  absl::StatusOr<TokenStore> bad = TokenStore::Load(path);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(bad.status()), HasSubstr(path + ":1:"));
}

}  // namespace
}  // namespace cov::server::auth
