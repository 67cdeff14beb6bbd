#include "server/rules/rule_check.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ingest/base/diagnostics.h"
#include "ingest/registry/parsers.h"
#include "server/engine/rule_index.h"

namespace cov::server::rules {
namespace {

struct Side {
  std::vector<std::shared_ptr<const CheckedFile>> files;
  std::vector<cov::v1::Diagnostic> unknown_format;
  int parsed_files = 0;
};

void RefFindings(const CheckContext& ctx, const cov::v1::CheckRequest& req,
                 const cov::v1::Rule& rule,
                 std::vector<cov::v1::Diagnostic>* out);

std::shared_ptr<const CheckedFile> CheckFile(const CheckContext& ctx,
                                             const cov::v1::CheckRequest& req,
                                             cov::v1::RuleFormat format,
                                             const cov::v1::RuleFile& file) {
  auto out = std::make_shared<CheckedFile>();
  ingest::SourceFile sf;
  sf.path = file.path();
  sf.content = file.content();
  sf.source = "check";
  ingest::ParsedFile parsed = ingest::ParserFor(format)->Parse(sf);
  out->findings = std::move(parsed.diagnostics);
  for (cov::v1::Rule& r : parsed.rules) {
    r.set_file(file.path());
    if (ctx.kb != nullptr) engine::ResolveRefs(*ctx.kb, ctx.others, &r);
    RefFindings(ctx, req, r, &out->findings);
    if (ctx.kb != nullptr) {
      out->facts.push_back(engine::RuleIndex::FactsOf(*ctx.kb, r));
    }
    out->ids.push_back({r.uid(), r.line(), r.format()});
    for (const auto& ref : r.attack_refs()) {
      if (ref.kind() == "technique" && !ref.resolved_id().empty()) {
        out->technique_lines.emplace_back(
            ref.resolved_id(), ref.line() > 0 ? ref.line() : r.line());
      }
    }
  }
  return out;
}

// Checks every file of one side (in parallel), through the cache.
Side ParseSide(
    const CheckContext& ctx, const cov::v1::CheckRequest& req,
    const google::protobuf::RepeatedPtrField<cov::v1::RuleFile>& files) {
  Side side;
  side.files.resize(files.size());
  std::vector<cov::v1::RuleFormat> formats(files.size());
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i = next++; i < files.size(); i = next++) {
      formats[i] = FormatOf(files[i]);
      if (formats[i] == cov::v1::RULE_FORMAT_UNSPECIFIED) continue;
      const std::string& content = files[i].content();
      // The cache lives in this process, so absl::Hash (fast, seeded per
      // process) is fine here; FNV-1a byte by byte cost 70 ms per 68 MB.
      std::string key = absl::StrFormat(
          "%d\x1f%s\x1f%016x\x1f%d\x1f%p\x1f%d", formats[i], files[i].path(),
          absl::Hash<absl::string_view>{}(content), content.size(),
          static_cast<const void*>(ctx.kb.get()), req.flag_parent_and_sub());
      std::shared_ptr<const CheckedFile> hit =
          ctx.cache != nullptr ? ctx.cache->Get(key) : nullptr;
      if (hit == nullptr) {
        hit = CheckFile(ctx, req, formats[i], files[i]);
        if (ctx.cache != nullptr) ctx.cache->Put(key, hit);
      }
      side.files[i] = std::move(hit);
    }
  };
  int threads = ctx.threads > 0
                    ? ctx.threads
                    : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, std::max(1, files.size()));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (int i = 0; i < files.size(); ++i) {
    if (formats[i] == cov::v1::RULE_FORMAT_UNSPECIFIED) {
      side.unknown_format.push_back(ingest::Warning(
          files[i].path(), 0, 0, "check-unknown-format",
          "no parser reads this file (expected .yml/.yaml, .rules, "
          ".yar/.yara); skipped"));
    } else {
      ++side.parsed_files;
    }
  }
  return side;
}

