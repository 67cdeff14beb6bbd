// Coverage and gap queries: pure functions over a release model and a rule
// index.
//
// Semantics (also in README.md, "Coverage semantics"):
//  - Units: every active (not revoked, not deprecated) technique and
//    sub-technique counts as one unit.
//  - Potential: a unit is in reach when one of its data components (v18:
//    detection strategy -> analytics -> log-source data components; before
//    v18: component `detects`) is owned by the profile, and, when the
//    profile names platforms, one of its platforms is. An empty component
//    list means all telemetry.
//  - Counting rules: enabled (unless include_disabled), in the profile's
//    sources, at or above min_status / min_level (floors apply to Sigma
//    rules; a Sigma rule without status or level is below any floor), and
//    not Sigma correlation rules or YARA private rules (they detect nothing
//    by themselves). YARA rules of a file libyara rejects are disabled.
//  - A rule covers the techniques it references: valid IDs, and revoked IDs
//    through their replacement. Unknown, wrong-domain and deprecated IDs
//    never count. A rule tagged with a sub-technique covers that
//    sub-technique only.
//  - rollup: a parent also counts as covered when one of its sub-techniques
//    is covered (TechniqueCoverage.covered_by_rollup).
//  - A covered unit counts under each of its tactics; with tactic_context a
//    rule that names tactics counts only under those of the technique's
//    tactics it names (all of them when it names none, or none that fit).
#ifndef COV_SERVER_ENGINE_COVERAGE_H_
#define COV_SERVER_ENGINE_COVERAGE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "cov/v1/coverage.pb.h"
#include "server/engine/evidence.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/rule_index.h"

namespace cov::server::engine {

// A profile checked against a release.
struct ResolvedProfile {
  // As given, with data components rewritten to their names in the release.
  cov::v1::Profile profile;
  absl::flat_hash_set<std::string> components;  // lower case; empty = all
  absl::flat_hash_set<std::string> platforms;   // lower case; empty = all
  absl::flat_hash_set<std::string> sources;     // empty = all
  int min_status = 0;                           // 0 = no floor
  int min_level = 0;                            // 0 = no floor
};

// Checks `profile` against `kb`. kInvalidArgument naming the first unknown
// data component (by name or DC ID), status or level.
absl::StatusOr<ResolvedProfile> ResolveProfile(const KnowledgeBase& kb,
                                               const cov::v1::Profile& profile);

// 1 experimental, 2 test, 3 stable; 0 otherwise (deprecated, unsupported,
// empty). Case-insensitive.
int StatusRank(absl::string_view status);
// 1 informational .. 5 critical; 0 otherwise.
int LevelRank(absl::string_view level);

struct CoverageQuery {
  ResolvedProfile profile;
  bool rollup = false;
  bool tactic_context = false;
  bool include_disabled = false;
  // "", "tactic", "technique", "platform", "source" or "killchain" (fills
  // CoverageResponse.phases; see killchain.h).
  std::string by;
  // Rules listed per technique: 0 -> 20, negative -> all.
  int rules_per_technique = 0;
  // Totals only: no per-technique list in the response.
  bool summary = false;
  // Recorded validation results; null: every covered technique is
  // "claimed". Not owned.
  const EvidenceIndex* evidence = nullptr;
  // "" or "claimed": a counting rule covers; "validated": only techniques
  // whose latest validation detected them with their current rules count
  // as covered (coverage of proven detections).
  std::string min_evidence;
};

cov::v1::CoverageResponse ComputeCoverage(const KnowledgeBase& kb,
                                          const RuleIndex& rules,
                                          const CoverageQuery& query);

struct GapsQuery {
  CoverageQuery coverage;
  // Groups (ID, name or alias) whose use ranks the gaps; empty = all actors.
  std::vector<std::string> groups;
  int top = 0;                 // 0 = all
  int procedures_per_gap = 0;  // 0 -> 10, negative -> all
};

// Potential minus covered, ranked. kNotFound for an unknown group.
absl::StatusOr<cov::v1::GapsResponse> ComputeGaps(const KnowledgeBase& kb,
                                                  const RuleIndex& rules,
                                                  const GapsQuery& query);

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_COVERAGE_H_
