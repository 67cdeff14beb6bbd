// The one service class in process, over in-memory stores: every RPC of the
// role table passes through Guard (authentication, roles, replicas) and
// reaches its handler.
#include "server/service/cov_service.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/auth/method_roles.h"
#include "server/kb/test_store.h"
#include "server/store/memory_store.h"
#include "tests/temp_dir.h"

namespace cov::server::service {
namespace {

using auth::MethodRole;
using auth::MethodRoles;
using auth::Role;

std::string TempDir(const std::string& name) {
  return cov::testing::FreshTempPath("svc-" + name);
}

auth::TokenStore Tokens() {
  absl::StatusOr<auth::TokenStore> t = auth::TokenStore::Parse(
      absl::StrCat("read ", auth::Sha256Hex("r"), " reader\nwrite ",
                   auth::Sha256Hex("w"), " writer\nadmin ",
                   auth::Sha256Hex("a"), " boss\n"),
      "t");
  EXPECT_TRUE(t.ok());
  return *std::move(t);
}

class CovServiceTest : public ::testing::Test {
 protected:
  void Start(const auth::TokenStore* tokens, const std::string& snapshot = "") {
    LiveStore::Options o;
    o.db_dir = TempDir(snapshot.empty() ? "primary" : "replica");
    o.snapshot_from = snapshot;
    auto live = LiveStore::Open(o, &factory_);
    ASSERT_TRUE(live.ok()) << live.status();
    live_ = *std::move(live);
    service_ = std::make_unique<CovService>(live_.get(), tokens);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = server_->InProcessChannel(grpc::ChannelArguments());
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // Calls `method` with an empty request and an optional bearer token.
  grpc::Status Call(const std::string& method, const std::string& token) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    // An empty message: zero bytes (a default ByteBuffer is no message).
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(&ctx, absl::StrCat("/cov.v1.CovService/", method),
                   grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) {
                     status = std::move(s);
                     done.Notify();
                   });
    done.WaitForNotification();
    return status;
  }

  // Neither an authentication nor a routing answer: the handler ran.
  static bool Reached(const grpc::Status& s) {
    return s.error_code() != grpc::StatusCode::UNAUTHENTICATED &&
           s.error_code() != grpc::StatusCode::PERMISSION_DENIED &&
           s.error_code() != grpc::StatusCode::UNIMPLEMENTED;
  }

  int Experiments() {
    int n = 0;
    EXPECT_TRUE(live_->Current()
                    ->store
                    ->ForEachExperiment([&](const cov::v1::Experiment&) {
                      ++n;
                      return true;
                    })
                    .ok());
    return n;
  }

