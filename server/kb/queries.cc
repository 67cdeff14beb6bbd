#include "server/kb/queries.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/engine/plan.h"
#include "server/engine/search.h"

namespace cov::server::kb {

absl::StatusOr<cov::v1::CoverageResponse> Coverage(
    Models& models, const cov::v1::CoverageRequest& request) {
  const std::string& by = request.by();
  if (!by.empty() && by != "tactic" && by != "technique" && by != "platform" &&
      by != "source" && by != "killchain") {
    return absl::InvalidArgumentError(
        absl::StrCat("by must be tactic, technique, platform, source or "
                     "killchain, not '",
                     by, "'"));
  }
  absl::StatusOr<QueryContext> qc =
      models.Prepare(request.release(), request.options());
  if (!qc.ok()) return qc.status();
  qc->query.by = by;
  qc->query.rules_per_technique = request.rules_per_technique();
  qc->query.summary = request.summary();
  // Answers depend only on (models, request): identical requests between
  // two ingests are served from the cache.
  const std::string request_key = request.SerializeAsString();
  if (auto hit = models.answers().Find(qc->identity, request_key)) {
    return *hit;
  }
  auto computed = std::make_shared<const cov::v1::CoverageResponse>(
      engine::ComputeCoverage(*qc->kb, *qc->rules, qc->query));
  models.answers().Insert(qc->identity, request_key, computed);
  return *computed;
}

absl::StatusOr<cov::v1::GapsResponse> Gaps(
    Models& models, const cov::v1::GapsRequest& request) {
  absl::StatusOr<QueryContext> qc =
      models.Prepare(request.release(), request.options());
  if (!qc.ok()) return qc.status();
  engine::GapsQuery gq;
  gq.coverage = std::move(qc->query);
  gq.groups.assign(request.groups().begin(), request.groups().end());
  gq.top = request.top();
  gq.procedures_per_gap = request.procedures_per_gap();
  return engine::ComputeGaps(*qc->kb, *qc->rules, gq);
}

absl::StatusOr<cov::v1::PlanResponse> Plan(
    Models& models, const cov::v1::PlanRequest& request) {
  absl::StatusOr<QueryContext> qc =
      models.Prepare(request.release(), cov::v1::CoverageOptions());
  if (!qc.ok()) return qc.status();
  absl::StatusOr<std::shared_ptr<const Library>> lib = models.GetLibrary();
  if (!lib.ok()) return lib.status();
  engine::PlanInputs in;
  in.kb = qc->kb.get();
  in.rules = qc->rules.get();
  in.tests = &(*lib)->tests;
  in.ctid_plans = &(*lib)->plans;
  in.evidence = qc->evidence.get();
  return engine::BuildPlan(in, request);
}

absl::StatusOr<cov::v1::Technique> GetTechnique(
    const store::Store& store, const cov::v1::GetTechniqueRequest& request) {
  std::string id(absl::StripAsciiWhitespace(request.id()));
  if (id.empty()) return absl::InvalidArgumentError("technique ID is empty");
  absl::StatusOr<store::StoredRelease> release =
      store.ResolveRelease(request.release());
  if (!release.ok()) return release.status();
  return store.GetTechnique(release->key, id);
}

absl::StatusOr<cov::v1::Actor> GetActor(
    Models& models, const cov::v1::GetActorRequest& request) {
  absl::StatusOr<store::StoredRelease> release =
      models.store()->ResolveRelease(request.release());
  if (!release.ok()) return release.status();
  auto kb = models.Model(*release);
  if (!kb.ok()) return kb.status();
  const cov::v1::Actor* a = (*kb)->FindActor(request.id());
  if (a == nullptr) {
    return absl::NotFoundError(absl::StrCat("no group, software or campaign '",
                                            request.id(), "' in ATT&CK ",
                                            release->key));
  }
  return *a;
}

absl::StatusOr<cov::v1::SearchResponse> Search(
    Models& models, const cov::v1::SearchRequest& request) {
  absl::StatusOr<store::StoredRelease> release =
      models.store()->ResolveRelease(request.release());
  if (!release.ok()) return release.status();
  auto kb = models.Model(*release);
  if (!kb.ok()) return kb.status();
  return engine::Search(**kb, request);
}

absl::StatusOr<cov::v1::Stats> StoreStats(const store::Store& store) {
  cov::v1::Stats stats;
  auto releases = store.ListReleases();
  if (!releases.ok()) return releases.status();
  for (auto& rel : *releases) *stats.add_releases() = std::move(rel);
  auto sources = store.ListSources();
  if (!sources.ok()) return sources.status();
  int64_t rules = 0;
  for (auto& src : *sources) {
    rules += src.rule_count();
    *stats.add_sources() = std::move(src);
  }
  stats.set_rule_count(rules);
  stats.set_store_bytes(store.ApproximateSizeBytes());
  return stats;
}

}  // namespace cov::server::kb
