// Emulation plans: for a group, software, campaign, technique list or stored
// CTID plan, the steps to emulate in kill-chain order (a CTID plan keeps its
// own order), each with the ATT&CK procedure text that puts it in the plan,
// the test procedures that fit the platform, the rules expected to fire,
// the data components needed and the current evidence tier. Pure.
#ifndef COV_SERVER_ENGINE_PLAN_H_
#define COV_SERVER_ENGINE_PLAN_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "cov/v1/emulation.pb.h"
#include "server/engine/evidence.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/rule_index.h"

namespace cov::server::engine {

struct PlanInputs {
  const KnowledgeBase* kb = nullptr;
  const RuleIndex* rules = nullptr;
  // Technique ID -> test procedures (atomics), in a stable order.
  const absl::flat_hash_map<std::string, std::vector<cov::v1::TestProcedure>>*
      tests = nullptr;
  // Stored CTID plans (subject = plan name).
  const std::vector<cov::v1::PlanResponse>* ctid_plans = nullptr;
  const EvidenceIndex* evidence = nullptr;  // may be null
};

// Errors: kInvalidArgument (no subject), kNotFound (unknown group,
// software, campaign, technique or plan; the message names it).
absl::StatusOr<cov::v1::PlanResponse> BuildPlan(
    const PlanInputs& in, const cov::v1::PlanRequest& request);

// The techniques an actor uses: directly, through its software, and (for
// groups, when include_campaigns) through campaigns attributed to it. Each
// technique once, with the procedure text of its first source (direct use
// first). Exposed for tests.
std::vector<cov::v1::Procedure> ActorTechniques(const KnowledgeBase& kb,
                                                const cov::v1::Actor& actor,
                                                bool include_campaigns);

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_PLAN_H_
