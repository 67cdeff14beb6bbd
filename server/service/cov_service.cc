#include "server/service/cov_service.h"

#include <cstdio>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ingest/profile/profile_infer.h"
#include "ingest/profile/profile_parser.h"
#include "ingest/registry/parsers.h"
#include "server/check/render.h"
#include "server/check/revoked_fixer.h"
#include "server/check/unified_diff.h"
#include "server/engine/alert_match.h"
#include "server/engine/plan.h"
#include "server/engine/search.h"
#include "server/export/csv_export.h"
#include "server/export/html_report.h"
#include "server/export/navigator_layer.h"
#include "server/kb/attack_ingest.h"
#include "server/library/library_ingest.h"
#include "server/rules/rule_ingest.h"
#include "server/service/status_util.h"

namespace cov::server::service {
namespace {

constexpr char kServerVersion[] = "cov 0.1.0 (cov.v1)";

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx,
                                 const absl::Status& s) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(s));
  return reactor;
}

}  // namespace

CovServiceImpl::CovServiceImpl(store::Store* store)
    : store_(store),
      cache_(store),
      rule_cache_(store),
      started_(std::chrono::steady_clock::now()) {}

absl::Status CovServiceImpl::Warm() {
  absl::StatusOr<QueryContext> qc = PrepareQuery({}, {});
  if (absl::IsFailedPrecondition(qc.status())) return absl::OkStatus();
  return qc.status();
}

absl::StatusOr<CovServiceImpl::QueryContext> CovServiceImpl::PrepareQuery(
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
  // The request's release wins; else the profile's; else the default.
  cov::v1::ReleaseRef ref = release;
  if (ref.domain().empty() && ref.version().empty()) ref = profile.release();
  auto models = Models(ref);
  if (!models.ok()) return models.status();
  if (models->first == nullptr) {
    return absl::FailedPreconditionError(
        "no ATT&CK release is loaded; run `cov ingest attack FILE` first");
  }
  QueryContext qc;
  qc.kb = models->first;
  qc.others = models->second;
  auto rules = rule_cache_.Get(qc.kb, models->second);
  if (!rules.ok()) return rules.status();
  qc.rules = *rules;
  auto resolved = engine::ResolveProfile(*qc.kb, profile);
  if (!resolved.ok()) return resolved.status();
  qc.query.profile = *std::move(resolved);
  auto evidence = GetEvidence();
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
  return qc;
}

