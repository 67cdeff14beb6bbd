#include "server/auth/authorize.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TokenStore Tokens() {
  absl::StatusOr<TokenStore> t =
      TokenStore::Parse(absl::StrCat("read ", Sha256Hex("r-tok"), " reader\n",
                                     "write ", Sha256Hex("w-tok"), " writer\n",
                                     "admin ", Sha256Hex("a-tok"), " boss\n"),
                        "t");
  EXPECT_TRUE(t.ok()) << t.status();
  return *std::move(t);
}

absl::StatusCode Code(const absl::StatusOr<std::string>& r) {
  return r.status().code();
}

TEST(AuthorizeTest, OffWhenNoTokensAreConfigured) {
  absl::StatusOr<std::string> who = Authorize(nullptr, {}, "IngestAttack");
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(*who, "anonymous");
  EXPECT_TRUE(Authorize(nullptr, {"Bearer junk"}, "IngestAttack").ok());
}

TEST(AuthorizeTest, MissingMalformedAndWrongTokensAreUnauthenticated) {
  TokenStore t = Tokens();
  auto k = absl::StatusCode::kUnauthenticated;
  EXPECT_EQ(Code(Authorize(&t, {}, "GetTechnique")), k);
  EXPECT_THAT(std::string(Authorize(&t, {}, "GetTechnique").status().message()),
              HasSubstr("missing bearer token"));
  EXPECT_EQ(Code(Authorize(&t, {"r-tok"}, "GetTechnique")), k);
  EXPECT_EQ(Code(Authorize(&t, {"Basic r-tok"}, "GetTechnique")), k);
  EXPECT_EQ(Code(Authorize(&t, {"Bearer "}, "GetTechnique")), k);
  EXPECT_EQ(Code(Authorize(&t, {"Bearer   "}, "GetTechnique")), k);
  EXPECT_EQ(Code(Authorize(&t, {"Bearer r-tok2"}, "GetTechnique")), k);
  EXPECT_EQ(Code(Authorize(&t, {"Bearer R-TOK"}, "GetTechnique")), k);
  EXPECT_EQ(
      Code(Authorize(&t, {"Bearer r-tok", "Bearer a-tok"}, "GetTechnique")), k);
  absl::StatusOr<std::string> wrong =
      Authorize(&t, {"Bearer not-a-token"}, "GetTechnique");
  EXPECT_EQ(std::string(wrong.status().message()), "invalid bearer token");
  EXPECT_THAT(std::string(wrong.status().message()),
              Not(HasSubstr("not-a-token")));
}

TEST(AuthorizeTest, RolesAreHierarchical) {
  TokenStore t = Tokens();
  // read
  EXPECT_EQ(*Authorize(&t, {"Bearer r-tok"}, "GetTechnique"), "reader");
  absl::StatusOr<std::string> denied =
      Authorize(&t, {"Bearer r-tok"}, "/cov.v1.CovService/IngestAttack");
  EXPECT_EQ(Code(denied), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(denied.status().message()),
            "token 'reader' has role read; IngestAttack needs role write");
  // write
  EXPECT_EQ(*Authorize(&t, {"Bearer w-tok"}, "GetTechnique"), "writer");
  EXPECT_EQ(*Authorize(&t, {"bearer w-tok"}, "IngestRules"), "writer");
  EXPECT_EQ(Code(Authorize(&t, {"Bearer w-tok"}, "Backup")),
            absl::StatusCode::kPermissionDenied);
  // admin
  EXPECT_EQ(*Authorize(&t, {"Bearer a-tok"}, "GetTechnique"), "boss");
  EXPECT_EQ(*Authorize(&t, {"BEARER a-tok"}, "IngestLibrary"), "boss");
  EXPECT_EQ(*Authorize(&t, {"Bearer a-tok"}, "Backup"), "boss");
}

}  // namespace
}  // namespace cov::server::auth
