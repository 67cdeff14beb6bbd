#include "server/kb/models.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ingest/profile/profile_parser.h"

namespace cov::server::kb {
namespace {

std::string Fingerprint(const engine::KnowledgeBase& kb) {
  return absl::StrCat(kb.release_key(), "#", kb.release().sha256(), "#",
                      kb.release().ingested_at_unix());
}

absl::Status NothingLoaded() {
  return absl::FailedPreconditionError(
      "no ATT&CK release is loaded; run `cov ingest attack FILE` first");
}

}  // namespace

Models::Models(store::Store* store)
    : store_(store),
      kbs_(store),
      rules_(store),
      evidence_(store),
      library_(store) {}

absl::Status Models::Warm() {
  absl::StatusOr<QueryContext> qc = Prepare({}, {});
  if (absl::IsFailedPrecondition(qc.status())) return absl::OkStatus();
  return qc.status();
}

absl::Status Models::RefreshRules() {
  std::vector<cov::v1::ReleaseRef> refs(1);  // the default
  for (const std::string& key : rules_.CachedReleases()) {
    std::vector<std::string> parts =
        absl::StrSplit(key, absl::MaxSplits('@', 1));
    if (parts.size() != 2) continue;
    cov::v1::ReleaseRef ref;
    ref.set_domain(parts[0]);
    ref.set_version(parts[1]);
    refs.push_back(std::move(ref));
  }
  for (const cov::v1::ReleaseRef& ref : refs) {
    absl::StatusOr<ResolvedModels> models = Resolve(ref);
    if (absl::IsNotFound(models.status())) continue;  // release removed
    if (!models.ok()) return models.status();
    if (models->kb == nullptr) return absl::OkStatus();  // no release
    auto index = rules_.Refresh(models->kb, models->others);
    if (!index.ok()) return index.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const engine::KnowledgeBase>> Models::Model(
    const store::StoredRelease& release) {
  return kbs_.Get(release);
}

void Models::ForgetRelease(absl::string_view key) {
  kbs_.Evict(key);
  rules_.Evict(key);
}

absl::StatusOr<ResolvedModels> Models::Resolve(const cov::v1::ReleaseRef& ref) {
  ResolvedModels out;
  absl::StatusOr<store::StoredRelease> release = store_->ResolveRelease(ref);
  if (absl::IsFailedPrecondition(release.status())) return out;  // empty
  if (!release.ok()) return release.status();
  absl::StatusOr<std::shared_ptr<const engine::KnowledgeBase>> kb =
      kbs_.Get(*release);
  if (!kb.ok()) return kb.status();
  out.kb = *kb;
  absl::StatusOr<std::vector<cov::v1::Release>> all = store_->ListReleases();
  if (!all.ok()) return all.status();
  absl::flat_hash_set<std::string> domains;
  for (const auto& r : *all) {
    if (r.domain() != release->release.domain()) domains.insert(r.domain());
  }
  for (const std::string& d : domains) {
    cov::v1::ReleaseRef other;
    other.set_domain(d);
    absl::StatusOr<store::StoredRelease> o = store_->ResolveRelease(other);
    if (!o.ok()) continue;
    absl::StatusOr<std::shared_ptr<const engine::KnowledgeBase>> okb =
        kbs_.Get(*o);
    if (okb.ok()) out.others.push_back(*okb);
  }
  return out;
}

absl::StatusOr<ResolvedModels> Models::Require(const cov::v1::ReleaseRef& ref) {
  absl::StatusOr<ResolvedModels> models = Resolve(ref);
  if (models.ok() && models->kb == nullptr) return NothingLoaded();
  return models;
}

absl::StatusOr<QueryContext> Models::Prepare(
    const cov::v1::ReleaseRef& release,
    const cov::v1::CoverageOptions& options) {
  cov::v1::Profile profile = options.profile();
  if (!options.profile_yaml().empty()) {
    absl::StatusOr<cov::v1::Profile> parsed = ingest::profile::ParseProfile(
        options.profile_yaml(), options.profile_file_name().empty()
                                    ? "<profile>"
                                    : options.profile_file_name());
    if (!parsed.ok()) return parsed.status();
    profile = *std::move(parsed);
  } else if (!options.profile_name().empty()) {
    return absl::UnimplementedError(
        "stored profiles are not supported yet; send the profile file "
        "(cov --profile FILE)");
  }
  // Generations are read before the models: a model is never older than
  // the generation it is cached under (at worst newer, which only costs a
  // recomputation once the generation catches up).
  const int64_t evidence_generation = store_->EvidenceGeneration();
  // The request's release wins; else the profile's; else the default.
  cov::v1::ReleaseRef ref = release;
  if (ref.domain().empty() && ref.version().empty()) ref = profile.release();
  absl::StatusOr<ResolvedModels> models = Require(ref);
  if (!models.ok()) return models.status();
  QueryContext qc;
  qc.kb = models->kb;
  qc.others = models->others;
  // The index may be the previous one while a writer refreshes it: answers
  // are cached under the generation the index holds, not the store's.
  auto rules = rules_.GetVersioned(qc.kb, qc.others);
  if (!rules.ok()) return rules.status();
  qc.rules = rules->index;
  const int64_t rules_generation = rules->generation;
  auto resolved = engine::ResolveProfile(*qc.kb, profile);
  if (!resolved.ok()) return resolved.status();
  qc.query.profile = *std::move(resolved);
  auto evidence = evidence_.Get();
  if (!evidence.ok()) return evidence.status();
  qc.evidence = *evidence;
  qc.query.evidence = qc.evidence.get();
  qc.query.min_evidence = options.evidence();
  if (!qc.query.min_evidence.empty() && qc.query.min_evidence != "claimed" &&
      qc.query.min_evidence != "validated") {
    return absl::InvalidArgumentError(
        absl::StrCat("evidence must be claimed or validated, not '",
                     qc.query.min_evidence, "'"));
  }
  qc.query.rollup = options.rollup();
  qc.query.tactic_context = options.tactic_context();
  qc.query.include_disabled = options.include_disabled();
  qc.identity.release_key = qc.kb->release_key();
  qc.identity.generation = absl::StrCat(
      Fingerprint(*qc.kb), "/r", rules_generation, "/e", evidence_generation);
  for (const auto& other : qc.others) {
    absl::StrAppend(&qc.identity.generation, "/", Fingerprint(*other));
  }
  return qc;
}

}  // namespace cov::server::kb