// Findings on the ATT&CK references of one rule.
void RefFindings(const CheckContext& ctx, const cov::v1::CheckRequest& req,
                 const cov::v1::Rule& rule,
                 std::vector<cov::v1::Diagnostic>* out) {
  auto add = [&](cov::v1::Severity sev, absl::string_view code, int line,
                 const std::string& message) {
    cov::v1::Diagnostic d = ingest::MakeDiagnostic(
        sev, rule.file(), line > 0 ? line : rule.line(), 0, code, message);
    d.set_object(rule.uid());
    out->push_back(std::move(d));
  };
  bool any_technique = false;
  std::set<std::string> techniques;
  for (const cov::v1::AttackRef& ref : rule.attack_refs()) {
    if (ref.kind() == "technique") any_technique = true;
    switch (ref.status()) {
      case cov::v1::REF_STATUS_UNKNOWN:
        add(cov::v1::SEVERITY_ERROR, "attack-unknown", ref.line(),
            absl::StrCat("'", ref.raw(), "': ", ref.note()));
        break;
      case cov::v1::REF_STATUS_WRONG_DOMAIN:
        add(cov::v1::SEVERITY_ERROR, "attack-wrong-domain", ref.line(),
            absl::StrCat("'", ref.raw(), "': ", ref.note()));
        break;
      case cov::v1::REF_STATUS_REVOKED:
        add(cov::v1::SEVERITY_WARNING, "attack-revoked", ref.line(),
            absl::StrCat("'", ref.raw(), "': ", ref.note(),
                         " (`cov fix --revoked` rewrites it)"));
        break;
      case cov::v1::REF_STATUS_DEPRECATED:
        add(cov::v1::SEVERITY_WARNING, "attack-deprecated", ref.line(),
            absl::StrCat("'", ref.raw(), "': ", ref.note()));
        break;
      case cov::v1::REF_STATUS_TACTIC_MISMATCH:
        add(cov::v1::SEVERITY_WARNING, "attack-tactic-mismatch", ref.line(),
            absl::StrCat("'", ref.raw(), "': ", ref.note()));
        break;
      default:
        break;
    }
    if (ref.kind() == "technique" &&
        (ref.status() == cov::v1::REF_STATUS_VALID ||
         ref.status() == cov::v1::REF_STATUS_REVOKED)) {
      techniques.insert(ref.resolved_id());
    }
  }
  // Elastic writes each technique's name beside its ID: a name that is not
  // the release's usually means the ID is a typo or from another version.
  for (const std::string& entry : rule.attack_names()) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    const absl::string_view id = absl::string_view(entry).substr(0, eq);
    const absl::string_view written =
        absl::StripAsciiWhitespace(absl::string_view(entry).substr(eq + 1));
    const cov::v1::AttackRef* ref = nullptr;
    for (const cov::v1::AttackRef& r : rule.attack_refs()) {
      if (r.kind() == "technique" && absl::EqualsIgnoreCase(r.id(), id)) {
        ref = &r;
        break;
      }
    }
    if (ref == nullptr || ref->status() != cov::v1::REF_STATUS_VALID) continue;
    const cov::v1::Technique* t = ctx.kb->FindTechnique(ref->resolved_id());
    if (t == nullptr || absl::EqualsIgnoreCase(t->name(), written)) continue;
    add(cov::v1::SEVERITY_WARNING, "attack-name-mismatch", ref->line(),
        absl::StrCat("'", ref->raw(), "' is named '", t->name(), "' in ",
                     ctx.kb->release_key(), ", not '", written,
                     "' (renamed since, or the wrong ID)"));
  }
  if (!any_technique && !rule.is_correlation()) {
    add(cov::v1::SEVERITY_WARNING, "attack-no-technique", rule.line(),
        absl::StrCat("rule '", rule.title(),
                     "' names no ATT&CK technique, so it counts for no "
                     "coverage"));
  }
  if (req.flag_parent_and_sub()) {
    for (const std::string& t : techniques) {
      size_t dot = t.find('.');
      if (dot != std::string::npos && techniques.count(t.substr(0, dot))) {
        add(cov::v1::SEVERITY_WARNING, "attack-parent-and-subtechnique",
            rule.line(),
            absl::StrCat("rule tags both ", t.substr(0, dot),
                         " and its "
                         "sub-technique ",
                         t, "; tag the sub-technique only"));
      }
    }
  }
}

