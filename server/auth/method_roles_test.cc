#include "server/auth/method_roles.h"

#include <set>
#include <string>

#include "cov/v1/cov.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace cov::server::auth {
namespace {

using ::testing::UnorderedElementsAreArray;

TEST(MethodRolesTest, TableCoversExactlyTheServiceMethods) {
  const google::protobuf::ServiceDescriptor* service =
      cov::v1::IngestAttackRequest::descriptor()->file()->FindServiceByName(
          "CovService");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->full_name(), std::string(kCovServiceName));
  std::set<std::string> from_proto;
  for (int i = 0; i < service->method_count(); ++i) {
    from_proto.insert(service->method(i)->name());
  }
  std::set<std::string> from_table;
  for (const MethodRole& row : MethodRoles()) {
    EXPECT_TRUE(from_table.insert(row.method).second)
        << "twice: " << row.method;
  }
  EXPECT_THAT(from_table, UnorderedElementsAreArray(from_proto));
}

TEST(MethodRolesTest, EveryRpcIsUnary) {
  // The service's Guard and handlers assume unary calls.
  const google::protobuf::ServiceDescriptor* service =
      cov::v1::IngestAttackRequest::descriptor()->file()->FindServiceByName(
          "CovService");
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* m = service->method(i);
    EXPECT_FALSE(m->client_streaming() || m->server_streaming()) << m->name();
  }
}

TEST(MethodRolesTest, WritesNeedWriteAndReadsNeedRead) {
  for (const char* m :
       {"IngestAttack", "IngestRules", "IngestLibrary", "SetDefaultRelease",
        "StartExperiment", "RecordResult", "ImportAlerts", "DeleteSource",
        "DeleteExperiment", "Replay", "ReplayExperiment", "ReplayDatasets",
        "Scan", "ScanExperiment"}) {
    EXPECT_EQ(RequiredRole(m), Role::kWrite) << m;
  }
  for (const char* m :
       {"ListReleases", "GetTechnique", "GetActor", "Search", "GetStats",
        "ListSources", "ListRuleErrors", "ListRules", "GetCoverage", "GetGaps",
        "ExportLayer", "InferProfile", "GetPlan", "GetExperiment",
        "ListExperiments", "CheckRules", "FixRules"}) {
    EXPECT_EQ(RequiredRole(m), Role::kRead) << m;
  }
  for (const char* m :
       {"CreateBackup", "ListBackups", "RestoreBackup", "DeleteRelease"}) {
    EXPECT_EQ(RequiredRole(m), Role::kAdmin) << m;
  }
  EXPECT_EQ(MethodRoles().size(), 35u);
}

TEST(MethodRolesTest, FullPathsAndUnknownMethods) {
  EXPECT_EQ(RequiredRole("/cov.v1.CovService/IngestAttack"), Role::kWrite);
  EXPECT_EQ(RequiredRole("/cov.v1.CovService/GetTechnique"), Role::kRead);
  // Unknown methods and other services' paths fail closed.
  EXPECT_EQ(RequiredRole("/cov.v1.CovService/Backup"), Role::kAdmin);
  EXPECT_EQ(RequiredRole("Backup"), Role::kAdmin);
  EXPECT_EQ(RequiredRole("/other.Service/GetTechnique"), Role::kAdmin);
  EXPECT_EQ(RequiredRole(""), Role::kAdmin);
  EXPECT_EQ(RequiredRole("getTechnique"), Role::kAdmin);  // case matters
}

TEST(MethodRolesTest, RolesAreHierarchical) {
  EXPECT_TRUE(Allows(Role::kAdmin, Role::kAdmin));
  EXPECT_TRUE(Allows(Role::kAdmin, Role::kWrite));
  EXPECT_TRUE(Allows(Role::kAdmin, Role::kRead));
  EXPECT_TRUE(Allows(Role::kWrite, Role::kWrite));
  EXPECT_TRUE(Allows(Role::kWrite, Role::kRead));
  EXPECT_FALSE(Allows(Role::kWrite, Role::kAdmin));
  EXPECT_TRUE(Allows(Role::kRead, Role::kRead));
  EXPECT_FALSE(Allows(Role::kRead, Role::kWrite));
  EXPECT_FALSE(Allows(Role::kRead, Role::kAdmin));
}

TEST(MethodRolesTest, ParseAndNameRoundTrip) {
  for (Role r : {Role::kRead, Role::kWrite, Role::kAdmin}) {
    absl::StatusOr<Role> parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(RoleName(Role::kWrite), "write");
  EXPECT_EQ(ParseRole("Admin").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRole("root").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ParseRole("root").status().message()),
              ::testing::HasSubstr("'root'"));
}

}  // namespace
}  // namespace cov::server::auth
