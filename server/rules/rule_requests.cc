#include "server/rules/rule_requests.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ingest/profile/profile_infer.h"
#include "ingest/profile/profile_parser.h"
#include "server/check/render.h"
#include "server/engine/ref_resolver.h"
#include "server/replay/regression_tests.h"
#include "server/rules/rule_ingest.h"

namespace cov::server::rules {

absl::StatusOr<cov::v1::IngestRulesResponse> Ingest(
    kb::Models& models, const cov::v1::IngestRulesRequest& request,
    const auth::PathCheck& check_path, int nice) {
  absl::StatusOr<kb::ResolvedModels> resolved =
      models.Resolve(request.release());
  if (!resolved.ok()) return resolved.status();
  IngestContext context;
  context.store = models.store();
  context.kb = resolved->kb;
  context.others = resolved->others;
  context.check_path = check_path;
  context.nice = nice;
  absl::StatusOr<cov::v1::IngestRulesResponse> response =
      IngestRules(context, request);
  if (!response.ok()) return response;
  // Warm before acknowledging: the first read after the answer does not pay
  // the rebuild. The ingest is stored either way; on a failure here the
  // next reader rebuilds (and reports the error) itself.
  models.RefreshRules().IgnoreError();
  return response;
}

namespace {

// A rule's place in a ListRules walk: (source, file, uid, ordinal), the
// ordinal telling apart rules of one file sharing a uid (0 for a unique
// one, else their rank by line). Stable across re-ingests for every rule
// that stays, unlike its index or line in the store.
struct RuleSortKey {
  std::string source;
  std::string file;
  std::string uid;
  int64_t ordinal = 0;