struct Covered {
  std::set<std::string> techniques;
  std::set<std::string> tactics;
};

Covered CoveredBy(const CheckContext& ctx, const Side& side) {
  std::vector<engine::RuleFacts> facts;
  for (const auto& f : side.files) {
    if (f == nullptr) continue;
    facts.insert(facts.end(), f->facts.begin(), f->facts.end());
  }
  engine::RuleIndex index(std::move(facts));
  engine::CoverageQuery q = ctx.query;
  q.profile.sources.clear();  // the files are the sources
  q.rules_per_technique = 1;
  q.evidence = nullptr;
  q.min_evidence.clear();
  cov::v1::CoverageResponse r = engine::ComputeCoverage(*ctx.kb, index, q);
  Covered c;
  for (const auto& t : r.techniques()) {
    if (t.potential() && (t.rule_count() > 0 || t.covered_by_rollup())) {
      c.techniques.insert(t.technique_id());
    }
  }
  for (const auto& t : r.tactics()) {
    if (t.covered() > 0) c.tactics.insert(t.tactic());
  }
  return c;
}

// "cov: allow-regression T1197, T1105" markers in any file of the request.
absl::flat_hash_set<std::string> AllowMarkers(
    const cov::v1::CheckRequest& req) {
  absl::flat_hash_set<std::string> out;
  constexpr absl::string_view kMarker = "cov: allow-regression";
  auto scan = [&](const cov::v1::RuleFile& f) {
    absl::string_view text = f.content();
    size_t pos = 0;
    while ((pos = text.find(kMarker, pos)) != absl::string_view::npos) {
      pos += kMarker.size();
      size_t end = text.find('\n', pos);
      absl::string_view rest =
          text.substr(pos, end == absl::string_view::npos ? end : end - pos);
      std::string token;
      for (char c : rest) {
        if (absl::ascii_isalnum(c) || c == '.') {
          token.push_back(absl::ascii_toupper(c));
        } else {
          if (token.size() >= 5 && token[0] == 'T') out.insert(token);
          token.clear();
        }
      }
      if (token.size() >= 5 && token[0] == 'T') out.insert(token);
    }
  };
  for (const auto& f : req.files()) scan(f);
  for (const auto& f : req.base_files()) scan(f);
  return out;
}

}  // namespace

std::shared_ptr<const CheckedFile> ParseCache::Get(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

void ParseCache::Put(const std::string& key,
                     std::shared_ptr<const CheckedFile> value) {
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= max_entries_) entries_.clear();  // crude bound
  entries_[key] = std::move(value);
}

cov::v1::RuleFormat FormatOf(const cov::v1::RuleFile& file) {
  if (file.format() != cov::v1::RULE_FORMAT_UNSPECIFIED) return file.format();
  for (cov::v1::RuleFormat f :
       {cov::v1::RULE_FORMAT_SIGMA, cov::v1::RULE_FORMAT_YARA,
        cov::v1::RULE_FORMAT_SURICATA, cov::v1::RULE_FORMAT_ELASTIC}) {
    // Splunk and Sentinel files are YAML like Sigma, layers JSON/CSV: they
    // are checked only when the request names their format.
    // YARA before Suricata: both parsers accept ".rules"; a ".rules" file
    // is a Suricata file unless told otherwise.
    if (f == cov::v1::RULE_FORMAT_YARA &&
        absl::EndsWithIgnoreCase(file.path(), ".rules")) {
      continue;
    }
    if (ingest::ParserFor(f)->Accepts(file.path())) return f;
  }
  return cov::v1::RULE_FORMAT_UNSPECIFIED;
}

