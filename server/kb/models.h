// The in-memory models of one store, and what every query needs resolved
// from its options: the release model (and the default release of every
// other domain, for WRONG_DOMAIN checks), the rule index, the evidence, the
// test library, a parsed and resolved profile, and the identity of all of
// them for answer caches (engine/answer_cache.h).
//
//   kb::Models models(&store);
//   absl::StatusOr<kb::QueryContext> qc =
//       models.Prepare(request.release(), request.options());
//   engine::ComputeCoverage(*qc->kb, *qc->rules, qc->query);
//
// Each model is built on first use and rebuilt when the store says its data
// changed (release fingerprint, rules/evidence/library generations).
// Thread-safe. `store` must outlive the Models.
#ifndef COV_SERVER_KB_MODELS_H_
#define COV_SERVER_KB_MODELS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cov/v1/coverage.pb.h"
#include "server/engine/answer_cache.h"
#include "server/engine/coverage.h"
#include "server/engine/evidence.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/ref_resolver.h"
#include "server/engine/rule_index.h"
#include "server/kb/evidence_cache.h"
#include "server/kb/kb_cache.h"
#include "server/kb/library_cache.h"
#include "server/kb/rule_index_cache.h"
#include "server/store/store.h"

namespace cov::server::kb {

// A release model and the default models of the other stored domains.
struct ResolvedModels {
  std::shared_ptr<const engine::KnowledgeBase> kb;  // null: store is empty
  engine::OtherDomains others;
};

// Everything a coverage-style query needs, resolved from its options.
struct QueryContext {
  std::shared_ptr<const engine::KnowledgeBase> kb;
  std::shared_ptr<const engine::RuleIndex> rules;
  std::shared_ptr<const engine::EvidenceIndex> evidence;
  engine::OtherDomains others;
  engine::CoverageQuery query;  // profile, evidence, rollup, ... set
  engine::ModelIdentity identity;
};

class Models {
 public:
  explicit Models(store::Store* store);

  store::Store* store() const { return store_; }

  // Builds the default release's model, rule index and evidence now (a
  // replica warms a new snapshot before swapping it in). OK on an empty
  // store; store errors otherwise.
  absl::Status Warm();

  // Brings the rule index of the default release and of every release a
  // query has used up to date with the stored rules, rebuilding only the
  // sources that changed; readers keep being served the previous index
  // meanwhile. A rule writer calls it after its write and before it
  // acknowledges it, so the first read after the acknowledgement neither
  // pays the rebuild nor sees older rules. OK on an empty store.
  absl::Status RefreshRules();

  // The model of `ref` (empty: the default) and the other domains'
  // defaults. `kb` is null when no release is stored; kNotFound for an
  // unknown release.
  absl::StatusOr<ResolvedModels> Resolve(const cov::v1::ReleaseRef& ref);

  // Resolve, but kFailedPrecondition when no release is stored.
  absl::StatusOr<ResolvedModels> Require(const cov::v1::ReleaseRef& ref);

  // The model of one stored release.
  absl::StatusOr<std::shared_ptr<const engine::KnowledgeBase>> Model(
      const store::StoredRelease& release);

  // The query context of `release` (else the profile's, else the default)
  // and `options`. kInvalidArgument for a malformed profile or evidence
  // level, kUnimplemented for a stored-profile name, kFailedPrecondition
  // when no release is stored, kNotFound for unknown releases or profile
  // entries.
  absl::StatusOr<QueryContext> Prepare(const cov::v1::ReleaseRef& release,
                                       const cov::v1::CoverageOptions& options);

  absl::StatusOr<std::shared_ptr<const Library>> GetLibrary() {
    return library_.Get();
  }
  absl::StatusOr<std::shared_ptr<const engine::EvidenceIndex>> GetEvidence() {
    return evidence_.Get();
  }

  // The rule index cache's counters (tests, benchmarks).
  RuleIndexCache::Stats rule_index_stats() const { return rules_.stats(); }

  // Recent coverage answers of this store (kb::Coverage).
  engine::AnswerCache& answers() { return answers_; }

  // Forgets every model and index built for release `key` once the store
  // no longer holds it (release_lifecycle.h calls it after DeleteRelease).
  // Answers cached for it are unreachable already: their identity names the
  // release's fingerprint, which no later query resolves to.
  void ForgetRelease(absl::string_view key);

  // Release keys whose model is cached (tests).
  std::vector<std::string> CachedReleases() { return kbs_.CachedKeys(); }

 private:
  store::Store* store_;
  KbCache kbs_;
  RuleIndexCache rules_;
  EvidenceCache evidence_;
  LibraryCache library_;
  engine::AnswerCache answers_;
};

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_MODELS_H_