  bool operator<(const RuleSortKey& o) const {
    return std::tie(source, file, uid, ordinal) <
           std::tie(o.source, o.file, o.uid, o.ordinal);
  }
};

constexpr absl::string_view kTokenVersion = "k1";

// Opaque: web-safe base64 of "k1\0source\0file\0uid\0ordinal".
std::string EncodeToken(const RuleSortKey& k) {
  const absl::string_view nul("\0", 1);
  return absl::WebSafeBase64Escape(absl::StrCat(
      kTokenVersion, nul, k.source, nul, k.file, nul, k.uid, nul, k.ordinal));
}

absl::StatusOr<RuleSortKey> DecodeToken(absl::string_view token) {
  const absl::Status invalid = absl::InvalidArgumentError("invalid page_token");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return invalid;
  std::vector<std::string> parts =
      absl::StrSplit(raw, absl::string_view("\0", 1));
  RuleSortKey k;
  if (parts.size() != 5 || parts[0] != kTokenVersion ||
      !absl::SimpleAtoi(parts[4], &k.ordinal) || k.ordinal < 0) {
    return invalid;
  }
  k.source = std::move(parts[1]);
  k.file = std::move(parts[2]);
  k.uid = std::move(parts[3]);
  return k;
}

bool References(const cov::v1::Rule& rule, absl::string_view technique) {
  for (const auto& ref : rule.attack_refs()) {
    if (ref.kind() == "technique" &&
        (ref.id() == technique || ref.resolved_id() == technique)) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<cov::v1::ListRulesResponse> ListRules(
    const store::Store& store, const cov::v1::ListRulesRequest& request) {
  if (!request.source().empty()) {
    auto source = store.GetSource(request.source());
    if (!source.ok()) return source.status();
  }
  const int page_size =
      request.page_size() <= 0 ? 100 : std::min(request.page_size(), 1000);
  std::optional<RuleSortKey> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<RuleSortKey> k = DecodeToken(request.page_token());
    if (!k.ok()) return k.status();
    after = *std::move(k);
  }
  const std::string technique = absl::AsciiStrToUpper(request.technique_id());
  cov::v1::ListRulesResponse response;
  bool more = false;
  RuleSortKey last;
  // The store yields rules file by file, files in (source, path) order;
  // within a file they are sorted by (uid, line) here, so the walk follows
  // RuleSortKey order and resumes after the token's key whatever changed.
  std::vector<cov::v1::Rule> file;
  auto flush = [&]() -> bool {
    std::sort(file.begin(), file.end(), [](const auto& a, const auto& b) {
      if (a.uid() != b.uid()) return a.uid() < b.uid();
      return a.line() < b.line();
    });
    RuleSortKey key;
    for (size_t i = 0; i < file.size(); ++i) {
      cov::v1::Rule& rule = file[i];
      key.ordinal =
          i > 0 && file[i - 1].uid() == rule.uid() ? key.ordinal + 1 : 0;
      key.source = rule.source();
      key.file = rule.file();
      key.uid = rule.uid();
      if (after.has_value() && !(*after < key)) continue;
      if (response.rules_size() >= page_size) {
        more = true;
        return false;
      }
      *response.add_rules() = std::move(rule);
      last = key;
    }
    file.clear();
    return true;
  };
  absl::Status st =
      store.ForEachRule(request.source(), [&](const cov::v1::Rule& rule) {
        if (!technique.empty() && !References(rule, technique)) return true;
        // Cheap skip of what lies wholly before the token.
        if (after.has_value() &&
            std::tie(rule.source(), rule.file(), rule.uid()) <
                std::tie(after->source, after->file, after->uid)) {
          return true;
        }
        if (!file.empty() && (file.front().source() != rule.source() ||
                              file.front().file() != rule.file())) {
          if (!flush()) return false;
        }
        file.push_back(rule);
        return true;
      });
  if (!st.ok()) return st;
  if (!more) flush();
  if (more) response.set_next_page_token(EncodeToken(last));
  return response;
}

absl::StatusOr<cov::v1::ListRulesResponse> ListRules(
    kb::Models& models, const cov::v1::ListRulesRequest& request) {
  absl::StatusOr<cov::v1::ListRulesResponse> page =
      ListRules(*models.store(), request);
  if (!page.ok()) return page;
  absl::StatusOr<kb::ResolvedModels> resolved = models.Resolve({});
  if (!resolved.ok()) return resolved.status();
  if (resolved->kb == nullptr) return page;  // no release stored
  for (cov::v1::Rule& rule : *page->mutable_rules()) {
    engine::ResolveRefs(*resolved->kb, resolved->others, &rule);
  }
  return page;
}

std::shared_ptr<const cov::v1::ListRulesResponse> ListRulesCache::Find(
    const std::string& identity, const std::string& request_key) const {
  absl::MutexLock lock(&mu_);
  if (identity != identity_) return nullptr;
  auto it = answers_.find(request_key);
  return it == answers_.end() ? nullptr : it->second;
}

void ListRulesCache::Insert(
    const std::string& identity, const std::string& request_key,
    std::shared_ptr<const cov::v1::ListRulesResponse> answer) {
  const size_t bytes = answer->ByteSizeLong() + request_key.size();
  if (bytes > max_bytes_) return;
  absl::MutexLock lock(&mu_);
  if (identity != identity_ || answers_.size() >= max_entries_ ||
      bytes_ + bytes > max_bytes_) {
    answers_.clear();
    bytes_ = 0;
    identity_ = identity;
  }
  if (answers_.emplace(request_key, std::move(answer)).second) bytes_ += bytes;
}

size_t ListRulesCache::size() const {
  absl::MutexLock lock(&mu_);
  return answers_.size();
}

absl::StatusOr<cov::v1::ListRulesResponse> ListRules(
    kb::Models& models, ListRulesCache* cache,
    const cov::v1::ListRulesRequest& request) {
  if (cache == nullptr) return ListRules(models, request);
  // The generation before the rules: the answer is at least that new.
  const int64_t generation = models.store()->RulesGeneration();
  absl::StatusOr<kb::ResolvedModels> resolved = models.Resolve({});
  if (!resolved.ok()) return resolved.status();
  std::string identity = absl::StrCat("r", generation);
  // A model is replaced, never changed, when its release is re-ingested:
  // the release fields name it.
  auto append = [&](const engine::KnowledgeBase& kb) {
    absl::StrAppend(&identity, "/", kb.release_key(), "#",
                    kb.release().sha256(), "#",
                    kb.release().ingested_at_unix());
  };
  if (resolved->kb != nullptr) append(*resolved->kb);
  for (const auto& kb : resolved->others) append(*kb);
  const std::string key = request.SerializeAsString();
  if (auto hit = cache->Find(identity, key)) return *hit;
  absl::StatusOr<cov::v1::ListRulesResponse> page =
      ListRules(*models.store(), request);
  if (!page.ok()) return page;
  if (resolved->kb != nullptr) {
    for (cov::v1::Rule& rule : *page->mutable_rules()) {
      engine::ResolveRefs(*resolved->kb, resolved->others, &rule);
    }
  }
  cache->Insert(identity, key,
                std::make_shared<const cov::v1::ListRulesResponse>(*page));
  return page;
}

absl::StatusOr<cov::v1::DeleteSourceResponse> DeleteSource(
    store::Store& store, const cov::v1::DeleteSourceRequest& request) {
  absl::StatusOr<cov::v1::Source> source = store.GetSource(request.name());
  if (!source.ok()) {
    return absl::NotFoundError(
        absl::StrCat("rule source '", request.name(), "' is not stored"));
  }
  absl::Status st = store.DeleteSource(request.name());
  if (!st.ok()) return st;
  cov::v1::DeleteSourceResponse out;
  *out.mutable_source() = *std::move(source);
  return out;
}

absl::StatusOr<cov::v1::DeleteSourceResponse> DeleteSource(
    kb::Models& models, const cov::v1::DeleteSourceRequest& request) {
  absl::StatusOr<cov::v1::DeleteSourceResponse> response =
      DeleteSource(*models.store(), request);
  if (response.ok()) models.RefreshRules().IgnoreError();  // as in Ingest
  return response;
}

absl::StatusOr<cov::v1::ListSourcesResponse> ListAllSources(
    const store::Store& store) {
  cov::v1::ListSourcesResponse out;
  absl::StatusOr<std::vector<cov::v1::Source>> rules = store.ListSources();
  if (!rules.ok()) return rules.status();
  for (cov::v1::Source& s : *rules) *out.add_sources() = std::move(s);
  absl::StatusOr<std::vector<cov::v1::Source>> libs =
      store.ListLibrarySources();
  if (!libs.ok()) return libs.status();
  for (cov::v1::Source& s : *libs) *out.add_libraries() = std::move(s);
  return out;
}

absl::StatusOr<cov::v1::ListRuleErrorsResponse> ListRuleErrors(
    const store::Store& store, const cov::v1::ListRuleErrorsRequest& request) {
  auto source = store.GetSource(request.source());
  if (!source.ok()) return source.status();
  auto files = store.ListFiles(request.source());
  if (!files.ok()) return files.status();
  cov::v1::ListRuleErrorsResponse response;
  for (const auto& f : *files) {
    for (const auto& d : f.diagnostics()) *response.add_diagnostics() = d;
  }
  return response;
}

absl::StatusOr<cov::v1::InferProfileResponse> InferProfile(
    const store::Store& store, const cov::v1::InferProfileRequest& request) {
  std::vector<cov::v1::Rule> rules;
  absl::flat_hash_set<std::string> wanted(request.sources().begin(),
                                          request.sources().end());
  for (const std::string& s : wanted) {
    auto src = store.GetSource(s);
    if (!src.ok()) return src.status();
  }
  absl::Status st = store.ForEachRule("", [&](const cov::v1::Rule& r) {
    if (wanted.empty() || wanted.contains(r.source())) rules.push_back(r);
    return true;
  });
  if (!st.ok()) return st;
  if (rules.empty()) {
    return absl::FailedPreconditionError(
        "no rules to infer from; ingest rules first");
  }
  ingest::profile::InferredProfile inferred = ingest::profile::InferProfile(
      rules, request.name().empty() ? "inferred" : request.name());
  cov::v1::InferProfileResponse response;
  *response.mutable_profile() = inferred.profile;
  if (!request.release().version().empty()) {
    *response.mutable_profile()->mutable_release() = request.release();
  }
  response.set_yaml(ingest::profile::ProfileToYaml(response.profile()));
  for (const auto& u : inferred.unmapped) {
    cov::v1::GroupCoverage* g = response.add_unmapped();
    g->set_key(absl::StrCat(u.product, "/", u.category, "/", u.service));
    g->set_rule_count(u.rule_count);
  }
  response.set_mapped_rules(inferred.mapped_rules);
  response.set_unmapped_rules(inferred.unmapped_rules);
  response.set_skipped_rules(inferred.skipped_rules);
  return response;
}

namespace {

// `cov check --tests`: the change's Sigma rules run on their regression
// tests (server/replay/regression_tests.h); failures become findings.
void AddRegressionTests(const cov::v1::CheckRequest& request,
                        cov::v1::CheckResponse* response) {
  std::vector<cov::v1::RegressionTestResult> results =
      replay::RunRegressionTests(replay::SigmaRulesOf(request.files()),
                                 request.tests());
  for (cov::v1::Diagnostic& d : replay::RegressionFindings(results)) {
    *response->add_findings() = std::move(d);
    response->set_failed(true);
  }
  for (cov::v1::RegressionTestResult& r : results) {
    *response->add_regression_tests() = std::move(r);
  }
}

}  // namespace

absl::StatusOr<cov::v1::CheckResponse> Check(
    kb::Models& models, ParseCache* cache,
    const cov::v1::CheckRequest& request) {
  if (!request.output_format().empty() &&
      !check::IsRenderFormat(request.output_format())) {
    return absl::InvalidArgumentError(
        absl::StrCat("output format must be text, json, sarif, junit or "
                     "github, not '",
                     request.output_format(), "'"));
  }
  if (!request.fail_on().empty() && request.fail_on() != "error" &&
      request.fail_on() != "warning") {
    return absl::InvalidArgumentError("fail_on must be error or warning");
  }
  absl::StatusOr<kb::QueryContext> qc =
      models.Prepare(request.release(), request.options());
  if (!qc.ok()) return qc.status();
  CheckContext cc;
  cc.kb = qc->kb;
  cc.others = qc->others;
  cc.query = qc->query;
  cc.cache = cache;
  CheckExtras extras;
  cov::v1::CheckResponse response = CheckRules(cc, request, &extras);
  if (request.tests_size() > 0) AddRegressionTests(request, &response);
  if (!request.output_format().empty()) {
    check::RenderOptions ro;
    ro.fail_on = request.fail_on() == "warning" ? cov::v1::SEVERITY_WARNING
                                                : cov::v1::SEVERITY_ERROR;
    ro.checked_files = extras.checked_files;
    for (const auto& [t, loc] : extras.lost_at) {
      check::SourceLocation sl;
      sl.path = loc.first;
      sl.line = loc.second;
      ro.regression_locations[t] = sl;
    }
    response.set_rendered(
        check::RenderCheck(response, request.output_format(), ro));
  }
  return response;
}

}  // namespace cov::server::rules