cov::v1::CheckResponse CheckRules(const CheckContext& ctx,
                                  const cov::v1::CheckRequest& req,
                                  CheckExtras* extras) {
  cov::v1::CheckResponse out;
  if (extras != nullptr) {
    for (const auto& f : req.files()) extras->checked_files.push_back(f.path());
  }
  Side head = ParseSide(ctx, req, req.files());
  out.set_files_checked(head.parsed_files);
  std::vector<cov::v1::Diagnostic> findings = std::move(head.unknown_format);
  int rules_checked = 0;
  std::map<std::string, std::pair<const cov::v1::RuleFile*, int>> first;
  for (int i = 0; i < req.files_size(); ++i) {
    const auto& cf = head.files[i];
    if (cf == nullptr) continue;
    rules_checked += static_cast<int>(cf->ids.size());
    findings.insert(findings.end(), cf->findings.begin(), cf->findings.end());
    // Duplicate IDs across the files of the change.
    for (const auto& id : cf->ids) {
      if (id.format == cov::v1::RULE_FORMAT_YARA) continue;
      auto [it, inserted] =
          first.emplace(id.uid, std::make_pair(&req.files(i), id.line));
      if (!inserted && it->second.first->path() != req.files(i).path()) {
        cov::v1::Diagnostic d = ingest::Error(
            req.files(i).path(), id.line, 0, "duplicate-id",
            absl::StrCat("rule ID ", id.uid, " is also defined in ",
                         it->second.first->path(), ":", it->second.second));
        d.set_object(id.uid);
        findings.push_back(std::move(d));
      }
    }
  }
  out.set_rules_checked(rules_checked);
  std::stable_sort(findings.begin(), findings.end(),
                   [](const auto& a, const auto& b) {
                     if (a.file() != b.file()) return a.file() < b.file();
                     return a.line() < b.line();
                   });
  const cov::v1::Severity floor = req.fail_on() == "warning"
                                      ? cov::v1::SEVERITY_WARNING
                                      : cov::v1::SEVERITY_ERROR;
  bool failed = false;
  for (auto& f : findings) {
    failed |= f.severity() >= floor;
    *out.add_findings() = std::move(f);
  }

  if (!req.base_files().empty() && ctx.kb != nullptr) {
    Side base = ParseSide(ctx, req, req.base_files());
    std::map<std::string, std::pair<std::string, int>> where;
    for (int i = 0; i < req.base_files_size(); ++i) {
      if (base.files[i] == nullptr) continue;
      for (const auto& [t, line] : base.files[i]->technique_lines) {
        where.emplace(t, std::make_pair(req.base_files(i).path(), line));
      }
    }
    Covered b = CoveredBy(ctx, base);
    Covered h = CoveredBy(ctx, head);
    cov::v1::CoverageDelta* delta = out.mutable_delta();
    delta->set_covered_base(static_cast<int>(b.techniques.size()));
    delta->set_covered_head(static_cast<int>(h.techniques.size()));
    absl::flat_hash_set<std::string> allowed = AllowMarkers(req);
    for (const auto& a : req.allow_regression()) {
      allowed.insert(absl::AsciiStrToUpper(a));
    }
    for (const auto& t : h.techniques) {
      if (!b.techniques.count(t)) delta->add_techniques_gained(t);
    }
    for (const auto& t : b.techniques) {
      if (h.techniques.count(t)) continue;
      delta->add_techniques_lost(t);
      if (extras != nullptr && where.count(t)) extras->lost_at[t] = where[t];
      if (!allowed.contains(t)) {
        delta->add_regressions(t);
        failed = true;
      }
    }
    for (const auto& tactic : ctx.kb->tactics()) {  // kill-chain order
      const std::string& t = tactic.shortname();
      if (h.tactics.count(t) && !b.tactics.count(t)) {
        delta->add_tactics_gained(t);
      }
      if (b.tactics.count(t) && !h.tactics.count(t)) delta->add_tactics_lost(t);
    }
  }
  out.set_failed(failed);
  return out;
}

}  // namespace cov::server::rules