grpc::ServerUnaryReactor* CovServiceImpl::GetCoverage(
    grpc::CallbackServerContext* ctx, const cov::v1::CoverageRequest* request,
    cov::v1::CoverageResponse* response) {
  const std::string& by = request->by();
  if (!by.empty() && by != "tactic" && by != "technique" && by != "platform" &&
      by != "source") {
    return Finish(ctx, absl::InvalidArgumentError(absl::StrCat(
                           "by must be tactic, technique, platform or "
                           "source, not '",
                           by, "'")));
  }
  auto qc = PrepareQuery(request->release(), request->options());
  if (!qc.ok()) return Finish(ctx, qc.status());
  qc->query.by = by;
  qc->query.rules_per_technique = request->rules_per_technique();
  qc->query.summary = request->summary();
  // Answers depend only on (release model, rule index, evidence, request):
  // identical requests between two ingests are served from a small cache.
  std::string key =
      absl::StrCat(absl::Hex(reinterpret_cast<uintptr_t>(qc->kb.get())), "/",
                   absl::Hex(reinterpret_cast<uintptr_t>(qc->rules.get())), "/",
                   absl::Hex(reinterpret_cast<uintptr_t>(qc->evidence.get())),
                   "/", request->SerializeAsString());
  {
    absl::MutexLock lock(&answer_mu_);
    auto it = answers_.find(key);
    if (it != answers_.end()) {
      *response = *it->second.response;
      return Finish(ctx, absl::OkStatus());
    }
  }
  auto computed = std::make_shared<cov::v1::CoverageResponse>(
      engine::ComputeCoverage(*qc->kb, *qc->rules, qc->query));
  *response = *computed;
  absl::MutexLock lock(&answer_mu_);
  // Answers computed from an older rule index or evidence of this release
  // can never be asked for again, and each keeps its models alive (tens of
  // MB): drop them now rather than when the cache fills.
  // The same holds for the model of a re-ingested release.
  absl::erase_if(answers_, [&](const auto& entry) {
    const CachedAnswer& a = entry.second;
    return a.kb->release_key() == qc->kb->release_key() &&
           (a.kb != qc->kb || a.rules != qc->rules ||
            a.evidence != qc->evidence);
  });
  if (answers_.size() >= 64) answers_.clear();
  // The entry keeps the models alive, so their addresses stay unique.
  answers_[key] = CachedAnswer{qc->kb, qc->rules, qc->evidence, computed};
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetGaps(
    grpc::CallbackServerContext* ctx, const cov::v1::GapsRequest* request,
    cov::v1::GapsResponse* response) {
  auto qc = PrepareQuery(request->release(), request->options());
  if (!qc.ok()) return Finish(ctx, qc.status());
  engine::GapsQuery gq;
  gq.coverage = std::move(qc->query);
  gq.groups.assign(request->groups().begin(), request->groups().end());
  gq.top = request->top();
  gq.procedures_per_gap = request->procedures_per_gap();
  auto gaps = engine::ComputeGaps(*qc->kb, *qc->rules, gq);
  if (!gaps.ok()) return Finish(ctx, gaps.status());
  *response = *std::move(gaps);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::IngestAttack(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestAttackRequest* request,
    cov::v1::IngestAttackResponse* response) {
  absl::StatusOr<cov::v1::IngestAttackResponse> r =
      kb::IngestAttack(*store_, *request);
  std::string name =
      request->has_path() ? request->path() : request->file_name();
  if (!r.ok()) {
    std::fprintf(stderr, "covd: ingest attack %s failed: %s\n", name.c_str(),
                 r.status().ToString().c_str());
    return Finish(ctx, r.status());
  }
  const auto& rel = r->release();
  const auto& c = rel.counts();
  std::fprintf(stderr,
               "covd: ingest attack %s -> %s@%s: %d techniques, %d "
               "sub-techniques, %d tactics, %d groups, %d software, %d "
               "campaigns, %d warnings in %.0f ms (parse %.0f, store %.0f)\n",
               name.c_str(), rel.domain().c_str(), rel.version().c_str(),
               c.techniques(), c.subtechniques(), c.tactics(), c.groups(),
               c.software(), c.campaigns(), r->warning_count(), r->elapsed_ms(),
               r->parse_ms(), r->store_ms());
  *response = *std::move(r);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::ListReleases(
    grpc::CallbackServerContext* ctx, const cov::v1::ListReleasesRequest*,
    cov::v1::ListReleasesResponse* response) {
  auto r = store_->ListReleases();
  if (!r.ok()) return Finish(ctx, r.status());
  for (auto& rel : *r) *response->add_releases() = std::move(rel);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::SetDefaultRelease(
    grpc::CallbackServerContext* ctx,
    const cov::v1::SetDefaultReleaseRequest* request,
    cov::v1::Release* response) {
  auto r = store_->SetDefaultRelease(request->release());
  if (!r.ok()) return Finish(ctx, r.status());
  *response = *std::move(r);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetTechnique(
    grpc::CallbackServerContext* ctx,
    const cov::v1::GetTechniqueRequest* request, cov::v1::Technique* response) {
  std::string id(absl::StripAsciiWhitespace(request->id()));
  if (id.empty()) {
    return Finish(ctx, absl::InvalidArgumentError("technique ID is empty"));
  }
  auto release = store_->ResolveRelease(request->release());
  if (!release.ok()) return Finish(ctx, release.status());
  auto t = store_->GetTechnique(release->key, id);
  if (!t.ok()) return Finish(ctx, t.status());
  *response = *std::move(t);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetActor(
    grpc::CallbackServerContext* ctx, const cov::v1::GetActorRequest* request,
    cov::v1::Actor* response) {
  auto release = store_->ResolveRelease(request->release());
  if (!release.ok()) return Finish(ctx, release.status());
  auto kb = cache_.Get(*release);
  if (!kb.ok()) return Finish(ctx, kb.status());
  const cov::v1::Actor* a = (*kb)->FindActor(request->id());
  if (a == nullptr) {
    return Finish(ctx, absl::NotFoundError(absl::StrCat(
                           "no group, software or campaign '", request->id(),
                           "' in ATT&CK ", release->key)));
  }
  *response = *a;
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::Search(
    grpc::CallbackServerContext* ctx, const cov::v1::SearchRequest* request,
    cov::v1::SearchResponse* response) {
  auto release = store_->ResolveRelease(request->release());
  if (!release.ok()) return Finish(ctx, release.status());
  auto kb = cache_.Get(*release);
  if (!kb.ok()) return Finish(ctx, kb.status());
  *response = engine::Search(**kb, *request);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetStats(
    grpc::CallbackServerContext* ctx, const cov::v1::GetStatsRequest*,
    cov::v1::Stats* response) {
  auto r = store_->ListReleases();
  if (!r.ok()) return Finish(ctx, r.status());
  for (auto& rel : *r) *response->add_releases() = std::move(rel);
  auto sources = store_->ListSources();
  if (!sources.ok()) return Finish(ctx, sources.status());
  int64_t rules = 0;
  for (auto& src : *sources) {
    rules += src.rule_count();
    *response->add_sources() = std::move(src);
  }
  response->set_rule_count(rules);
  response->set_store_bytes(store_->ApproximateSizeBytes());
  response->set_server_version(kServerVersion);
  response->set_uptime_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::steady_clock::now() - started_)
                                   .count());
  return Finish(ctx, absl::OkStatus());
}

absl::StatusOr<std::pair<std::shared_ptr<const engine::KnowledgeBase>,
                         engine::OtherDomains>>
CovServiceImpl::Models(const cov::v1::ReleaseRef& ref) {
  std::pair<std::shared_ptr<const engine::KnowledgeBase>, engine::OtherDomains>
      out;
  absl::StatusOr<store::StoredRelease> release = store_->ResolveRelease(ref);
  if (absl::IsFailedPrecondition(release.status())) return out;  // empty store
  if (!release.ok()) return release.status();
  absl::StatusOr<std::shared_ptr<const engine::KnowledgeBase>> kb =
      cache_.Get(*release);
  if (!kb.ok()) return kb.status();
  out.first = *kb;
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
        cache_.Get(*o);
    if (okb.ok()) out.second.push_back(*okb);
  }
  return out;
}

grpc::ServerUnaryReactor* CovServiceImpl::ExportLayer(
    grpc::CallbackServerContext* ctx, const cov::v1::LayerRequest* request,
    cov::v1::LayerResponse* response) {
  const std::string kind =
      request->kind().empty() ? "coverage" : request->kind();
  const std::string format =
      request->format().empty() ? "json" : request->format();
  if (kind != "coverage" && kind != "gaps") {
    return Finish(ctx, absl::InvalidArgumentError(absl::StrCat(
                           "kind must be coverage or gaps, not '", kind, "'")));
  }
  if (format != "json" && format != "csv" && format != "html") {
    return Finish(ctx,
                  absl::InvalidArgumentError(absl::StrCat(
                      "format must be json, csv or html, not '", format, "'")));
  }
  if (format == "html" && kind != "coverage") {
    return Finish(ctx,
                  absl::InvalidArgumentError(
                      "the html report draws coverage; use kind coverage"));
  }
  auto qc = PrepareQuery(request->release(), request->options());
  if (!qc.ok()) return Finish(ctx, qc.status());
  qc->query.rules_per_technique = 20;
  cov::v1::CoverageResponse coverage =
      engine::ComputeCoverage(*qc->kb, *qc->rules, qc->query);
  cov::v1::GapsResponse gaps;
  if (kind == "gaps") {
    engine::GapsQuery gq;
    gq.coverage = qc->query;
    auto g = engine::ComputeGaps(*qc->kb, *qc->rules, gq);
    if (!g.ok()) return Finish(ctx, g.status());
    gaps = *std::move(g);
  }
  const std::string profile_name = coverage.profile().name().empty()
                                       ? "all telemetry"
                                       : coverage.profile().name();
  if (format == "json") {
    exporter::LayerOptions lo;
    lo.name = request->name().empty()
                  ? absl::StrCat("cov ", kind, " (", profile_name, ")")
                  : request->name();
    lo.description =
        request->description().empty()
            ? absl::StrCat("ATT&CK ", qc->kb->release_key(), ", profile ",
                           profile_name, "; ", coverage.covered(), " of ",
                           coverage.potential(), " techniques in reach covered")
            : request->description();
    lo.include_unreachable = request->include_unreachable();
    response->set_content(kind == "gaps"
                              ? exporter::GapsLayerJson(coverage, gaps, lo)
                              : exporter::CoverageLayerJson(coverage, lo));
    response->set_content_type("application/json");
  } else if (format == "csv") {
    response->set_content(kind == "gaps" ? exporter::GapsCsv(gaps)
                                         : exporter::CoverageCsv(coverage));
    response->set_content_type("text/csv");
  } else {
    exporter::HtmlOptions ho;
    if (!request->name().empty()) ho.title = request->name();
    ho.subtitle = absl::StrCat("ATT&CK ", qc->kb->release_key(), ", profile ",
                               profile_name);
    ho.generated_at = absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(),
                                       absl::UTCTimeZone());
    response->set_content(exporter::HtmlReport(coverage, ho));
    response->set_content_type("text/html");
  }
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::InferProfile(
    grpc::CallbackServerContext* ctx,
    const cov::v1::InferProfileRequest* request,
    cov::v1::InferProfileResponse* response) {
  std::vector<cov::v1::Rule> rules;
  absl::flat_hash_set<std::string> wanted(request->sources().begin(),
                                          request->sources().end());
  for (const std::string& s : wanted) {
    auto src = store_->GetSource(s);
    if (!src.ok()) return Finish(ctx, src.status());
  }
  absl::Status st = store_->ForEachRule("", [&](const cov::v1::Rule& r) {
    if (wanted.empty() || wanted.contains(r.source())) rules.push_back(r);
    return true;
  });
  if (!st.ok()) return Finish(ctx, st);
  if (rules.empty()) {
    return Finish(ctx, absl::FailedPreconditionError(
                           "no rules to infer from; ingest rules first"));
  }
  ingest::profile::InferredProfile inferred = ingest::profile::InferProfile(
      rules, request->name().empty() ? "inferred" : request->name());
  *response->mutable_profile() = inferred.profile;
  if (!request->release().version().empty()) {
    *response->mutable_profile()->mutable_release() = request->release();
  }
  response->set_yaml(ingest::profile::ProfileToYaml(response->profile()));
  for (const auto& u : inferred.unmapped) {
    cov::v1::GroupCoverage* g = response->add_unmapped();
    g->set_key(absl::StrCat(u.product, "/", u.category, "/", u.service));
    g->set_rule_count(u.rule_count);
  }
  response->set_mapped_rules(inferred.mapped_rules);
  response->set_unmapped_rules(inferred.unmapped_rules);
  response->set_skipped_rules(inferred.skipped_rules);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::CheckRules(
    grpc::CallbackServerContext* ctx, const cov::v1::CheckRequest* request,
    cov::v1::CheckResponse* response) {
  if (!request->output_format().empty() &&
      !check::IsRenderFormat(request->output_format())) {
    return Finish(ctx, absl::InvalidArgumentError(absl::StrCat(
                           "output format must be text, json, sarif, junit or "
                           "github, not '",
                           request->output_format(), "'")));
  }
  if (!request->fail_on().empty() && request->fail_on() != "error" &&
      request->fail_on() != "warning") {
    return Finish(
        ctx, absl::InvalidArgumentError("fail_on must be error or warning"));
  }
  auto qc = PrepareQuery(request->release(), request->options());
  if (!qc.ok()) return Finish(ctx, qc.status());
  rules::CheckContext cc;
  cc.kb = qc->kb;
  cc.others = qc->others;
  cc.query = qc->query;
  cc.cache = &parse_cache_;
  rules::CheckExtras extras;
  *response = rules::CheckRules(cc, *request, &extras);
  if (!request->output_format().empty()) {
    check::RenderOptions ro;
    ro.fail_on = request->fail_on() == "warning" ? cov::v1::SEVERITY_WARNING
                                                 : cov::v1::SEVERITY_ERROR;
    ro.checked_files = extras.checked_files;
    for (const auto& [t, loc] : extras.lost_at) {
      check::SourceLocation sl;
      sl.path = loc.first;
      sl.line = loc.second;
      ro.regression_locations[t] = sl;
    }
    response->set_rendered(
        check::RenderCheck(*response, request->output_format(), ro));
  }
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::FixRules(
    grpc::CallbackServerContext* ctx, const cov::v1::FixRequest* request,
    cov::v1::FixResponse* response) {
  auto models = Models(request->release());
  if (!models.ok()) return Finish(ctx, models.status());
  if (models->first == nullptr) {
    return Finish(ctx, absl::FailedPreconditionError(
                           "no ATT&CK release is loaded; run `cov ingest "
                           "attack FILE` first"));
  }
  for (const cov::v1::RuleFile& file : request->files()) {
    cov::v1::FixedFile* out = response->add_files();
    out->set_path(file.path());
    out->set_content(file.content());
    cov::v1::RuleFormat format = rules::FormatOf(file);
    if (format == cov::v1::RULE_FORMAT_UNSPECIFIED) continue;
    // Parsers keep one reference per ID and rule, so a rule spelling the
    // same revoked ID twice needs a second round; three always suffice.
    std::string content = file.content();
    for (int round = 0; round < 3; ++round) {
      ingest::SourceFile sf;
      sf.path = file.path();
      sf.content = content;
      sf.source = "fix";
      std::vector<cov::v1::Rule> resolved =
          ingest::ParserFor(format)->Parse(sf).rules;
      for (auto& r : resolved) {
        engine::ResolveRefs(*models->first, models->second, &r);
      }
      check::FixResult fix = check::FixRevokedIds(content, format, resolved);
      if (fix.changes.empty() || fix.content == content) break;
      for (auto& c : fix.changes) {
        c.set_path(file.path());
        *response->add_changes() = std::move(c);
      }
      content = std::move(fix.content);
    }
    if (content == file.content()) continue;
    out->set_changed(true);
    out->set_diff(check::UnifiedDiff(file.path(), file.content(), content));
    out->set_content(std::move(content));
  }
  return Finish(ctx, absl::OkStatus());
}

absl::StatusOr<std::shared_ptr<const CovServiceImpl::Library>>
CovServiceImpl::GetLibrary() {
  absl::MutexLock lock(&library_mu_);
  const int64_t gen = store_->LibraryGeneration();
  if (library_ != nullptr && library_->generation == gen) return library_;
  auto lib = std::make_shared<Library>();
  lib->generation = gen;
  absl::Status st = store_->ForEachTest(
      [&](absl::string_view technique, const cov::v1::TestProcedure& t) {
        lib->tests[std::string(technique)].push_back(t);
        return true;
      });
  if (!st.ok()) return st;
  st = store_->ForEachPlan([&](const cov::v1::PlanResponse& p) {
    lib->plans.push_back(p);
    return true;
  });
  if (!st.ok()) return st;
  library_ = lib;
  return library_;
}

absl::StatusOr<std::shared_ptr<const engine::EvidenceIndex>>
CovServiceImpl::GetEvidence() {
  absl::MutexLock lock(&evidence_mu_);
  const int64_t gen = store_->EvidenceGeneration();
  if (evidence_ != nullptr && evidence_generation_ == gen) return evidence_;
  std::vector<cov::v1::Experiment> all;
  absl::Status st =
      store_->ForEachExperiment([&](const cov::v1::Experiment& e) {
        all.push_back(e);
        return true;
      });
  if (!st.ok()) return st;
  evidence_ = std::make_shared<const engine::EvidenceIndex>(all);
  evidence_generation_ = gen;
  return evidence_;
}

absl::StatusOr<cov::v1::PlanResponse> CovServiceImpl::Plan(
    const cov::v1::PlanRequest& request) {
  auto qc = PrepareQuery(request.release(), cov::v1::CoverageOptions());
  if (!qc.ok()) return qc.status();
  auto lib = GetLibrary();
  if (!lib.ok()) return lib.status();
  engine::PlanInputs in;
  in.kb = qc->kb.get();
  in.rules = qc->rules.get();
  in.tests = &(*lib)->tests;
  in.ctid_plans = &(*lib)->plans;
  in.evidence = qc->evidence.get();
  return engine::BuildPlan(in, request);
}

grpc::ServerUnaryReactor* CovServiceImpl::IngestLibrary(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestLibraryRequest* request,
    cov::v1::IngestLibraryResponse* response) {
  auto r = library::IngestLibrary(*store_, *request);
  if (!r.ok()) return Finish(ctx, r.status());
  std::fprintf(stderr,
               "covd: ingest %s %s -> source %s: %d files, %d tests, %d plans, "
               "%d techniques, %d diagnostics in %.0f ms\n",
               request->kind().c_str(), request->path().c_str(),
               r->source().c_str(), r->files(), r->tests(), r->plans(),
               r->techniques(), r->diagnostics_size(), r->elapsed_ms());
  *response = *std::move(r);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetPlan(
    grpc::CallbackServerContext* ctx, const cov::v1::PlanRequest* request,
    cov::v1::PlanResponse* response) {
  auto plan = Plan(*request);
  if (!plan.ok()) return Finish(ctx, plan.status());
  *response = *std::move(plan);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::StartExperiment(
    grpc::CallbackServerContext* ctx,
    const cov::v1::StartExperimentRequest* request,
    cov::v1::Experiment* response) {
  if (request->name().empty()) {
    return Finish(ctx,
                  absl::InvalidArgumentError("an experiment needs a name"));
  }
  auto plan = Plan(request->plan());
  if (!plan.ok()) return Finish(ctx, plan.status());
  auto id = store_->NextExperimentId();
  if (!id.ok()) return Finish(ctx, id.status());
  cov::v1::Experiment e;
  e.set_id(*id);
  e.set_name(request->name());
  e.set_started_at_unix(request->started_at_unix() > 0
                            ? request->started_at_unix()
                            : absl::ToUnixSeconds(absl::Now()));
  e.set_ended_at_unix(request->ended_at_unix());
  *e.mutable_plan() = *std::move(plan);
  *e.mutable_plan_request() = request->plan();
  absl::Status st = store_->PutExperiment(e);
  if (!st.ok()) return Finish(ctx, st);
  *response = std::move(e);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::RecordResult(
    grpc::CallbackServerContext* ctx,
    const cov::v1::RecordResultRequest* request,
    cov::v1::Experiment* response) {
  const cov::v1::ExperimentResult& in = request->result();
  if (in.outcome() != "detected" && in.outcome() != "missed" &&
      in.outcome() != "partial") {
    return Finish(ctx, absl::InvalidArgumentError(absl::StrCat(
                           "outcome must be detected, missed or partial, not '",
                           in.outcome(), "'")));
  }
  auto qc = PrepareQuery(cov::v1::ReleaseRef(), cov::v1::CoverageOptions());
  if (!qc.ok()) return Finish(ctx, qc.status());
  const cov::v1::Technique* t = qc->kb->FindTechnique(in.technique_id());
  if (t == nullptr) {
    return Finish(ctx, absl::NotFoundError(absl::StrCat(
                           "technique ", in.technique_id(),
                           " is not in ATT&CK ", qc->kb->release_key())));
  }
  cov::v1::ExperimentResult result = in;
  result.set_technique_id(t->id());
  result.clear_rule_hashes();
  for (const auto& uid : in.rule_uids()) {
    int idx = qc->rules->FindUid(uid);
    if (idx < 0) {
      return Finish(ctx, absl::NotFoundError(absl::StrCat(
                             "rule ", uid, " is not in the store")));
    }
    result.add_rule_hashes(qc->rules->rules()[idx].content_hash);
  }
  result.set_recorded_at_unix(absl::ToUnixSeconds(absl::Now()));
  result.set_recorded_by("manual");
  absl::MutexLock lock(&experiment_mu_);
  auto e = store_->GetExperiment(request->experiment_id());
  if (!e.ok()) return Finish(ctx, e.status());
  *e->add_results() = std::move(result);
  absl::Status st = store_->PutExperiment(*e);
  if (!st.ok()) return Finish(ctx, st);
  *response = *std::move(e);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::ImportAlerts(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ImportAlertsRequest* request,
    cov::v1::ImportAlertsResponse* response) {
  auto qc = PrepareQuery(cov::v1::ReleaseRef(), cov::v1::CoverageOptions());
  if (!qc.ok()) return Finish(ctx, qc.status());
  absl::MutexLock lock(&experiment_mu_);
  auto e = store_->GetExperiment(request->experiment_id());
  if (!e.ok()) return Finish(ctx, e.status());
  auto imported = engine::MatchAlerts(
      *e, *qc->rules, request->format(), request->content(),
      request->file_name().empty() ? "<alerts>" : request->file_name(),
      absl::ToUnixSeconds(absl::Now()));
  if (!imported.ok()) return Finish(ctx, imported.status());
  for (const auto& r : imported->response.results()) *e->add_results() = r;
  absl::Status st = store_->PutExperiment(*e);
  if (!st.ok()) return Finish(ctx, st);
  std::fprintf(stderr,
               "covd: import %s into %s: %d alerts, %d matched, %d malformed, "
               "%d results\n",
               request->format().c_str(), e->id().c_str(),
               imported->response.alerts(), imported->response.matched(),
               imported->response.malformed(),
               imported->response.results_size());
  *response = std::move(imported->response);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::GetExperiment(
    grpc::CallbackServerContext* ctx,
    const cov::v1::GetExperimentRequest* request,
    cov::v1::Experiment* response) {
  auto e = store_->GetExperiment(request->id());
  if (!e.ok()) return Finish(ctx, e.status());
  *response = *std::move(e);
  // Refresh the plan's evidence tiers to the current state.
  auto qc = PrepareQuery(cov::v1::ReleaseRef(), cov::v1::CoverageOptions());
  if (qc.ok()) {
    for (auto& step : *response->mutable_plan()->mutable_steps()) {
      bool claimed = !qc->rules->RulesFor(step.technique_id()).empty();
      step.set_evidence(
          qc->evidence->Tier(step.technique_id(), claimed, *qc->rules));
    }
  }
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::ListExperiments(
    grpc::CallbackServerContext* ctx, const cov::v1::ListExperimentsRequest*,
    cov::v1::ListExperimentsResponse* response) {
  absl::Status st =
      store_->ForEachExperiment([&](const cov::v1::Experiment& e) {
        cov::v1::Experiment* out = response->add_experiments();
        out->set_id(e.id());
        out->set_name(e.name());
        out->set_started_at_unix(e.started_at_unix());
        out->set_ended_at_unix(e.ended_at_unix());
        out->mutable_plan()->set_subject(e.plan().subject());
        return true;
      });
  return Finish(ctx, st);
}

grpc::ServerUnaryReactor* CovServiceImpl::IngestRules(
    grpc::CallbackServerContext* ctx,
    const cov::v1::IngestRulesRequest* request,
    cov::v1::IngestRulesResponse* response) {
  auto models = Models(request->release());
  if (!models.ok()) return Finish(ctx, models.status());
  rules::IngestContext context;
  context.store = store_;
  context.kb = models->first;
  context.others = models->second;
  absl::StatusOr<cov::v1::IngestRulesResponse> r =
      rules::IngestRules(context, *request);
  if (!r.ok()) {
    std::fprintf(stderr, "covd: ingest %s %s failed: %s\n",
                 std::string(ingest::FormatName(request->format())).c_str(),
                 request->path().c_str(), r.status().ToString().c_str());
    return Finish(ctx, r.status());
  }
  const cov::v1::Source& s = r->source();
  std::fprintf(stderr,
               "covd: ingest %s %s -> source %s: %d rules in %d files "
               "(%d parsed, %d unchanged, %d removed), %d errors in %.0f ms\n",
               std::string(ingest::FormatName(request->format())).c_str(),
               s.path().c_str(), s.name().c_str(), s.rule_count(),
               s.file_count(), r->files_parsed(), r->files_skipped(),
               r->files_removed(), s.error_count(), r->elapsed_ms());
  *response = *std::move(r);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::ListSources(
    grpc::CallbackServerContext* ctx, const cov::v1::ListSourcesRequest*,
    cov::v1::ListSourcesResponse* response) {
  auto r = store_->ListSources();
  if (!r.ok()) return Finish(ctx, r.status());
  for (auto& s : *r) *response->add_sources() = std::move(s);
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::ListRuleErrors(
    grpc::CallbackServerContext* ctx,
    const cov::v1::ListRuleErrorsRequest* request,
    cov::v1::ListRuleErrorsResponse* response) {
  auto source = store_->GetSource(request->source());
  if (!source.ok()) return Finish(ctx, source.status());
  auto files = store_->ListFiles(request->source());
  if (!files.ok()) return Finish(ctx, files.status());
  for (const auto& f : *files) {
    for (const auto& d : f.diagnostics()) *response->add_diagnostics() = d;
  }
  return Finish(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* CovServiceImpl::ListRules(
    grpc::CallbackServerContext* ctx, const cov::v1::ListRulesRequest* request,
    cov::v1::ListRulesResponse* response) {
  if (!request->source().empty()) {
    auto source = store_->GetSource(request->source());
    if (!source.ok()) return Finish(ctx, source.status());
  }
  const int page_size =
      request->page_size() <= 0 ? 100 : std::min(request->page_size(), 1000);
  int64_t skip = 0;
  if (!request->page_token().empty() &&
      !absl::SimpleAtoi(request->page_token(), &skip)) {
    return Finish(ctx, absl::InvalidArgumentError("invalid page_token"));
  }
  const std::string technique = absl::AsciiStrToUpper(request->technique_id());
  int64_t index = 0;
  bool more = false;
  absl::Status st =
      store_->ForEachRule(request->source(), [&](const cov::v1::Rule& rule) {
        if (!technique.empty()) {
          bool match = false;
          for (const auto& ref : rule.attack_refs()) {
            match |= ref.kind() == "technique" &&
                     (ref.id() == technique || ref.resolved_id() == technique);
          }
          if (!match) return true;
        }
        if (index++ < skip) return true;
        if (response->rules_size() >= page_size) {
          more = true;
          return false;
        }
        *response->add_rules() = rule;
        return true;
      });
  if (!st.ok()) return Finish(ctx, st);
  if (more) response->set_next_page_token(std::to_string(skip + page_size));
  return Finish(ctx, absl::OkStatus());
}

}  // namespace cov::server::service
