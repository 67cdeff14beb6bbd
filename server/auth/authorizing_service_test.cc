#include "server/auth/authorizing_service.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace cov::server::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Answers every RPC with OK and records which one ran.
class RecordingService final : public cov::v1::CovService::CallbackService {
 public:
#define COV_TEST_RECORD(method, request, response, role)             \
  grpc::ServerUnaryReactor* method(grpc::CallbackServerContext* ctx, \
                                   const cov::v1::request*,          \
                                   cov::v1::response*) override {    \
    Record(#method);                                                 \
    auto* r = ctx->DefaultReactor();                                 \
    r->Finish(grpc::Status::OK);                                     \
    return r;                                                        \
  }
  COV_AUTH_COVSERVICE_METHODS(COV_TEST_RECORD)
#undef COV_TEST_RECORD

  std::vector<std::string> TakeCalls() {
    absl::MutexLock l(&mu_);
    return std::move(calls_);
  }

 private:
  void Record(const char* m) {
    absl::MutexLock l(&mu_);
    calls_.push_back(m);
  }
  absl::Mutex mu_;
  std::vector<std::string> calls_;
};

class AuthorizingServiceTest : public ::testing::Test {
 protected:
  void Start(const TokenStore* tokens) {
    service_ = std::make_unique<AuthorizingCovService>(&inner_, tokens);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = cov::v1::CovService::NewStub(
        server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // Calls `method` through the typed stub with an optional bearer token.
  grpc::Status Call(const std::string& method, const std::string& token) {
#define COV_TEST_CALL(name, request, response, role)                         \
  if (method == #name) {                                                     \
    grpc::ClientContext ctx;                                                 \
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token); \
    cov::v1::response resp;                                                  \
    return stub_->name(&ctx, cov::v1::request(), &resp);                     \
  }
    COV_AUTH_COVSERVICE_METHODS(COV_TEST_CALL)
#undef COV_TEST_CALL
    return grpc::Status(grpc::StatusCode::INTERNAL, "no such method");
  }

  RecordingService inner_;
  std::unique_ptr<AuthorizingCovService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<cov::v1::CovService::Stub> stub_;
};

TokenStore Tokens() {
  absl::StatusOr<TokenStore> t = TokenStore::Parse(
      absl::StrCat("read ", Sha256Hex("r"), " reader\nwrite ", Sha256Hex("w"),
                   " writer\nadmin ", Sha256Hex("a"), " boss\n"),
      "t");
  EXPECT_TRUE(t.ok());
  return *std::move(t);
}

TEST_F(AuthorizingServiceTest, OffForwardsEveryMethodToItsHandler) {
  Start(nullptr);
  for (const MethodRole& row : MethodRoles()) {
    grpc::Status s = Call(row.method, "");
    EXPECT_TRUE(s.ok()) << row.method << ": " << s.error_message();
    EXPECT_THAT(inner_.TakeCalls(), ElementsAre(row.method));
  }
}

TEST_F(AuthorizingServiceTest, AdminReachesEveryMethod) {
  TokenStore tokens = Tokens();
  Start(&tokens);
  for (const MethodRole& row : MethodRoles()) {
    EXPECT_TRUE(Call(row.method, "a").ok()) << row.method;
    EXPECT_THAT(inner_.TakeCalls(), ElementsAre(row.method));
  }
}

TEST_F(AuthorizingServiceTest, DeniedCallsNeverReachTheHandler) {
  TokenStore tokens = Tokens();
  Start(&tokens);
  for (const MethodRole& row : MethodRoles()) {
    grpc::Status none = Call(row.method, "");
    EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << row.method;
    grpc::Status wrong = Call(row.method, "x");
    EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << row.method;
    EXPECT_EQ(wrong.error_message(), "invalid bearer token");
    EXPECT_THAT(inner_.TakeCalls(), IsEmpty()) << row.method;

    grpc::Status read = Call(row.method, "r");
    grpc::Status write = Call(row.method, "w");
    if (row.role == Role::kRead) {
      EXPECT_TRUE(read.ok()) << row.method;
      EXPECT_TRUE(write.ok()) << row.method;
      EXPECT_THAT(inner_.TakeCalls(), ElementsAre(row.method, row.method));
    } else if (row.role == Role::kWrite) {
      EXPECT_EQ(read.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << row.method;
      EXPECT_EQ(read.error_message(),
                absl::StrCat("token 'reader' has role read; ", row.method,
                             " needs role write"));
      EXPECT_TRUE(write.ok()) << row.method;
      EXPECT_THAT(inner_.TakeCalls(), ElementsAre(row.method));
    } else {
      // Backups and restores: only admin tokens.
      EXPECT_EQ(read.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << row.method;
      EXPECT_EQ(write.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << row.method;
      EXPECT_EQ(write.error_message(),
                absl::StrCat("token 'writer' has role write; ", row.method,
                             " needs role admin"));
      EXPECT_THAT(inner_.TakeCalls(), IsEmpty()) << row.method;
      EXPECT_TRUE(Call(row.method, "a").ok()) << row.method;
      EXPECT_THAT(inner_.TakeCalls(), ElementsAre(row.method));
    }
  }
}

}  // namespace
}  // namespace cov::server::auth
