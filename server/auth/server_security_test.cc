#include "server/auth/server_security.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::auth {
namespace {

using ::testing::HasSubstr;

TEST(IsLoopbackAddressTest, LoopbackForms) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:8470"));
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:0"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3:1"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:8470"));
  EXPECT_TRUE(IsLoopbackAddress("LOCALHOST:8470"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:8470"));
  EXPECT_TRUE(IsLoopbackAddress("ipv4:127.0.0.1:8470"));
  EXPECT_TRUE(IsLoopbackAddress("unix:/run/cov.sock"));
  EXPECT_TRUE(IsLoopbackAddress("unix-abstract:cov"));
}

TEST(IsLoopbackAddressTest, NetworkForms) {
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:8470"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:8470"));
  EXPECT_FALSE(IsLoopbackAddress(":8470"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.5:8470"));
  EXPECT_FALSE(IsLoopbackAddress("cov.example.com:8470"));
  // Looks like loopback, is a host name.
  EXPECT_FALSE(IsLoopbackAddress("127.example.com:8470"));
  EXPECT_FALSE(IsLoopbackAddress("127.0.0.1.example.com:8470"));
  EXPECT_FALSE(IsLoopbackAddress("localhost.example.com:8470"));
  EXPECT_FALSE(IsLoopbackAddress("[::1.2]:8470"));
  EXPECT_FALSE(IsLoopbackAddress("8470"));
}

TEST(CheckExposureTest, Rules) {
  EXPECT_TRUE(CheckExposure("127.0.0.1:1", false, false, false).ok());
  EXPECT_TRUE(CheckExposure("0.0.0.0:1", true, true, false).ok());
  EXPECT_TRUE(CheckExposure("0.0.0.0:1", false, false, true).ok());
  absl::Status none = CheckExposure("0.0.0.0:1", false, false, false);
  EXPECT_EQ(none.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(none.message()),
              HasSubstr("refusing to listen on 0.0.0.0:1"));
  EXPECT_THAT(std::string(none.message()), HasSubstr("--tls_cert"));
  EXPECT_THAT(std::string(none.message()), HasSubstr("--tokens"));
  EXPECT_THAT(std::string(none.message()), HasSubstr("--insecure"));
  absl::Status tls_only = CheckExposure("[::]:1", true, false, false);
  EXPECT_EQ(tls_only.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(tls_only.message()),
              HasSubstr("--tokens FILE) is not"));
  EXPECT_THAT(std::string(tls_only.message()),
              ::testing::Not(HasSubstr("--tls_cert")));
  EXPECT_EQ(CheckExposure("[::]:1", false, true, false).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(MakeServerCredentialsTest, InsecureWithoutFiles) {
  auto creds = MakeServerCredentials({});
  ASSERT_TRUE(creds.ok());
  EXPECT_NE(*creds, nullptr);
}

TEST(MakeServerCredentialsTest, ArgumentErrors) {
  std::string dir = getenv("TEST_TMPDIR");
  std::ofstream(dir + "/not.pem") << "hello\n";
  std::ofstream(dir + "/a.pem") << "-----BEGIN CERTIFICATE-----\nx\n";
  EXPECT_EQ(MakeServerCredentials({dir + "/a.pem", "", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeServerCredentials({"", dir + "/a.pem", ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeServerCredentials({"", "", dir + "/a.pem"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status missing =
      MakeServerCredentials({dir + "/absent.pem", dir + "/a.pem", ""}).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("absent.pem"));
  absl::Status not_pem =
      MakeServerCredentials({dir + "/a.pem", dir + "/not.pem", ""}).status();
  EXPECT_EQ(not_pem.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(not_pem.message()), HasSubstr("not a PEM file"));
  auto tls = MakeServerCredentials({dir + "/a.pem", dir + "/a.pem", ""});
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_NE(*tls, nullptr);
}

}  // namespace
}  // namespace cov::server::auth