  store::MemoryStoreFactory factory_;
  std::unique_ptr<LiveStore> live_;
  std::unique_ptr<CovService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(CovServiceTest, WithoutTokensEveryRpcReachesItsHandler) {
  Start(nullptr);
  for (const MethodRole& row : MethodRoles()) {
    grpc::Status s = Call(row.method, "");
    EXPECT_TRUE(Reached(s)) << row.method << ": " << s.error_message();
  }
}

TEST_F(CovServiceTest, RolesGateEveryRpcBeforeItsHandler) {
  auth::TokenStore tokens = Tokens();
  Start(&tokens);
  for (const MethodRole& row : MethodRoles()) {
    EXPECT_EQ(Call(row.method, "").error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << row.method;
    grpc::Status wrong = Call(row.method, "x");
    EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << row.method;
    EXPECT_EQ(wrong.error_message(), "invalid bearer token");
    grpc::Status read = Call(row.method, "r");
    grpc::Status write = Call(row.method, "w");
    EXPECT_TRUE(Reached(Call(row.method, "a"))) << row.method;
    if (row.role == Role::kRead) {
      EXPECT_TRUE(Reached(read)) << row.method;
      EXPECT_TRUE(Reached(write)) << row.method;
    } else if (row.role == Role::kWrite) {
      EXPECT_EQ(read.error_message(),
                absl::StrCat("token 'reader' has role read; ", row.method,
                             " needs role write"));
      EXPECT_TRUE(Reached(write)) << row.method;
    } else {
      EXPECT_EQ(read.error_code(), grpc::StatusCode::PERMISSION_DENIED);
      EXPECT_EQ(write.error_message(),
                absl::StrCat("token 'writer' has role write; ", row.method,
                             " needs role admin"));
    }
  }
}

TEST_F(CovServiceTest, ADeniedWriteChangesNothing) {
  auth::TokenStore tokens = Tokens();
  Start(&tokens);
  kb::testing::PutSmallRelease(live_->Current()->store.get());
  cov::v1::StartExperimentRequest req;
  req.set_name("e");
  req.mutable_plan()->mutable_techniques()->add_ids("T1197");
  auto stub = cov::v1::CovService::NewStub(channel_);
  for (const std::string token : {"", "r", "w"}) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    cov::v1::Experiment out;
    grpc::Status s = stub->StartExperiment(&ctx, req, &out);
    EXPECT_EQ(s.ok(), token == "w") << token << ": " << s.error_message();
    EXPECT_EQ(Experiments(), token == "w" ? 1 : 0) << token;
  }
}

TEST_F(CovServiceTest, AReplicaRefusesWritesAndServesReads) {
  Start(nullptr, TempDir("snapshots"));
  for (const MethodRole& row : MethodRoles()) {
    grpc::Status s = Call(row.method, "");
    // DeleteRelease is admin but changes the store: a replica refuses it.
    if (row.role == Role::kWrite || row.method == "DeleteRelease") {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << row.method;
      EXPECT_THAT(s.error_message(),
                  ::testing::HasSubstr(
                      absl::StrCat("send ", row.method, " to the primary")));
    } else {
      EXPECT_TRUE(Reached(s)) << row.method;
    }
  }
}

TEST_F(CovServiceTest, DeleteReleaseAndExperimentHandlers) {
  Start(nullptr);
  store::Store* store = live_->Current()->store.get();
  kb::testing::PutSmallRelease(store, "17.1");
  kb::testing::PutSmallRelease(store, "18.1");
  auto stub = cov::v1::CovService::NewStub(channel_);
  cov::v1::DeleteReleaseRequest req;
  req.mutable_release()->set_version("17.1");
  req.mutable_new_default()->set_version("18.1");
  {
    grpc::ClientContext ctx;
    cov::v1::DeleteReleaseResponse resp;
    grpc::Status s = stub->DeleteRelease(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.release().version(), "17.1");
    EXPECT_EQ(resp.new_default().version(), "18.1");
    ASSERT_EQ(resp.remaining_size(), 1);
    EXPECT_TRUE(resp.remaining(0).is_default());
  }
  {
    grpc::ClientContext ctx;
    cov::v1::DeleteReleaseResponse resp;
    grpc::Status s = stub->DeleteRelease(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(s.error_message(),
              "no ATT&CK release 17.1 in the store; stored: "
              "enterprise-attack@18.1");
  }
  {
    grpc::ClientContext ctx;
    cov::v1::DeleteExperimentRequest del;
    del.set_id("EXP-000042");
    cov::v1::DeleteExperimentResponse resp;
    grpc::Status s = stub->DeleteExperiment(&ctx, del, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(s.error_message(), "no experiment 'EXP-000042'");
  }
}

TEST_F(CovServiceTest, HandlersAnswerFromTheCurrentStore) {
  Start(nullptr);
  kb::testing::PutSmallRelease(live_->Current()->store.get());
  kb::testing::PutRules(live_->Current()->store.get(), "sigma",
                        {{"r1", "T1197"}});
  auto stub = cov::v1::CovService::NewStub(channel_);
  grpc::ClientContext ctx;
  cov::v1::CoverageResponse coverage;
  ASSERT_TRUE(
      stub->GetCoverage(&ctx, cov::v1::CoverageRequest(), &coverage).ok());
  EXPECT_EQ(coverage.potential(), 3);
  EXPECT_EQ(coverage.covered(), 1);
  grpc::ClientContext ctx2;
  cov::v1::GetTechniqueRequest t;
  t.set_id("");
  cov::v1::Technique technique;
  EXPECT_EQ(stub->GetTechnique(&ctx2, t, &technique).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CovServiceTest, CachedReadsAreDroppedByEveryWrite) {
  Start(nullptr);
  kb::testing::PutSmallRelease(live_->Current()->store.get());
  auto stub = cov::v1::CovService::NewStub(channel_);
  auto list = [&] {
    grpc::ClientContext ctx;
    cov::v1::ListExperimentsResponse out;
    EXPECT_TRUE(
        stub->ListExperiments(&ctx, cov::v1::ListExperimentsRequest(), &out)
            .ok());
    return out.experiments_size();
  };
  const ReadCache& cache = live_->Current()->backend->read_cache;
  EXPECT_EQ(list(), 0);
  EXPECT_EQ(list(), 0);
  EXPECT_EQ(cache.stats().hits, 1u);
  cov::v1::StartExperimentRequest req;
  req.set_name("e");
  req.mutable_plan()->mutable_techniques()->add_ids("T1197");
  grpc::ClientContext ctx;
  cov::v1::Experiment started;
  ASSERT_TRUE(stub->StartExperiment(&ctx, req, &started).ok());
  EXPECT_EQ(list(), 1);  // not the cached 0
  EXPECT_EQ(list(), 1);
  EXPECT_EQ(cache.stats().hits, 2u);
  // A refused write fences too (it may have changed something first).
  EXPECT_FALSE(Call("DeleteExperiment", "").ok());
  EXPECT_EQ(list(), 1);
  EXPECT_EQ(cache.stats().hits, 2u);
}

TEST_F(CovServiceTest, ACachedReadRefusesBytesThatAreNotItsRequest) {
  Start(nullptr);
  grpc::GenericStub stub(channel_);
  grpc::ClientContext ctx;
  grpc::Slice junk(std::string("\xff\xff\xff"));
  grpc::ByteBuffer request(&junk, 1), response;
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(&ctx, "/cov.v1.CovService/GetTechnique", grpc::StubOptions(),
                 &request, &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "the request is not a valid cov.v1.GetTechniqueRequest");
}

}  // namespace
}  // namespace cov::server::service
