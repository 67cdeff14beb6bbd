#include "server/engine/plan.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::engine {
namespace {

// Issue 15 item 6: `cov plan --technique T1685` against 18.1 says the ID is
// unknown to the loaded release and may be newer ATT&CK.
TEST(PlanTest, UnknownTechniqueSaysItMayBeNewerAttack) {
  cov::v1::Tactic tactic;
  tactic.set_id("TA0003");
  tactic.set_shortname("persistence");
  cov::v1::Technique bits;
  bits.set_id("T1197");
  bits.set_name("BITS Jobs");
  bits.add_tactics("persistence");
  cov::v1::Release rel;
  rel.set_domain("enterprise-attack");
  rel.set_version("18.1");
  const KnowledgeBase kb("enterprise-attack@18.1", rel, {tactic}, {bits}, {},
                         {}, {});
  PlanInputs in;
  in.kb = &kb;
  cov::v1::PlanRequest req;
  req.mutable_techniques()->add_ids("T1685");
  absl::StatusOr<cov::v1::PlanResponse> plan = BuildPlan(in, req);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(plan.status().message(),
            "technique T1685 is not in ATT&CK enterprise-attack@18.1: unknown "
            "to the loaded release (it may be from a newer ATT&CK; load that "
            "release with `cov ingest attack` and pass --attack_version)");
  req.mutable_techniques()->set_ids(0, "T1197");
  plan = BuildPlan(in, req);
  EXPECT_TRUE(plan.ok()) << plan.status();
}

}  // namespace
}  // namespace cov::server::engine
